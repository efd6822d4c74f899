/**
 * Lint findings in Language Server Protocol terms: diagnostics (code = rule id, linked to the rule's documentation;
 * down-section findings point at the up section), code actions (the rule's fix and "Ignore <rule> for this
 * statement"), the hover text of a rule, and completions of the tables and columns earlier migrations created.
 * Pure functions over plain protocol objects: mocha tests them without a connection.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, MarkupKind,
  type CodeAction, type CompletionItem, type Diagnostic, type Hover, type Position, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { diagnosticMessage, findingRange, fixEdits, ignoreRuleEdit, ruleDocLine, severityName, upMarkerLine, type RangeModel } from '../editor-model';
import { ALL_RULES } from '../rules';
import type { Finding, Rule } from '../types';
import { displayName, type QualifiedName } from '../../sql/objects';

export const DIAGNOSTIC_SOURCE = 'database-migration';
/** Where docs/rules.md is read when the package does not ship it (the npm package holds no docs/). */
export const RULES_DOC_URL = 'https://github.com/nasa-system7-portal/database-migration/blob/main/docs/rules.md';

export function toRange(r: RangeModel): Range {
  return { start: { line: r.startLine, character: r.startCharacter }, end: { line: r.endLine, character: r.endCharacter } };
}

/** Line lengths of a text (without the line break), for ranges that must stay inside their line. */
export function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => l.replace(/\r$/, '').length);
}

/** The documentation of the rules: a link per rule and its text for hovers. */
export class RuleDocs {
  private markdown: string | null = null;

  /**
   * `file`: docs/rules.md on disk (links point at the rule's heading line in it, as the extension's did); `url`: the
   * base used when that file is missing (links end in #rule-id).
   */
  constructor(private readonly file: string | null, private readonly url = RULES_DOC_URL) {}

  private text(): string {
    if (this.markdown === null) {
      try {
        this.markdown = this.file ? fs.readFileSync(this.file, 'utf8') : '';
      } catch {
        this.markdown = '';
      }
    }
    return this.markdown;
  }

  href(ruleId: string): string {
    if (this.file && this.text()) return `${pathToFileURL(this.file).href}#L${ruleDocLine(this.text(), ruleId)}`;
    return `${this.url}#${ruleId}`;
  }

  /** Markdown for a hover: the rule, why it matters, what to write instead, and the link. */
  hover(ruleId: string, severity?: Finding['severity']): string {
    const rule: Rule | undefined = ALL_RULES.find((r) => r.id === ruleId);
    const head = `**${ruleId}**${severity ? ` · ${severity}` : ''}`;
    const link = `[Rule documentation](${this.href(ruleId)})`;
    if (!rule) {
      if (ruleId === 'invalid-migration-file') {
        return [head, 'The file could not be read as a migration the way `--up` reads it (name, markers, header lines, encoding, a repeated version). The message names the line and the fix; nothing else in the file is checked until it is fixed.', link].join('\n\n');
      }
      return [head, link].join('\n\n');
    }
    return [head, `**Looks for:** ${rule.description}`, rule.rationale, `**Instead:** ${rule.help}`, link].join('\n\n');
  }
}

/** The docs/rules.md of a package root, when it ships one. */
export function rulesDocFile(root: string | null): string | null {
  if (!root) return null;
  const file = path.join(root, 'docs', 'rules.md');
  return fs.existsSync(file) ? file : null;
}

