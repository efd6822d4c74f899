/**
 * The Migrations view of a fleet environment (issue 19), computed without the editor API: the environment row
 * ("fleet: N targets"), a row per target with an aggregated state icon and description, and each target's
 * migrations (the ordinary migration item model, with ids of their own per target).
 */
import type { DependencyEdge } from '../../core/dependencies';
import type { StatusMatrix } from '../../core/fleet/matrix';
import { migrationId, type MigrationFile, type StatusFile } from '../../core/migration-file';
import { isDue, type MigrationStatus } from '../../core/planner';
import { escapeMarkdown, migrationItems, STATE_ICONS, type MigrationItemModel } from './tree-model';

/** One target as the controller knows it: what its status read gave, and the last run's failure on it. */
export interface FleetTargetInput {
  key: string;
  /** Redacted label (core's FleetTarget.label). */
  label: string;
  schema: string | null;
  /** null until read (or when it could not be read: see error). */
  statuses: MigrationStatus<StatusFile>[] | null;
  /** Why its status could not be read. */
  error: string | null;
  /** The last Up/Down/Verify that failed on it (kept until a run on it succeeds). */
  failure: string | null;
  /** Its log file, relative to the project root. */
  logFile?: string;
}

/** all applied / some pending / failed or dirty (drift) / unreadable / not read yet. */
export type TargetHealth = 'applied' | 'pending' | 'failed' | 'unreadable' | 'unknown';

export const HEALTH_ICONS: Record<TargetHealth, { icon: string; color?: string }> = {
  // A target all applied, or not read yet, looks like a migration in that state.
  applied: STATE_ICONS.applied,
  pending: { icon: 'arrow-circle-up', color: 'editorWarning.foreground' },
  failed: { icon: 'error', color: 'editorError.foreground' },
  unreadable: { icon: 'debug-disconnect', color: 'editorError.foreground' },
  unknown: STATE_ICONS.unknown,
};

export interface FleetTargetItemModel {
  /** Stable id: "<folder>|<env>|target|<key>". */
  id: string;
  key: string;
  label: string;
  description: string;
  health: TargetHealth;
  icon: string;
  color?: string;
  /** Markdown. */
  tooltip: string;
  /** "fleetTarget.<health>" plus ".pending" when something is due, ".applied" when something can be rolled back. */
  contextValue: string;
  pending: number;
  applied: number;
}

const DRIFT_STATES = new Set(['modified', 'missing', 'dirty']);

/** The counts and the drift of one target's statuses. */
function tally(statuses: MigrationStatus<StatusFile>[]): { pending: number; applied: number; drift: MigrationStatus<StatusFile>[] } {
  return {
    pending: statuses.filter((s) => isDue(s.state)).length,
    applied: statuses.filter((s) => s.state === 'applied' || s.state === 'modified' || s.state === 'dirty').length,
    drift: statuses.filter((s) => DRIFT_STATES.has(s.state)),
  };
}

/** The one state a target row shows: a failure or drift first, then unreadable, then pending, else all applied. */
export function targetHealth(t: Pick<FleetTargetInput, 'statuses' | 'error' | 'failure'>): TargetHealth {
  if (t.statuses) {
    const { pending, drift } = tally(t.statuses);
    if (t.failure || drift.length) return 'failed';
    return pending ? 'pending' : 'applied';
  }
  if (t.error) return 'unreadable';
  return t.failure ? 'failed' : 'unknown';
}

function driftText(drift: MigrationStatus<StatusFile>[]): string {
  const first = drift[0]!;
  return `${first.state}: ${migrationId(first)}${drift.length > 1 ? ` (+${drift.length - 1})` : ''}`;
}

function targetDescription(t: FleetTargetInput, health: TargetHealth): string {
  if (!t.statuses) return health === 'unreadable' ? 'unreadable' : health === 'failed' ? 'last run failed' : 'state not loaded yet';
  const { pending, drift } = tally(t.statuses);
  const parts: string[] = [];
  if (t.failure) parts.push('last run failed');
  if (drift.length) parts.push(driftText(drift));
  if (pending) parts.push(`${pending} pending`);
  return parts.length ? parts.join(' · ') : 'up to date';
}

