/** The reports of runs and maintenance actions: what was applied, seeded, refreshed, backed up, found. */
import type { BackupEntry } from '../backups';
import type { MigrationRun, SeedRun } from '../engine';
import type { ViewRefresh } from '../maintenance';
import { isDue, type MigrationStatus } from '../planner';
import { formatBytes, formatDuration, formatTimestamp, plural } from './format';
import type { Style } from './style';

export interface MigrationRunOptions {
  /** The run stopped early on request (between migrations), so the sentence says so and what is left. */
  stopped?: boolean;
}

/** Up or down: how many migrations ran on `where`, or that there was nothing to do. */
export function renderMigrationRun(run: Pick<MigrationRun, 'direction' | 'migrations'> & Partial<Pick<MigrationRun, 'statuses'>>, where: string, style: Style,
  options: MigrationRunOptions = {}): string {
  const n = run.migrations.length;
  if (options.stopped) {
    const pending = (run.statuses ?? []).filter((s) => isDue(s.state)).length;
    return run.direction === 'up'
      ? style.yellow(`Applied ${plural(n, 'migration')} to ${where}, then stopped as asked; ${pending} still pending.`)
      : style.yellow(`Rolled back ${plural(n, 'migration')} on ${where}, then stopped as asked.`);
  }
  if (run.direction === 'up') return n === 0 ? `Nothing to apply: ${where} is up to date.` : style.green(`Applied ${plural(n, 'migration')} to ${where}.`);
  return n === 0 ? `Nothing to roll back on ${where}.` : style.green(`Rolled back ${plural(n, 'migration')} on ${where}.`);
}

export function renderSeedRun(run: SeedRun, where: string, style: Style): string {
  const skipped = run.skipped.length ? ` Skipped (other environments): ${run.skipped.join(', ')}.` : '';
  const lines = [run.dryRun
    ? `Dry run on ${where}: would seed from ${plural(run.seeds.length, 'source')}; everything was rolled back.${skipped}`
    : style.green(`Seeded ${where} from ${plural(run.seeds.length, 'source')}.`) + skipped];
  const s = run.scaled;
  if (s) {
    lines.push(`Generated ${s.rows} synthetic rows with COPY in ${s.seconds.toFixed(2)} s (${Math.round(s.rowsPerSecond)} rows/s): ${s.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}.`);
  }
  return lines.join('\n');
}

export function renderViewRefresh(done: ViewRefresh[], where: string, style: Style): string {
  if (done.length === 0) return 'No materialized views to refresh.';
  const lines = done.map((v) => `  ${v.view} ${style.dim(`${formatDuration(v.durationMs)}${v.concurrently ? ', concurrently' : ''}`)}${v.upstreamOf ? ` (read by ${v.upstreamOf.join(', ')}: refreshed first)` : ''}${v.note ? style.yellow(` — ${v.note}`) : ''}`);
  lines.push(style.green(`Refreshed ${plural(done.length, 'materialized view')} on ${where}.`));
  return lines.join('\n');
}

/**
 * The backups of an environment; `dirShown` is the backup directory as the reader should see it
 * (relative to where they are). `environment` names it when there are none yet.
 */
export function renderBackups(list: BackupEntry[], style: Style, dirShown: string, environment?: string): string {
  if (list.length === 0) return `No backups for ${environment ?? 'this environment'} yet (${dirShown}).`;
  return style.table(['id', 'taken', 'reason', 'version', 'size', 'format'], list.map((b) => [
    b.id, formatTimestamp(new Date(b.createdAt)), b.reason, `${b.versionBefore ?? '-'} → ${b.versionAfter ?? '-'}`, formatBytes(b.sizeBytes), b.format,
  ]));
}

/** A backup just taken; `fileShown` is its file as the reader should see it. */
export function renderBackupDone(entry: BackupEntry, where: string, fileShown: string, style: Style): string {
  return style.green(`Backed up ${where} to ${fileShown} (${formatBytes(entry.sizeBytes)}).`);
}

export function renderRestore(done: { restored: BackupEntry; safety: BackupEntry }, where: string, style: Style): string {
  return style.green(`Restored ${done.restored.id} on ${where}; the state before was saved as ${done.safety.id}.`);
}

/** A dirty migration resolved by hand (marked applied or rolled back). */
export function renderResolved(status: MigrationStatus): string {
  return `${status.version}_${status.name} is now ${status.state}.`;
}

export function renderBaseline(statuses: MigrationStatus[], where: string): string {
  return `Recorded ${plural(statuses.filter((s) => s.state === 'applied').length, 'migration')} as applied on ${where} without running them.`;
}

export function renderChecksumRepaired(status: MigrationStatus): string {
  return `${status.version}_${status.name}: the edited file is now the recorded one (${status.state}).`;
}