/** One diagnostic per finding, in order (the server keeps both lists side by side for code actions and hovers). */
export function toDiagnostics(findings: Finding[], text: string, uri: string, docs: RuleDocs): Diagnostic[] {
  const lengths = lineLengths(text);
  const upLine = findings.some((f) => f.section === 'down') ? upMarkerLine(text, uri) : null;
  return findings.map((f) => {
    const d: Diagnostic = {
      range: toRange(findingRange(f, (l) => lengths[l] ?? 0)),
      severity: DiagnosticSeverity[severityName(f.severity)],
      code: f.ruleId,
      codeDescription: { href: docs.href(f.ruleId) },
      source: DIAGNOSTIC_SOURCE,
      message: diagnosticMessage(f),
    };
    // A down-section finding is about undoing the up section: point there too.
    if (f.section === 'down' && upLine !== null) {
      const at = { line: upLine - 1, character: 0 };
      d.relatedInformation = [{ location: { uri, range: { start: at, end: at } }, message: 'the up section this down section should undo' }];
    }
    return d;
  });
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** True when two ranges share a position (touching ends count: a cursor at a squiggle's end is on it). */
export function rangesMeet(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * Which of the document's diagnostics a code action request is about: those the client sent back (matched by
 * code and range), else every one that meets the requested range (clients that send none, e.g. at the cursor).
 */
export function requestedDiagnostics(diagnostics: Diagnostic[], range: Range, sent: Diagnostic[]): number[] {
  const all = diagnostics.map((_, i) => i);
  const mine = sent.filter((d) => d.source === undefined || d.source === DIAGNOSTIC_SOURCE);
  if (mine.length > 0) {
    const matched = all.filter((i) => mine.some((d) => String(d.code) === String(diagnostics[i]!.code) && sameRange(d.range, diagnostics[i]!.range)));
    if (matched.length > 0) return matched;
  }
  return all.filter((i) => rangesMeet(diagnostics[i]!.range, range));
}

/** A workspace edit of one document: versioned (documentChanges) when the client takes those, else plain changes. */
export function documentEdit(uri: string, version: number, edits: TextEdit[], versioned: boolean): WorkspaceEdit {
  return versioned ? { documentChanges: [{ textDocument: { uri, version }, edits }] } : { changes: { [uri]: edits } };
}

/** The quick fixes of the chosen findings: each rule's fix (preferred), then "Ignore <rule> for this statement". */
export function codeActions(uri: string, version: number, text: string, findings: Finding[], diagnostics: Diagnostic[], chosen: number[],
  versioned: boolean): CodeAction[] {
  const lines = text.split('\n');
  const actions: CodeAction[] = [];
  const ignored = new Set<string>();
  for (const i of chosen) {
    const f = findings[i]!;
    const d = diagnostics[i]!;
    if (f.fix) {
      const edits = fixEdits(f).map((e) => ({ range: toRange(e.range), newText: e.newText }));
      actions.push({ title: f.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: documentEdit(uri, version, edits, versioned) });
    }
    const ignore = ignoreRuleEdit(f, lines);
    // Two findings of one rule on one statement need one ignore line.
    const key = ignore ? `${f.ruleId}@${ignore.range.startLine}` : '';
    if (ignore && !ignored.has(key)) {
      ignored.add(key);
      actions.push({ title: `Ignore ${f.ruleId} for this statement`, kind: CodeActionKind.QuickFix, diagnostics: [d],
        edit: documentEdit(uri, version, [{ range: toRange(ignore.range), newText: ignore.newText }], versioned) });
    }
  }
  return actions;
}

/** The hover at a position: the documentation of the rules whose diagnostics cover it (null when none does). */
export function hoverAt(findings: Finding[], diagnostics: Diagnostic[], position: Position, docs: RuleDocs): Hover | null {
  const here = diagnostics.map((d, i) => ({ d, i })).filter(({ d }) => rangesMeet(d.range, { start: position, end: position }));
  if (here.length === 0) return null;
  const seen = new Set<string>();
  const parts: string[] = [];
  let range: Range | undefined;
  for (const { d, i } of here) {
    range ??= d.range;
    const f = findings[i]!;
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    parts.push(docs.hover(f.ruleId, f.severity));
  }
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range };
}

/**
 * Completions from the tables earlier migrations created: after `name.` the columns of that table, otherwise the
 * tables and then every column (detail: its table).
 */
export function completions(tables: { name: QualifiedName; columns: string[] }[], linePrefix: string): CompletionItem[] {
  const dotted = /([A-Za-z_][\w$]*)\.([A-Za-z_][\w$]*)?$/.exec(linePrefix);
  if (dotted) {
    const name = dotted[1]!.toLowerCase();
    const matching = tables.filter((t) => t.name.name.toLowerCase() === name);
    if (matching.length > 0) {
      return matching.flatMap((t) => t.columns.map((c) => ({ label: c, kind: CompletionItemKind.Field, detail: `column of ${displayName(t.name)}` })));
    }
    const inSchema = tables.filter((t) => t.name.schema?.toLowerCase() === name);
    return inSchema.map((t) => ({ label: t.name.name, kind: CompletionItemKind.Class, detail: `table ${displayName(t.name)}` }));
  }
  const items: CompletionItem[] = [];
  const seenTables = new Set<string>();
  for (const t of tables) {
    const label = displayName(t.name);
    if (seenTables.has(label)) continue;
    seenTables.add(label);
    items.push({ label, kind: CompletionItemKind.Class, detail: `table (${t.columns.length} columns)`, sortText: `1${label}` });
  }
  const seenColumns = new Map<string, string[]>();
  for (const t of tables) for (const c of t.columns) seenColumns.set(c, [...(seenColumns.get(c) ?? []), displayName(t.name)]);
  for (const [c, owners] of seenColumns) {
    items.push({ label: c, kind: CompletionItemKind.Field, detail: `column of ${owners.join(', ')}`, sortText: `2${c}` });
  }
  return items;
}