function targetTooltip(t: FleetTargetInput, health: TargetHealth, description: string): string {
  const rows: [string, string][] = [['Target', escapeMarkdown(t.label)]];
  if (t.schema !== null) rows.push(['Schema', escapeMarkdown(t.schema)]);
  if (t.statuses) {
    const { pending, applied } = tally(t.statuses);
    rows.push(['Applied', String(applied)], ['Pending', String(pending)]);
  }
  if (t.error) rows.push(['Unreadable', escapeMarkdown(t.error)]);
  if (t.failure) rows.push(['Last run', `failed: ${escapeMarkdown(t.failure)}`]);
  if (t.logFile) rows.push(['Log', `\`${t.logFile}\``]);
  return [`**${escapeMarkdown(t.label)}** — ${escapeMarkdown(description)}`, '', '| | |', '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\n/g, ' ').replace(/\|/g, '\\|')} |`)].join('\n') + (health === 'unknown' ? '\n\nNot read yet.' : '');
}

/** One row per target, in the fleet's order. */
export function fleetTargetItems(folderKey: string, environment: string, targets: FleetTargetInput[]): FleetTargetItemModel[] {
  return targets.map((t) => {
    const health = targetHealth(t);
    const description = targetDescription(t, health);
    const counts = t.statuses ? tally(t.statuses) : { pending: 0, applied: 0 };
    const icon = HEALTH_ICONS[health];
    let contextValue = `fleetTarget.${health}`;
    if (counts.pending) contextValue += '.pending';
    if (counts.applied) contextValue += '.applied';
    return {
      id: `${folderKey}|${environment}|target|${t.key}`, key: t.key, label: t.label, description, health,
      icon: icon.icon, color: icon.color, tooltip: targetTooltip(t, health, description), contextValue, pending: counts.pending, applied: counts.applied,
    };
  });
}

/**
 * A target's statuses with the files on disk (the fleet's status read carries the files without their SQL, so the
 * down section, down file and verify file come from the project's files), for the migration item model.
 */
export function withFiles(statuses: MigrationStatus<StatusFile>[], files: MigrationFile[]): MigrationStatus[] {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  return statuses.map((s) => ({ ...s, file: s.file ? (byVersion.get(s.version) ?? { ...s.file, up: '', down: null, upLine: 1, downLine: null }) : null }));
}

/** A target's migrations: the ordinary migration rows, with ids unique per target ("<folder>|target:<key>|<env>|<version>"). */
export function targetMigrationItems(input: { folderKey: string; environment: string; root: string; target: FleetTargetInput; files: MigrationFile[]; edges: DependencyEdge[] }): MigrationItemModel[] {
  const statuses = input.target.statuses ? withFiles(input.target.statuses, input.files) : null;
  return migrationItems({ folderKey: `${input.folderKey}|target:${input.target.key}`, environment: input.environment, root: input.root, statuses, files: input.files, edges: input.edges });
}

/** The environment row of a fleet: "fleet: N targets", with what needs attention once read. */
export function fleetEnvironmentItem(environment: string, targets: number | null, matrix: StatusMatrix | null, isProtected: boolean, loading = false): { label: string; description: string; icon: string; contextValue: string } {
  let description = targets === null ? 'fleet' : `fleet: ${targets} target${targets === 1 ? '' : 's'}`;
  if (loading) description += ' — reading…';
  else if (matrix) {
    const t = matrix.totals;
    const parts = [
      ...(t.behind ? [`${t.behind} behind`] : []), ...(t.drift ? [`${t.drift} with drift`] : []), ...(t.unreadable ? [`${t.unreadable} unreadable`] : []),
    ];
    description += parts.length ? ` — ${parts.join(', ')}` : t.targets ? ' — all up to date' : '';
  }
  return {
    label: environment,
    description,
    icon: isProtected ? 'shield' : 'database',
    contextValue: isProtected ? 'environment.protected.fleet' : 'environment.fleet',
  };
}

/**
 * The statuses a fleet's "up" lints before it runs: those of the target with the most migrations due (every target
 * reads the same files, so the others apply a subset of them). null when no target was read.
 */
export function mostBehind(targets: FleetTargetInput[]): MigrationStatus<StatusFile>[] | null {
  let best: MigrationStatus<StatusFile>[] | null = null;
  let most = -1;
  for (const t of targets) {
    if (!t.statuses) continue;
    const due = t.statuses.filter((s) => isDue(s.state)).length;
    if (due > most) { most = due; best = t.statuses; }
  }
  return best;
}

/** The short name progress messages use: a schema target's schema, else its label. */
export function targetShortName(t: { label: string; schema: string | null }): string {
  return t.schema ?? t.label;
}

/** The status bar for a fleet: "$(database) tenants · fleet: 2 of 3 behind" (no count before the targets were read); null when not a fleet. */
export function fleetStatusBar(view: { environment: string; count: number | null; matrix: StatusMatrix | null } | null, isProtected: boolean): { text: string; tooltip: string } | null {
  if (!view) return null;
  const icon = isProtected ? '$(shield)' : '$(database)';
  const t = view.matrix?.totals;
  const state = !t ? '' : t.behind + t.drift + t.unreadable === 0 ? 'up to date' : [
    ...(t.behind ? [`${t.behind} of ${t.targets} behind`] : []), ...(t.drift ? [`${t.drift} with drift`] : []), ...(t.unreadable ? [`${t.unreadable} unreadable`] : []),
  ].join(', ');
  const targets = view.count === null ? 'fleet' : `fleet of ${view.count} target${view.count === 1 ? '' : 's'}`;
  return {
    text: `${icon} ${view.environment} · ${state ? `fleet: ${state}` : 'fleet'}`,
    tooltip: `environment "${view.environment}" (${targets})${state ? `: ${state}` : ''}`,
  };
}
