/** The reports of runs and maintenance actions: what was applied, seeded, refreshed, backed up, found. */
import type { BackupEntry } from '../backups';
import type { MigrationRun, SeedRun } from '../engine';
import type { PartitionChange, PartitionedTable, ViewRefresh } from '../maintenance';
import type { PerformanceReport } from '../performance';
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
  if (run.sampleData) lines.push(`Sample data (${run.sampleData.dir}) as of ${describeDates(run.sampleData.files)}.`);
  const s = run.scaled;
  if (s) {
    lines.push(`Generated ${s.rows} synthetic rows with COPY in ${s.seconds.toFixed(2)} s (${Math.round(s.rowsPerSecond)} rows/s): ${s.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}.`);
  }
  return lines.join('\n');
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
  const lines = done.map((v) => `  ${v.view} ${style.dim(`${formatDuration(v.durationMs)}${v.concurrently ? ', concurrently' : ''}`)}${v.note ? style.yellow(` — ${v.note}`) : ''}`);
  lines.push(style.green(`Refreshed ${plural(done.length, 'materialized view')} on ${where}.`));
  return lines.join('\n');
}

export function renderPartitions(tables: PartitionedTable[], style: Style): string {
  if (tables.length === 0) return 'No partitioned tables.';
  return tables.map((t) => [
    `${style.bold(t.table)} ${style.dim(`partitioned by ${t.strategy} ${t.key}`)}`,
    style.table(['partition', 'bounds', 'rows (estimate)'], t.partitions.map((p) => [p.name, p.bound, p.rows === null ? '' : String(p.rows)])),
  ].join('\n')).join('\n');
}

export function renderPartitionChanges(changes: PartitionChange[], style: Style): string {
  if (changes.length === 0) return 'Partitions are already in shape.';
  return changes.map((ch) => `  ${ch.action} ${ch.partition} ${style.dim(`(${ch.table}: ${ch.bound})`)}`).join('\n');
}

const STATEMENT_WIDTH = 90;

/** Top statements, table health and index usage; each section says where its numbers come from. */
export function renderPerformance(report: PerformanceReport, style: Style): string {
  const r = report;
  const lines = [style.bold(`Top statements (${r.statementsSource})`)];
  if (r.statementsNote) lines.push(style.dim(`  ${r.statementsNote}`));
  lines.push(r.topStatements.length ? style.table(['total ms', 'calls', 'mean ms', 'rows', 'statement'], r.topStatements.map((t) => [
    String(t.totalMs), String(t.calls), String(t.meanMs), String(t.rows), t.query.length > STATEMENT_WIDTH ? `${t.query.slice(0, STATEMENT_WIDTH - 3)}...` : t.query,
  ])) : '  none recorded');
  if (r.countersNote) lines.push(style.yellow(`Note: ${r.countersNote}`));
  lines.push(style.bold('Tables (dead rows = bloat estimate)'));
  lines.push(r.tables.length ? style.table(['table', 'live rows', 'dead rows', 'dead %', 'estimated rows', 'size', 'seq scans', 'index scans'], r.tables.map((t) => [
    t.table, String(t.liveRows), String(t.deadRows), (t.deadRatio * 100).toFixed(1), String(t.estimatedRows), formatBytes(t.sizeBytes), String(t.seqScans), String(t.indexScans),
  ])) : '  none');
  lines.push(style.bold('Indexes'));
  lines.push(r.indexes.length ? style.table(['table', 'index', 'scans', 'size'], r.indexes.map((i) => [i.table, i.index, String(i.scans), formatBytes(i.sizeBytes)])) : '  none');
  if (r.unusedIndexes.length) lines.push(style.yellow(`Never scanned (candidates to drop): ${r.unusedIndexes.map((i) => i.index).join(', ')}`));
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
