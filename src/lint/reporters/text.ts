import type { Finding } from '../types';
import { summaryLine } from './summary';

export interface TextStyle {
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const PLAIN: TextStyle = { red: (s) => s, yellow: (s) => s, cyan: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * Human output: location, severity, message and rule; then a code frame with a
 * caret under the spot, and the help line saying what to write instead.
 */
export function formatText(findings: Finding[], sources: Map<string, string>, filesChecked: number, style: TextStyle = PLAIN): string {
  // One string grown piece by piece (a long history has thousands of findings: no array of lines to join).
  let out = '';
  let linesFile: string | null = null;
  let lines: string[] | undefined;
  for (const f of findings) {
    const sev = f.severity === 'error' ? style.red('error') : f.severity === 'warning' ? style.yellow('warning') : style.cyan('note');
    out += `${style.bold(`${f.file}:${f.line}:${f.column}`)}: ${sev}: ${f.message} ${style.dim(`[${f.ruleId}]`)}\n`;
    // Findings come file by file: split a file into lines when its first finding comes.
    if (f.file !== linesFile) {
      const text = sources.get(f.file);
      lines = text === undefined ? undefined : text.split(/\r?\n/);
      linesFile = f.file;
    }
    if (lines) out += codeFrame(lines, f, style);
    out += `  ${style.cyan('help')}: ${f.help}\n`;
    if (f.fix) out += `  ${style.cyan('fix')}: ${f.fix.title}\n`;
    out += '\n';
  }
  return out + configureLine(findings, style) + summaryLine(findings, filesChecked);
}

/** Where the rules found are configured: once per run, naming the most frequent one in the example. */
function configureLine(findings: Finding[], style: TextStyle): string {
  const counts = new Map<string, number>();
  for (const f of findings) if (f.ruleId !== 'invalid-migration-file' && f.ruleId !== 'syntax-error') counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  if (counts.size === 0) return '';
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  return `${style.dim(`Configure rules in database-migration.config.json, e.g. "lint": { "rules": { "${top}": "off" } } ` +
    '(or "info", "warning", "error"); silence one statement with "-- lint-ignore <rule>" above it.')}\n`;
}

/** The lines around a finding, each ending with a newline, and a caret line under the spot. */
function codeFrame(lines: string[], f: Finding, style: TextStyle): string {
  const first = Math.max(1, f.line - 1);
  const width = String(f.line + 1).length;
  let frame = '';
  for (let n = first; n <= Math.min(lines.length, f.line + 1); n++) {
    const raw = lines[n - 1] ?? '';
    const src = raw.indexOf('\t') === -1 ? raw : raw.replace(/\t/g, '  ');
    const marker = n === f.line ? '>' : ' ';
    frame += `${style.dim(`  ${marker} ${String(n).padStart(width)} | `)}${src}\n`;
    if (n === f.line) {
      // Blanks as wide as the text before the column, a tab counting two (as the frame line shows it).
      const before = raw.slice(0, f.column - 1);
      let tabs = 0;
      for (let i = before.indexOf('\t'); i !== -1; i = before.indexOf('\t', i + 1)) tabs++;
      const prefix = ' '.repeat(before.length + tabs);
      const len = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, raw.length - f.column + 1);
      frame += `${style.dim(`    ${' '.repeat(width)} | `)}${prefix}${(f.severity === 'error' ? style.red : style.yellow)('^'.repeat(len))}\n`;
    }
  }
  return frame;
}
