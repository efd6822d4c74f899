/** Small formatting helpers every report uses: times, durations, sizes, counts, plain tables, state words. */
import type { StatusFile } from '../migration-file';
import type { MigrationState, MigrationStatus } from '../planner';

/** "3 applied, 1 pending" — shared by the CLI and the extension. */
export function summariseStatuses(statuses: MigrationStatus<StatusFile>[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const order: MigrationState[] = ['applied', 'pending', 'outdated', 'modified', 'missing', 'dirty', 'skipped'];
  const parts = order.filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${k}`);
  return parts.length ? parts.join(', ') : 'no migrations';
}

/** True when the database and the files disagree in a way a person must look at. */
export function hasDrift(statuses: MigrationStatus<StatusFile>[]): boolean {
  return statuses.some((s) => s.state === 'modified' || s.state === 'missing' || s.state === 'dirty');
}

export function formatTimestamp(d: Date | null | undefined): string {
  if (!d) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * A timestamp short enough for a table cell that must not wrap: the time alone today, "Dec 3 14:05" this year,
 * the date before that. The full one (formatTimestamp) goes in the cell's tooltip.
 */
export function formatShortTimestamp(d: Date | null | undefined, now: Date = new Date()): string {
  if (!d) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
  if (d.getFullYear() !== now.getFullYear()) return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  if (d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) return `${time}:${p(d.getSeconds())}`;
  return `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Columns separated by two spaces: piped CLI output, logs, the editor's output channel. */
export function plainTable(head: string[], rows: string[][]): string {
  // Loops instead of map/spread: a status of 10,000 migrations is a table of 10,000 rows.
  const widths = head.map((h) => h.length);
  for (const r of rows) {
    for (let i = 0; i < widths.length; i++) {
      const n = (r[i] ?? '').length;
      if (n > widths[i]!) widths[i] = n;
    }
  }
  const line = (cells: string[]): string => {
    let s = '';
    const last = cells.length - 1;
    for (let i = 0; i < last; i++) s += `${cells[i]!.padEnd(widths[i] ?? 0)}  `;
    return last >= 0 ? (s + cells[last]!).trimEnd() : '';
  };
  const lines = new Array<string>(rows.length + 1);
  lines[0] = line(head);
  for (let i = 0; i < rows.length; i++) lines[i + 1] = line(rows[i]!);
  return lines.join('\n');
}

export function statusRows(statuses: MigrationStatus<StatusFile>[], label: (s: MigrationStatus<StatusFile>) => string = (s) => stateText(s)): string[][] {
  // Migrations applied in one run share their second: format each second once (10,000 rows, ~6 Date getters each).
  let second = NaN;
  let shown = '';
  const when = (d: Date | undefined): string => {
    if (!d) return '';
    const s = Math.floor(d.getTime() / 1000);
    if (s !== second) {
      second = s;
      shown = formatTimestamp(d);
    }
    return shown;
  };
  return statuses.map((s) => [s.version, s.name, label(s), when(s.history?.appliedAt), formatDuration(s.history?.durationMs)]);
}

export const STATUS_HEAD = ['version', 'name', 'state', 'applied at', 'duration'];

export function stateText(s: Pick<MigrationStatus, 'state' | 'outOfOrder'>): string {
  return s.outOfOrder && (s.state === 'pending' || s.state === 'skipped') ? `${s.state} (out of order)` : s.state;
}

/** 512 B, 1.5 kB, 2.0 MB: every size shown anywhere (backups, relations, notifications, the history log) goes through this. */
export function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "1 migration", "3 migrations". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
