/**
 * A fleet run in the editor (issue 19), without the editor API: the progress message from the fleet's events
 * ("tenant_07: applying 002_x (2 of 5) — 12 of 50 targets") and the notification that ends it, naming the failed targets.
 */
import type { FleetEvent, FleetRun } from '../../core/fleet/fleet';
import { plural, renderProgress } from '../../core/report';
import { targetShortName } from './fleet-tree';

export type FleetAction = 'up' | 'down' | 'verify';

const TITLES: Record<FleetAction, string> = { up: 'Up', down: 'Down', verify: 'Verify' };

/** Follows a fleet's events; each one that moves the run gives the progress message and the increment (percent). */
export class FleetProgress {
  private finished = 0;

  constructor(readonly total: number) {}

  get done(): number { return this.finished; }

  private of(): string {
    return `${this.finished} of ${plural(this.total, 'target')}`;
  }

  on(event: FleetEvent): { message: string; increment?: number } | null {
    const name = targetShortName(event.target);
    switch (event.type) {
      case 'target-start': return { message: `${name}: started${event.canary ? ' (canary)' : ''} — ${this.of()}` };
      case 'target-done':
        this.finished++;
        return { message: `${name}: done, ${event.summary} — ${this.of()}`, increment: 100 / Math.max(1, this.total) };
      case 'target-failed':
        this.finished++;
        return { message: `${name}: failed — ${this.of()}`, increment: 100 / Math.max(1, this.total) };
      case 'target-skipped': return null;
      default: {
        const step = renderProgress(event.event);
        if (!step) return null;
        return { message: `${name}: ${step.message.charAt(0).toLowerCase()}${step.message.slice(1)} — ${this.of()}` };
      }
    }
  }
}

export interface FleetNotice {
  level: 'info' | 'error';
  text: string;
  /** Labels of the targets that failed, in the fleet's order. */
  failed: string[];
}

/**
 * The notification after a fleet run: "Up on fleet "tenants": 3 of 3 targets ok (5 migrations applied)." or, when
 * some failed, "... 1 failed: pglite:b (002_x failed (up): ...); 1 not started." — the whole report goes to the output.
 */
export function fleetNotice(run: FleetRun<unknown>, action: FleetAction, detail?: string): FleetNotice {
  const failed = run.results.filter((r) => r.state === 'failed');
  const skipped = run.results.filter((r) => r.state === 'skipped');
  const ok = run.results.length - failed.length - skipped.length;
  const head = `${TITLES[action]} on fleet "${run.environment}"`;
  if (failed.length === 0 && skipped.length === 0) {
    return { level: 'info', text: `${head}: ${ok} of ${plural(run.results.length, 'target')} ok${detail ? ` (${detail})` : ''}.`, failed: [] };
  }
  const parts = [`${ok} ok`];
  if (failed.length) {
    const first = failed[0]!;
    const why = failed.length === 1 ? ` (${first.error?.message.split('\n')[0] ?? 'failed'})` : '';
    parts.push(`${failed.length} failed: ${failed.map((r) => r.label).join(', ')}${why}`);
  }
  if (skipped.length) parts.push(`${skipped.length} not started (${skipped[0]!.reason ?? 'stopped'})`);
  return { level: 'error', text: `${head}: ${parts.join('; ')}.`, failed: failed.map((r) => r.label) };
}

/** How many migrations a fleet up/down changed in all (for the notice). */
export function migrationsChanged(run: FleetRun<{ migrations: unknown[] }>, action: 'up' | 'down'): string {
  const n = run.results.reduce((sum, r) => sum + (r.result?.migrations.length ?? 0), 0);
  return `${plural(n, 'migration')} ${action === 'up' ? 'applied' : 'rolled back'}`;
}

/** "Apply pending migrations on each of the 3 targets of fleet "tenants"", and the like: the progress title and confirmation. */
export function fleetWhat(action: FleetAction, version: string | undefined, where: string): string {
  if (action === 'up') return version ? `Apply migrations up to ${version} on ${where}` : `Apply pending migrations on ${where}`;
  if (action === 'down') return version ? `Roll back down to and including ${version} on ${where}` : `Roll back the last migration on ${where}`;
  return version ? `Verify the rollback of ${version} on ${where}` : `Verify rollbacks on ${where}`;
}

/** Where a fleet run goes, as fleetWhat says it: one target, or each of the fleet's. */
export function fleetWhere(environment: string, target: string | null, count: number | null): string {
  if (target) return `target ${target} of fleet "${environment}"`;
  return `${count === null ? 'every target' : count === 1 ? 'the 1 target' : `each of the ${count} targets`} of fleet "${environment}"`;
}
