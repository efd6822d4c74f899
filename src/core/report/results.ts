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

/**
 * What a seed run loaded, in words a person can check against the Seeds view: the seed files counted as files, the
 * sample data set named apart with its rows ("Seeded test with 2 seed files and the sample data set (1,204 rows).").
 */
export function describeSeeded(run: Pick<SeedRun, 'seeds' | 'tables'> & { scaled?: SeedRun['scaled'] }): string {
  const files = run.seeds.filter((s) => s.kind !== 'sample-data').length;
  const data = run.seeds.some((s) => s.kind === 'sample-data');
  // Only generated rows (a "seed.scale" config and nothing to load): the next line says what was generated.
  if (!files && !data && run.scaled) return 'synthetic rows only (no seed files or sample data)';
  const rows = run.tables.filter((t) => !t.skipped).reduce((n, t) => n + t.rows, 0);
  const parts = [...(files || !data ? [plural(files, 'seed file')] : []), ...(data ? [`the sample data set (${plural(rows, 'row').replace(/^\d+/, rows.toLocaleString('en-US'))})`] : [])];
  return parts.join(' and ');
}

export function renderSeedRun(run: SeedRun, where: string, style: Style): string {
  const skipped = run.skipped.length ? ` Skipped (other environments): ${run.skipped.join(', ')}.` : '';
  const lines = [run.dryRun
    ? `Dry run on ${where}: would seed ${describeSeeded(run)}; everything was rolled back.${skipped}`
    : style.green(`Seeded ${where} with ${describeSeeded(run)}.`) + skipped];
  if (run.sampleData) lines.push(`Sample data (${run.sampleData.dir}) as of ${describeDates(run.sampleData.files)}.`);
  const s = run.scaled;
  if (s) {
    lines.push(`Generated ${s.rows} synthetic rows with COPY in ${s.seconds.toFixed(2)} s (${Math.round(s.rowsPerSecond)} rows/s): ${s.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}.`);
  }
  return lines.join('\n');
}

/**
 * The confirmation before a rollback: which migrations' down sections run (newest first) and the backup taken before
 * them (`backupDir` as shown, or null when backups are off for the environment).
 */
export function renderRollbackConfirmation(ids: string[], environment: string, backupDir: string | null): { message: string; detail: string } {
  const message = ids.length === 1
    ? `Roll back ${ids[0]} on "${environment}"?`
    : `Roll back ${plural(ids.length, 'migration')} on "${environment}" (${ids.length > 3 ? `${ids.slice(0, 3).join(', ')}, …` : ids.join(', ')})?`;
  const order = ids.length > 1 ? `Their down sections run newest first: ${ids.join(', ')}.` : `Its down section runs in one transaction with its history row.`;
  const backup = backupDir
    ? `A backup of the database is taken first, into ${backupDir} (Restore Backup… brings it back).`
    : `No backup is taken: backups are off for "${environment}".`;
  return { message, detail: `${order}\n${backup}` };
}

/** "2025-01" when every file has that date, else "2025-01 (a.json, b.json); 2024-06 (c.json)"; undated files as "no date". */
export function describeDates(files: { file: string; asOf: string | null }[]): string {
  const groups = new Map<string, string[]>();
  for (const f of files) groups.set(f.asOf ?? 'no date', [...(groups.get(f.asOf ?? 'no date') ?? []), f.file]);
  if (groups.size === 1) return [...groups.keys()][0]!;
  return [...groups].sort(([a], [b]) => (a < b ? 1 : -1)).map(([d, names]) => `${d} (${names.join(', ')})`).join('; ');
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
