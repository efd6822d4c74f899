/** The fleet's words: per-target event lines (prefixed with the target's redacted label), run summaries, the status matrix. */
import { ExitCode } from '../errors';
import type { FleetEvent, FleetRun, FleetStatus, TargetResult } from '../fleet/fleet';
import { interestingColumns, type MatrixCell, type StatusMatrix } from '../fleet/matrix';
import type { DriftReport } from '../shadow/drift';
import { describeDrift } from './drift';
import { renderEvent, type EventLine } from './events';
import { formatDuration } from './format';
import type { Style } from './style';

/** One line per fleet event; an engine event gets the target's label in front. */
export function renderFleetEvent(event: FleetEvent, style: Style): EventLine | null {
  const tag = `[${event.target.label}]`;
  switch (event.type) {
    case 'target-start': return { stream: 'out', text: `${style.cyan(tag)} start${event.canary ? ' (canary)' : ''}` };
    case 'target-done': return { stream: 'out', text: `${style.cyan(tag)} ${style.green('done')}: ${event.summary} ${style.dim(formatDuration(event.durationMs))}` };
    case 'target-failed': return { stream: 'err', text: `${style.cyan(tag)} ${style.red('failed')}: ${event.error.message}` };
    case 'target-skipped': return { stream: 'err', text: `${style.cyan(tag)} ${style.yellow('not started')}: ${event.reason}` };
    default: {
      const line = renderEvent(event.event, style);
      // Multi-line events (warnings) keep the tag on every line, so interleaved output stays attributable.
      return line ? { stream: line.stream, text: line.text.split('\n').map((l) => `${style.cyan(tag)} ${l.replace(/^ {2}/, '')}`).join('\n') } : null;
    }
  }
}

/** "Fleet production: 18 ok, 1 failed, 1 not started" and one line per failed target with its error and fix. */
export function renderFleetSummary(run: FleetRun<unknown>, action: string, style: Style): string {
  const count = (state: TargetResult<unknown>['state']) => run.results.filter((r) => r.state === state).length;
  const parts = [`${count('ok')} ok`, ...(count('failed') ? [style.red(`${count('failed')} failed`)] : []), ...(count('skipped') ? [style.yellow(`${count('skipped')} not started`)] : [])];
  const lines = [`Fleet ${run.environment}: ${action} on ${run.results.length} target${run.results.length === 1 ? '' : 's'}: ${parts.join(', ')}`];
  for (const r of run.results) {
    if (r.state !== 'failed') continue;
    lines.push(`  ${style.red('✗')} ${r.label}${r.canary ? ' (canary)' : ''}: ${r.error!.code}: ${r.error!.message}`);
    if (r.error!.hint) lines.push(`      fix: ${r.error!.hint}`);
  }
  const skipped = run.results.filter((r) => r.state === 'skipped');
  if (skipped.length) lines.push(`  ${style.yellow('-')} not started: ${skipped.map((r) => r.label).join(', ')} (${skipped[0]!.reason})`);
  return lines.join('\n');
}

const SYMBOL: Record<MatrixCell, string> = {
  applied: '✓', pending: '·', modified: 'M', missing: '?', dirty: '!', skipped: '-', outdated: '~', unknown: ' ',
};

function cell(c: MatrixCell, style: Style): string {
  const s = SYMBOL[c];
  if (c === 'applied') return style.green(s);
  if (c === 'pending' || c === 'outdated') return style.yellow(s);
  if (c === 'skipped' || c === 'unknown') return style.dim(s);
  return style.red(s);
}

/** The matrix as a table: a row per target, a column per migration worth showing (see interestingColumns). */
export function renderStatusMatrix(matrix: StatusMatrix, style: Style): string {
  if (matrix.rows.length === 0) return 'No targets.';
  const { shown, folded, hidden } = interestingColumns(matrix);
  const head = ['target', ...shown.map((k) => matrix.columns[k]!.version), 'state'];
  const rows = matrix.rows.map((r) => [
    r.label,
    ...shown.map((k) => cell(r.cells[k]!, style)),
    r.error ? style.red(`unreadable: ${r.error}`) : r.drift ? style.red('drift') : r.behind ? style.yellow(`${r.behind} behind`) : style.green('up to date'),
  ]);
  const t = matrix.totals;
  const legend = style.dim(`✓ applied  · pending  ~ outdated  M modified  ? missing  ! dirty  - skipped${folded ? `; ${folded} migration${folded === 1 ? '' : 's'} applied on every target not shown` : ''}`
    + (hidden ? `; ${hidden} more that differ not shown (--json lists every cell)` : ''));
  const summary = `${t.targets} targets: ${t.upToDate} up to date${t.behind ? `, ${style.yellow(`${t.behind} behind`)}` : ''}${t.drift ? `, ${style.red(`${t.drift} with drift`)}` : ''}${t.unreadable ? `, ${style.red(`${t.unreadable} unreadable`)}` : ''}`;
  return [style.table(head, rows), legend, summary].join('\n');
}

/** Each target's schema differences (the first ten), then the fleet's summary. */
export function renderFleetDrift(run: FleetRun<DriftReport>, style: Style): string {
  const lines: string[] = [];
  for (const r of run.results) {
    const items = r.result?.items ?? [];
    if (r.state !== 'ok') continue;
    if (!items.length) { lines.push(`${style.green('✓')} ${r.label}: no schema drift`); continue; }
    lines.push(`${style.red('✗')} ${r.label}: ${items.length} difference${items.length === 1 ? '' : 's'} from its ${r.result!.replayed} applied migration(s)`);
    for (const i of items.slice(0, 10)) lines.push(`    ${describeDrift(i)}`);
    if (items.length > 10) lines.push(`    … and ${items.length - 10} more (--drift --url on it lists them all)`);
  }
  lines.push(renderFleetSummary(run, '--drift', style));
  return lines.join('\n');
}

/** 1 when any target failed (or could not be read); 4 when any shows drift (the status matrix says so, or `drift`); else 0. */
export function fleetExitCode(run: FleetRun<unknown> | FleetStatus, drift = false): number {
  if (run.results.some((r) => r.state !== 'ok')) return ExitCode.MigrationFailed;
  if (drift || ('matrix' in run && run.matrix.totals.drift > 0)) return ExitCode.DriftDetected;
  return ExitCode.Success;
}

/** The JSON a fleet run prints: one entry per target, without the full status rows (the matrix holds them for --status). */
export function fleetJson(run: FleetRun<unknown>, result: (r: TargetResult<unknown>) => unknown): unknown {
  return {
    environment: run.environment,
    fleet: true,
    ok: run.ok,
    targets: run.results.map((r) => ({ key: r.key, target: r.label, schema: r.schema, state: r.state, canary: r.canary, durationMs: r.durationMs, error: r.error, reason: r.reason, ...(r.state === 'ok' ? { result: result(r) } : {}) })),
  };
}
