import pc from 'picocolors';
import Table from 'cli-table3';
import type { MigrationStatus, MigrationState } from '../core/planner';
import type { LogEntry } from '../core/history';
import { formatDuration, formatTimestamp, plainTable, STATUS_HEAD, stateText, statusRows } from '../core/report';

export { formatDuration, formatTimestamp as formatTime, plainTable };
export { summariseStatuses as summarise, statusJson } from '../core/report';

/** Where the CLI writes; a seam so tests can run the CLI in-process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** True on an interactive terminal: colours and box tables. Piped output stays plain. */
  tty: boolean;
}

export function processOutput(): Output {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    tty: !!process.stdout.isTTY && !process.env['NO_COLOR'],
  };
}

type Paint = (s: string) => string;
const plain: Paint = (s) => s;

export function colours(tty: boolean) {
  const on = tty && pc.isColorSupported;
  return {
    green: on ? pc.green : plain,
    yellow: on ? pc.yellow : plain,
    red: on ? pc.red : plain,
    cyan: on ? pc.cyan : plain,
    dim: on ? pc.dim : plain,
    bold: on ? pc.bold : plain,
  };
}

export function stateLabel(state: MigrationState, outOfOrder: boolean, tty: boolean): string {
  const c = colours(tty);
  const text = stateText({ state, outOfOrder });
  switch (state) {
    case 'applied': return c.green(text);
    case 'pending': return c.yellow(text);
    case 'skipped': return c.dim(text);
    default: return c.red(text);
  }
}

export function renderTable(head: string[], rows: string[][], tty: boolean): string {
  if (!tty) return plainTable(head, rows);
  const table = new Table({ head: head.map((h) => colours(tty).bold(h)), style: { head: [], border: [] } });
  for (const r of rows) table.push(r);
  return table.toString();
}

export function renderStatus(statuses: MigrationStatus[], tty: boolean): string {
  if (statuses.length === 0) return 'No migrations found.';
  return renderTable(STATUS_HEAD, statusRows(statuses, (s) => stateLabel(s.state, s.outOfOrder, tty)), tty);
}

export function renderLog(entries: LogEntry[], tty: boolean): string {
  if (entries.length === 0) return 'The history log is empty.';
  const c = colours(tty);
  const rows = entries.map((e) => [
    String(e.id),
    formatTimestamp(e.occurredAt),
    e.success ? e.action : c.red(e.action),
    e.version && e.name ? `${e.version}_${e.name}` : (e.name ?? ''),
    formatDuration(e.durationMs),
    e.performedBy,
    e.message ?? '',
  ]);
  return renderTable(['id', 'time', 'action', 'migration', 'duration', 'by', 'message'], rows, tty);
}
