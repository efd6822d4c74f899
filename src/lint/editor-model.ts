/**
 * Finding (1-based lines and columns, end exclusive) -> editor ranges
 * (0-based), severities, quick-fix edits and the "ignore this rule" edit.
 * No editor API here: the VS Code extension (src/extension/diagnostics.ts) and
 * the language server (src/lint/lsp/) share it, and mocha tests the mapping.
 */
import { parseMigrationFile } from '../core/migration-file';
import type { Finding, TextEdit } from './types';

export interface RangeModel {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export type SeverityName = 'Error' | 'Warning' | 'Information';

export function severityName(severity: Finding['severity']): SeverityName {
  return severity === 'error' ? 'Error' : severity === 'warning' ? 'Warning' : 'Information';
}

export function editRange(e: Pick<TextEdit, 'line' | 'column' | 'endLine' | 'endColumn'>): RangeModel {
  return { startLine: e.line - 1, startCharacter: e.column - 1, endLine: e.endLine - 1, endCharacter: e.endColumn - 1 };
}

/**
 * The squiggle's range. An empty range (a finding at a point) is widened to the
 * rest of the line so it stays visible; `lineLength` gives a line's length.
 */
export function findingRange(f: Finding, lineLength: (line0: number) => number): RangeModel {
  const r = editRange(f);
  if (r.endLine < r.startLine || (r.endLine === r.startLine && r.endCharacter <= r.startCharacter)) {
    const len = lineLength(r.startLine);
    return { startLine: r.startLine, startCharacter: Math.min(r.startCharacter, len), endLine: r.startLine, endCharacter: Math.max(len, r.startCharacter + 1) };
  }
  return r;
}

/** Diagnostic message: the rule's message and what to write instead. */
export function diagnosticMessage(f: Finding): string {
  return f.help ? `${f.message}\n${f.help}` : f.message;
}

export interface EditModel {
  range: RangeModel;
  newText: string;
}

export function fixEdits(f: Finding): EditModel[] {
  return (f.fix?.edits ?? []).map((e) => ({ range: editRange(e), newText: e.text }));
}

const IGNORE_LINE = /^(\s*--\s*lint-ignore\s+)([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/i;

/**
 * The edit that silences `f.ruleId` for its statement: a `-- lint-ignore <id>`
 * line above the statement (indented like it), or the id added to such a line
 * already there. Null for findings about the whole file.
 */
export function ignoreRuleEdit(f: Finding, lines: string[]): EditModel | null {
  if (f.section === 'file' || f.ruleId === 'syntax-error') return null;
  const stmtLine0 = (f.statementLine ?? f.line) - 1;
  const stmtText = lines[stmtLine0] ?? '';
  const above = stmtLine0 > 0 ? lines[stmtLine0 - 1]! : null;
  const m = above !== null ? IGNORE_LINE.exec(above.replace(/\r$/, '')) : null;
  if (m) {
    const ids = m[2]!.split(',').map((s) => s.trim());
    if (ids.includes(f.ruleId)) return null;
    const end = m[1]!.length + m[2]!.length;
    return { range: { startLine: stmtLine0 - 1, startCharacter: end, endLine: stmtLine0 - 1, endCharacter: end }, newText: `, ${f.ruleId}` };
  }
  const indent = /^\s*/.exec(stmtText)![0];
  return { range: { startLine: stmtLine0, startCharacter: 0, endLine: stmtLine0, endCharacter: 0 }, newText: `${indent}-- lint-ignore ${f.ruleId}\n` };
}

/** Line (1-based) of a rule's heading in docs/rules.md, for the diagnostic code's link; 1 when not found. */
export function ruleDocLine(markdown: string, ruleId: string): number {
  return ruleDocIndex(markdown).get(ruleId) ?? 1;
}

/** Each "## rule-id" heading's first line, indexed once per text: every finding of every lint asks for its rule's line. */
let docIndex: { markdown: string; lines: Map<string, number> } | null = null;

function ruleDocIndex(markdown: string): Map<string, number> {
  if (docIndex?.markdown === markdown) return docIndex.lines;
  const lines = new Map<string, number>();
  markdown.split(/\r?\n/).forEach((l, i) => {
    const t = l.trim();
    if (t.startsWith('## ') && !lines.has(t.slice(3))) lines.set(t.slice(3), i + 1);
  });
  docIndex = { markdown, lines };
  return lines;
}

/**
 * Files the editor should lint as migrations: .sql files inside a migrations
 * directory, or any .sql file that has an "-- Up migration" marker.
 */
export function isMigrationPath(fsPath: string, migrationsDirs: string[]): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const file = norm(fsPath);
  if (!file.toLowerCase().endsWith('.sql')) return false;
  return migrationsDirs.some((d) => file.startsWith(`${norm(d)}/`));
}

/** Line (1-based) of the "-- Up migration" marker as the core's migration-file parser finds it, or null (down findings point there). */
export function upMarkerLine(text: string, file: string): number | null {
  try {
    return parseMigrationFile(text, file, '0_editor.sql').upLine - 1;
  } catch {
    return null;
  }
}
