/**
 * The status panel's HTML, built from engine results. Pure (no editor API):
 * the webview wrapper only supplies the nonce and its CSP source.
 */
import type { BackupEntry } from '../../core/backups';
import { graphText, type DependencyEdge } from '../../core/dependencies';
import type { LogEntry } from '../../core/history';
import type { MigrationStatus } from '../../core/planner';
import { formatBytes, formatDuration, formatShortTimestamp, formatTimestamp, stateText, summariseStatuses } from '../../core/report';
import type { StatusMatrix } from '../../core/fleet/matrix';
import { FLEET_STYLE, matrixSummary, renderFleetSection } from './fleet-panel-html';

export interface PanelData {
  folder: string;
  environment: string;
  database: string;
  statuses: MigrationStatus[];
  log: LogEntry[];
  backups: BackupEntry[];
  edges: DependencyEdge[];
  /** False in an untrusted workspace: restore buttons are disabled. */
  canRun: boolean;
  /** Shown instead of the tables when the database could not be read. */
  error?: string;
  updatedAt: Date;
  /** A fleet environment: its targets × migrations matrix replaces the one database's tables (fleet-panel-html.ts). */
  fleet?: StatusMatrix | null;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A table with fixed column widths (`cols`: one class per column, sized in STYLE), so a narrow panel never scrolls
 * sideways: long text is cut with an ellipsis and shown whole in the cell's tooltip, messages wrap.
 */
function table(id: string, caption: string, head: string[], cols: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p id="${id}" class="empty">${escapeHtml(empty)}</p>`;
  return `<table id="${id}"><caption>${escapeHtml(caption)}</caption>
<colgroup>${cols.map((c) => `<col class="${c}">`).join('')}</colgroup>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n')}</tbody></table>`;
}

/** A cell; `clip` cuts it to one line with an ellipsis (the whole text in its title). */
const td = (text: string, cls?: string, title?: string) =>
  `<td${cls ? ` class="${cls}"` : ''}${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(text)}</td>`;
const clip = (text: string, cls = '') => td(text, `clip${cls ? ` ${cls}` : ''}`, text || undefined);
/** A date cell: compact, never wrapping, the full timestamp in its title. */
const when = (d: Date | null | undefined, now: Date) => td(formatShortTimestamp(d, now), 'date', formatTimestamp(d) || undefined);

/** The part of the page that changes: posted to the webview after each run. */
export function renderPanelBody(d: PanelData): string {
  const summary = d.fleet ? matrixSummary(d.fleet) : d.error ? 'not loaded' : summariseStatuses(d.statuses);
  const header = `<header><h1>Migrations — ${escapeHtml(d.environment)}</h1>
<p id="summary" role="status">${escapeHtml(d.folder)} · ${escapeHtml(d.database)} · ${escapeHtml(summary)} · updated ${escapeHtml(formatTimestamp(d.updatedAt))}</p>
<button id="refresh" type="button">Refresh</button></header>`;
  if (d.fleet) return `${header}${d.error ? `<p id="error" role="alert" class="error">${escapeHtml(d.error)}</p>` : ''}\n${renderFleetSection(d.fleet)}`;
  if (d.error) return `${header}<p id="error" role="alert" class="error">${escapeHtml(d.error)}</p>`;

  const now = d.updatedAt;
  const state = table('applied-state', 'Applied state', ['Version', 'Name', 'State', 'Applied at', 'Applied by', 'Duration'],
    ['w-version', 'w-name', 'w-state', 'w-date', 'w-by', 'w-duration'],
    d.statuses.map((s) => [clip(s.version), clip(s.name), td(stateText(s), `clip state state-${s.state}`, stateText(s)), when(s.history?.appliedAt, now),
      clip(s.history?.appliedBy ?? ''), td(formatDuration(s.history?.durationMs), 'num')]), 'No migrations yet.');

  const log = table('history-log', 'History log (newest first)', ['Time', 'Action', 'Migration', 'Result', 'By', 'Duration', 'Message'],
    ['w-date', 'w-action', 'w-name', 'w-result', 'w-by', 'w-duration', 'w-message'],
    d.log.map((l) => [when(l.occurredAt, now), clip(l.action), clip(l.version ? `${l.version}${l.name ? `_${l.name}` : ''}` : l.name ?? ''),
      td(l.success ? 'ok' : 'failed', l.success ? 'ok' : 'failed'), clip(l.performedBy), td(formatDuration(l.durationMs), 'num'), td(l.message ?? '', 'message')]),
    'Nothing recorded yet.');

  const backups = table('backups', 'Backups (newest first)', ['Backup', 'Taken', 'Reason', 'Newest migration', 'Size', ''],
    ['w-backup', 'w-date', 'w-action', 'w-version', 'w-size', 'w-button'],
    d.backups.map((b) => [clip(b.id), when(new Date(b.createdAt), now), clip(b.reason), clip(b.versionBefore ?? 'none'), td(formatBytes(b.sizeBytes), 'num'),
      `<td><button type="button" class="restore" data-backup-id="${escapeHtml(b.id)}"${d.canRun ? '' : ' disabled title="Running is disabled in an untrusted workspace"'} aria-label="Restore backup ${escapeHtml(b.id)}">Restore</button></td>`]),
    'No backups for this environment.');

  const names = new Map(d.statuses.map((s) => [s.version, `${s.version}_${s.name}`]));
  const graph = table('dependency-graph', 'Dependency graph', ['Migration', 'Depends on', 'Why'], ['w-name', 'w-name', 'w-message'],
    d.edges.map((e) => [clip(names.get(e.from) ?? e.from), clip(names.get(e.to) ?? e.to), td(e.reason, 'message')]), 'No dependencies between migrations.');
  const files = d.statuses.filter((s) => s.file);
  const graphTree = files.length ? `<details><summary>As a tree</summary><pre id="dependency-tree">${escapeHtml(graphText(files, d.edges))}</pre></details>` : '';

  return `${header}
<section aria-labelledby="h-state"><h2 id="h-state">Applied state</h2>${state}</section>
<section aria-labelledby="h-backups"><h2 id="h-backups">Backups</h2>${backups}</section>
<section aria-labelledby="h-graph"><h2 id="h-graph">Dependencies</h2>${graph}${graphTree}</section>
<section aria-labelledby="h-log"><h2 id="h-log">History log</h2>${log}</section>`;
}

const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 1em 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; } /* columns sized below: a narrow panel never scrolls sideways */
col.w-version { width: 5.5em; } col.w-name { width: 30%; } col.w-state { width: 7.5em; } col.w-date { width: 8.5em; } col.w-by { width: 12%; }
col.w-duration { width: 5.5em; } col.w-action { width: 5.5em; } col.w-result { width: 4em; } col.w-message { width: auto; } col.w-backup { width: 32%; }
col.w-size { width: 6em; } col.w-button { width: 6.5em; }
td.clip { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; } /* the whole text is in the title */
td.date, td.num { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums; }
td.message { overflow-wrap: anywhere; }
@media (max-width: 560px) { col.w-by, col.w-duration { width: 0; } td:nth-child(n) { padding-left: 0.3em; padding-right: 0.3em; } }
caption { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; } /* the h2 shows it; screen readers read it */
th, td { text-align: left; padding: 0.25em 0.6em; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); vertical-align: top; }
th { color: var(--vscode-descriptionForeground); font-weight: 600; }
.state-applied, .ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
.state-modified { color: var(--vscode-editorWarning-foreground); }
.state-missing, .state-dirty, .failed, .error { color: var(--vscode-errorForeground); }
.state-skipped, .empty, #summary { color: var(--vscode-descriptionForeground); }
.state-outdated { color: var(--vscode-editorWarning-foreground); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 0.2em 0.8em; cursor: pointer; font-family: inherit; }
button:hover { background: var(--vscode-button-hoverBackground); }
button:disabled { opacity: 0.5; cursor: default; }
button:focus-visible, summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
pre { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0.5em; overflow-x: auto; max-width: 100%; }
header p { overflow-wrap: anywhere; }
`;

// Keeps focus on the same control across live updates, and routes clicks to the extension.
const SCRIPT = `
const vscode = acquireVsCodeApi();
const main = document.getElementById('main');
main.addEventListener('click', (ev) => {
  const b = ev.target.closest('button');
  if (!b || b.disabled) return;
  if (b.id === 'refresh') vscode.postMessage({ type: 'refresh' });
  else if (b.dataset.backupId) vscode.postMessage({ type: 'restore', backupId: b.dataset.backupId });
});
window.addEventListener('message', (ev) => {
  const m = ev.data;
  if (!m || m.type !== 'update') return;
  const focused = document.activeElement;
  const key = focused && (focused.id || focused.dataset?.backupId);
  main.innerHTML = m.html;
  if (key) {
    const again = document.getElementById(key) || main.querySelector('[data-backup-id="' + CSS.escape(key) + '"]');
    if (again) again.focus();
  }
});
vscode.postMessage({ type: 'ready' });
`;

/** The whole page: strict CSP (nothing but this nonce's style and script), theme colours through CSS variables. */
export function renderPanelHtml(d: PanelData, options: { nonce: string; cspSource: string }): string {
  const csp = `default-src 'none'; img-src ${options.cspSource}; style-src 'nonce-${options.nonce}'; script-src 'nonce-${options.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Migration status</title>
<style nonce="${options.nonce}">${STYLE}${FLEET_STYLE}</style></head>
<body><main id="main">${renderPanelBody(d)}</main>
<script nonce="${options.nonce}">${SCRIPT}</script></body></html>`;
}

/** A nonce for the CSP: 32 characters from a cryptographic source. */
export function makeNonce(random: (n: number) => Uint8Array): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...random(32)].map((b) => chars[b % chars.length]).join('');
}
