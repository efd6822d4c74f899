/**
 * The status panel's fleet section (issue 19): the targets × migrations matrix of core's buildStatusMatrix, with the
 * columns applied on every target folded (interestingColumns, as the CLI's table), a glyph per cell coloured by the
 * theme, and tooltips naming the target, the migration and its state (or why the target could not be read).
 * Fixed column widths: the panel never scrolls sideways at 850 px (see status-panel-html.ts).
 */
import { interestingColumns, type MatrixCell, type StatusMatrix } from '../../core/fleet/matrix';
import { escapeHtml } from './status-panel-html';

export const MATRIX_GLYPHS: Record<MatrixCell, string> = {
  applied: '✓', pending: '·', outdated: '~', modified: 'M', missing: '?', dirty: '!', skipped: '-', unknown: ' ',
};

const CELL_WORDS: Record<MatrixCell, string> = {
  applied: 'applied', pending: 'pending', outdated: 'outdated (changed, re-applied by up)', modified: 'modified since applied', missing: 'file missing',
  dirty: 'dirty (interrupted)', skipped: 'skipped', unknown: 'not read',
};

/** "3 targets: 1 up to date, 1 behind, 1 with drift" — the words of the CLI's summary line. */
export function matrixSummary(matrix: StatusMatrix): string {
  const t = matrix.totals;
  const parts = [`${t.upToDate} up to date`, ...(t.behind ? [`${t.behind} behind`] : []), ...(t.drift ? [`${t.drift} with drift`] : []), ...(t.unreadable ? [`${t.unreadable} unreadable`] : [])];
  return `${t.targets} target${t.targets === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function rowState(r: StatusMatrix['rows'][number]): { text: string; cls: string } {
  if (r.error) return { text: 'unreadable', cls: 'failed' };
  if (r.drift) return { text: 'drift', cls: 'failed' };
  if (r.behind) return { text: `${r.behind} behind`, cls: 'state-pending' };
  return { text: 'up to date', cls: 'ok' };
}

/** The panel's columns: core's interestingColumns (the newest always among them), named for the legend. */
export function columnsToShow(matrix: StatusMatrix, max: number): { shown: number[]; hidden: number; appliedEverywhere: number } {
  const { shown, folded, hidden } = interestingColumns(matrix, max);
  return { shown, hidden, appliedEverywhere: folded };
}

/** The matrix section: `#fleet-matrix` (a row per target), its legend and the totals; `max` columns at most. */
export function renderFleetSection(matrix: StatusMatrix, max = 12): string {
  const esc = escapeHtml;
  if (matrix.rows.length === 0) return '<section aria-labelledby="h-fleet"><h2 id="h-fleet">Fleet</h2><p id="fleet-matrix" class="empty">This fleet has no targets.</p></section>';
  const { shown, hidden, appliedEverywhere } = columnsToShow(matrix, max);
  const cols = ['<col class="w-target">', ...shown.map(() => '<col class="w-cell">'), '<col class="w-fstate">'].join('');
  // Versions longer than a narrow column (timestamps) are written upwards, whole.
  const upright = shown.every((k) => matrix.columns[k]!.version.length <= 4);
  const head = ['<th scope="col">Target</th>',
    ...shown.map((k) => { const c = matrix.columns[k]!; return `<th scope="col" class="cell ${upright ? 'clip' : 'vertical'}" title="${esc(c.id)}">${esc(c.version)}</th>`; }),
    '<th scope="col">State</th>'].join('');
  const body = matrix.rows.map((r) => {
    const state = rowState(r);
    // An unreadable target: why, across its cells.
    const cells = r.error ? `<td colspan="${shown.length}" class="clip failed unreadable" title="${esc(`${r.label}: unreadable — ${r.error}`)}">${esc(r.error)}</td>`
      : shown.map((k) => {
        const c = r.cells[k]!;
        return `<td class="cell state-${c}" title="${esc(`${r.label} — ${matrix.columns[k]!.id}: ${CELL_WORDS[c]}`)}">${esc(MATRIX_GLYPHS[c])}</td>`;
      }).join('');
    return `<tr data-target-key="${esc(r.key)}"><th scope="row" class="clip" title="${esc(r.label)}">${esc(r.label)}</th>${cells}`
      + `<td class="clip ${state.cls}" title="${esc(r.error ?? state.text)}">${esc(state.text)}</td></tr>`;
  }).join('\n');
  const legend = (['applied', 'pending', 'outdated', 'modified', 'missing', 'dirty', 'skipped'] as const)
    .map((c) => `<span class="state-${c}">${esc(MATRIX_GLYPHS[c])}</span>&nbsp;${c}`).join(' &nbsp; ')
    + (appliedEverywhere ? esc(` — ${appliedEverywhere} migration${appliedEverywhere === 1 ? '' : 's'} applied on every target not shown`) : '')
    + (hidden ? esc(`; ${hidden} more that differ not shown (the oldest ${max - 1} and the newest are)`) : '');
  return `<section aria-labelledby="h-fleet"><h2 id="h-fleet">Fleet</h2>
<table id="fleet-matrix"><caption>Targets × migrations</caption><colgroup>${cols}</colgroup>
<thead><tr>${head}</tr></thead>
<tbody>${body}</tbody></table>
<p id="fleet-legend" class="empty">${legend}</p>
<p id="fleet-totals">${esc(matrixSummary(matrix))}</p></section>`;
}

export const FLEET_STYLE = `
#fleet-matrix col.w-target { width: auto; } #fleet-matrix col.w-cell { width: 2.6em; } #fleet-matrix col.w-fstate { width: 7.5em; }
#fleet-matrix th.clip, #fleet-matrix td.clip { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#fleet-matrix thead th { vertical-align: bottom; }
#fleet-matrix th[scope="row"] { font-weight: normal; color: var(--vscode-foreground); }
#fleet-matrix .cell { text-align: center; padding-left: 0.1em; padding-right: 0.1em; font-family: var(--vscode-editor-font-family); }
#fleet-matrix th.vertical { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; text-align: left; vertical-align: bottom; padding: 0.4em 0; font-variant-numeric: tabular-nums; }
#fleet-matrix td.state-pending, #fleet-matrix td.state-outdated, #fleet-legend .state-pending { color: var(--vscode-editorWarning-foreground); }
#fleet-matrix td.state-unknown { color: var(--vscode-descriptionForeground); }
@media (max-width: 560px) { #fleet-matrix col.w-cell { width: 1.8em; } #fleet-matrix col.w-fstate { width: 6em; } }
`;
