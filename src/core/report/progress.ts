/** Progress of long work (--seed --scale): a bar for a terminal, a plain line for logs and pipes. */
import type { Style } from './style';

export interface ProgressState {
  table: string;
  rows: number;
  total: number;
}

const BAR_WIDTH = 24;

function percent(p: ProgressState): number {
  return p.total > 0 ? Math.min(100, Math.floor((p.rows / p.total) * 100)) : 100;
}

/** "  observations [#########---------------]  37%  37,000/100,000 rows" (one terminal line, redrawn in place). */
export function renderProgressBar(p: ProgressState, style: Style): string {
  const filled = Math.round((percent(p) / 100) * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
  return `  ${p.table} [${style.cyan(bar)}] ${String(percent(p)).padStart(3)}%  ${p.rows.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} rows`;
}

/** "  observations: 37000 of 100000 rows (37%)" — for output that is not a terminal, written every few seconds. */
export function renderProgressLine(p: ProgressState): string {
  return `  ${p.table}: ${p.rows} of ${p.total} rows (${percent(p)}%)`;
}
