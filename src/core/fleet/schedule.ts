/**
 * The order a fleet runs in: canaries first (all must succeed and pass their check), then the rest with at most
 * `parallel` targets at once. On a failure, "stop" starts no more targets (those running finish: each stops
 * only between whole migrations, never inside one); "continue" goes on with the others.
 */
import type { FailurePolicy } from './setting';

export interface ScheduleSettings {
  parallel: number;
  canary: number;
  onFailure: FailurePolicy;
  /** Asked before each target starts; true starts no more (a cancelled run). */
  shouldStop?: () => boolean;
}

export type Outcome<R> =
  | { state: 'ok'; result: R; durationMs: number; canary: boolean }
  | { state: 'failed'; error: unknown; durationMs: number; canary: boolean }
  | { state: 'skipped'; reason: string; canary: boolean };

export interface Scheduled<T> {
  /** Runs one target; throws on failure. */
  run(target: T, canary: boolean): Promise<unknown>;
  label(target: T): string;
}

/** Runs every target by the settings; one outcome per target, in the targets' order. */
export async function schedule<T, R>(targets: T[], settings: ScheduleSettings, work: Scheduled<T>): Promise<Outcome<R>[]> {
  const outcomes: (Outcome<R> | undefined)[] = new Array(targets.length);
  const canaries = Math.min(Math.max(0, settings.canary), targets.length);
  let stopReason: string | null = null;
  const runOne = async (k: number, canary: boolean): Promise<void> => {
    if (stopReason === null && settings.shouldStop?.()) stopReason = 'the run was cancelled';
    if (stopReason !== null) { outcomes[k] = { state: 'skipped', reason: stopReason, canary }; return; }
    const t0 = performance.now();
    try {
      const result = await work.run(targets[k]!, canary);
      outcomes[k] = { state: 'ok', result: result as R, durationMs: Math.round(performance.now() - t0), canary };
    } catch (error) {
      outcomes[k] = { state: 'failed', error, durationMs: Math.round(performance.now() - t0), canary };
      if (canary) stopReason ??= `canary ${work.label(targets[k]!)} failed`;
      else if (settings.onFailure === 'stop') stopReason ??= `${work.label(targets[k]!)} failed and the failure policy is "stop"`;
    }
  };
  await pool(Array.from({ length: canaries }, (_, k) => k), settings.parallel, (k) => runOne(k, true));
  await pool(Array.from({ length: targets.length - canaries }, (_, k) => k + canaries), settings.parallel, (k) => runOne(k, false));
  return outcomes.map((o) => o ?? { state: 'skipped', reason: stopReason ?? 'never reached', canary: false });
}

/** Runs `fn` over `items` with at most `limit` at once, in order of start. */
async function pool<I>(items: I[], limit: number, fn: (item: I) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
