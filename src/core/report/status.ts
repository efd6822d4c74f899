/** The status table, its summary line, its JSON form, and the history log. */
import type { ResolvedEnvironment } from '../config';
import type { LogEntry } from '../history';
import { migrationId, type StatusFile } from '../migration-file';
import type { MigrationStatus } from '../planner';
import { formatDuration, formatTimestamp, hasDrift, STATUS_HEAD, stateText, statusRows, summariseStatuses } from './format';
import { describePool } from './pool';
import type { Style } from './style';

/** A migration's state word, coloured by how much attention it needs. */
export function styledState(s: Pick<MigrationStatus, 'state' | 'outOfOrder'>, style: Style): string {
  const text = stateText(s);
  switch (s.state) {
    case 'applied': return style.green(text);
    case 'pending':
    case 'outdated': return style.yellow(text);
    case 'skipped': return style.dim(text);
    default: return style.red(text);
  }
}

export function renderStatusTable(statuses: MigrationStatus<StatusFile>[], style: Style): string {
  if (statuses.length === 0) return 'No migrations found.';
  return style.table(STATUS_HEAD, statusRows(statuses, (s) => styledState(s, style)));
}

/** "3 applied, 1 pending", with a warning when the files and the database disagree. */
export function renderStatusSummary(statuses: MigrationStatus<StatusFile>[], style: Style): string {
  return `${summariseStatuses(statuses)}${hasDrift(statuses) ? style.red(' — drift detected') : ''}`;
}

/** Everything a status check shows: where, the connection settings, the table and the summary. */
export function renderStatusReport(statuses: MigrationStatus<StatusFile>[], where: string, environment: ResolvedEnvironment, style: Style): string {
  const pool = describePool(environment);
  return [`Environment: ${where}`, ...(pool ? [style.dim(pool)] : []), renderStatusTable(statuses, style), renderStatusSummary(statuses, style)].join('\n');
}

export function statusJson(statuses: MigrationStatus<StatusFile>[]): unknown[] {
  return statuses.map((s) => ({
    version: s.version,
    name: s.name,
    id: migrationId(s),
    state: s.state,
    outOfOrder: s.outOfOrder,
    file: s.file?.file ?? null,
    checksum: s.file?.checksum ?? s.history?.checksum ?? null,
    appliedChecksum: s.history?.checksum ?? null,
    appliedAt: s.history?.appliedAt?.toISOString() ?? null,
    appliedBy: s.history?.appliedBy ?? null,
    durationMs: s.history?.durationMs ?? null,
    batch: s.history?.batch ?? null,
    depends: s.file?.depends ?? [],
    transactional: s.file?.transactional ?? s.history?.transactional ?? true,
    environments: s.file?.environments ?? null,
  }));
}

export const LOG_HEAD = ['id', 'time', 'action', 'migration', 'duration', 'by', 'message'];

export function renderLog(entries: LogEntry[], style: Style): string {
  if (entries.length === 0) return 'The history log is empty.';
  const rows = entries.map((e) => [
    String(e.id),
    formatTimestamp(e.occurredAt),
    e.success ? e.action : style.red(e.action),
    e.version && e.name ? `${e.version}_${e.name}` : (e.name ?? ''),
    formatDuration(e.durationMs),
    e.performedBy,
    e.message ?? '',
  ]);
  return style.table(LOG_HEAD, rows);
}
