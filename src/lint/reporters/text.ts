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
  const out: string[] = [];
  const linesOf = new Map<string, string[]>();
  for (const f of findings) {
    const sev = f.severity === 'error' ? style.red('error') : f.severity === 'warning' ? style.yellow('warning') : style.cyan('note');
    out.push(`${style.bold(`${f.file}:${f.line}:${f.column}`)}: ${sev}: ${f.message} ${style.dim(`[${f.ruleId}]`)}`);
    const text = sources.get(f.file);
    if (text !== undefined) {
      let lines = linesOf.get(f.file);
      if (!lines) { lines = text.split(/\r?\n/); linesOf.set(f.file, lines); }
      out.push(...codeFrame(lines, f, style));
    }
    out.push(`  ${style.cyan('help')}: ${f.help}`);
    if (f.fix) out.push(`  ${style.cyan('fix')}: ${f.fix.title}`);
    out.push('');
  }
  out.push(summaryLine(findings, filesChecked));
  return out.join('\n');
}

function codeFrame(lines: string[], f: Finding, style: TextStyle): string[] {
  const first = Math.max(1, f.line - 1);
  const width = String(f.line + 1).length;
  const frame: string[] = [];
  for (let n = first; n <= Math.min(lines.length, f.line + 1); n++) {
    const src = (lines[n - 1] ?? '').replace(/\t/g, '  ');
    const marker = n === f.line ? '>' : ' ';
    frame.push(style.dim(`  ${marker} ${String(n).padStart(width)} | `) + src);
    if (n === f.line) {
      const raw = lines[n - 1] ?? '';
      // Blanks as wide as the text before the column, a tab counting two (as the frame line shows it).
      const before = raw.slice(0, f.column - 1);
      let tabs = 0;
      for (let i = before.indexOf('\t'); i !== -1; i = before.indexOf('\t', i + 1)) tabs++;
      const prefix = ' '.repeat(before.length + tabs);
      const len = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, raw.length - f.column + 1);
      frame.push(style.dim(`    ${' '.repeat(width)} | `) + prefix + (f.severity === 'error' ? style.red : style.yellow)('^'.repeat(len)));
    }
  }
  return frame;
}
