import { isMigrationError, type MigrationError } from '../core/errors';
import type { FormatOptions, MigrationFormat } from '../core/formats/types';
import { parseMigrationFile, type MigrationFile } from '../core/migration-file';
import { loadParser, type Parser } from '../sql/parser';
import { parseScriptSync, positionInScript, type AstNode, type ParsedStatement } from '../sql/parse';
import { lineAt, scanTokens } from '../sql/split';
import { sectionStatements, statementsFor, type SectionStatements } from './bodies';
import { ALL_RULES } from './rules';
import type { HistoryView } from './history';
import type { SchemaLookup } from './schema';
import type { Finding, LintSettings, Rule, RuleContext, RuleReport, Severity, SeveritySetting, TextEdit } from './types';

export interface LintOptions {
  /** Target PostgreSQL major version; rules that depend on it (e.g. constant defaults from 11) use it. */
  postgresVersion?: number;
  /** Per-rule severity overrides; 'off' disables a rule. */
  severities?: Record<string, SeveritySetting>;
  /** Only run these rule ids (tests and the editor's focused checks). */
  only?: string[];
  rules?: Rule[];
  /**
   * Read the text exactly as --up reads a file of the migrations directory: the file name must be NNN_name.sql and the
   * "-- Up migration" marker is required, whatever the text looks like. Otherwise a file is a migration when it has an
   * up marker (its name need not be a migration's) and a plain SQL script when it has none.
   */
  asMigration?: boolean;
  /**
   * The migrations directory's format when it is not native (golang-migrate, dbmate, Flyway, ...): files read
   * as migrations (asMigration) are split into sections by it. A name the format does not own is a plain script.
   */
  format?: MigrationFormat;
  /**
   * What the format reads a file with: placeholders, the history table, and the migrations directory (golang-migrate
   * reads the .down.sql beside an .up.sql from it; Flyway its U file; Sqitch its plan and revert script).
   */
  formatOptions?: FormatOptions;
  /** The schema before a migration file (from the shadow), for rules that need real types instead of guesses. */
  schemaAt?: (file: string) => SchemaLookup | null;
  /** The history around a migration file (the migrations before and after it), for rules that look across files. */
  historyAt?: (file: string) => HistoryView | null;
  /** What the project's config says that rules depend on (the timeouts every migration runs with). */
  settings?: LintSettings;
}

export const DEFAULT_POSTGRES_VERSION = 15;

const UP_MARKER_LINE = /^\s*--\s*up\s+migration\s*$/im;
const HAS_IGNORE = /lint-ignore/i;
const IGNORE = /--\s*lint-ignore(-file)?\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/i;

export function looksLikeMigration(text: string): boolean {
  return UP_MARKER_LINE.test(text);
}

interface Section {
  name: 'up' | 'down' | 'script';
  text: string;
  /** File line of the section's first line. */
  baseLine: number;
  statements: ParsedStatement[];
}

/**
 * The sections of a migration file. A down section read from another file (golang-migrate's .down.sql beside the
 * .up.sql being linted) is not this file's: it is linted as its own file, and only given to the rules that compare
 * a down with its up (returned, as `otherDown`).
 */
function addMigrationSections(parser: Parser, migration: MigrationFile, sections: Section[], file?: string): ParsedStatement[] | null {
  sections.push({ name: 'up', text: migration.up, baseLine: migration.upLine, statements: parseScriptSync(parser, migration.up) });
  if (migration.down !== null && migration.downFile !== undefined && migration.downFile !== (file ?? migration.file)) {
    return parseScriptSync(parser, migration.down);
  }
  if (migration.down !== null && migration.downLine !== null) {
    sections.push({ name: 'down', text: migration.down, baseLine: migration.downLine, statements: parseScriptSync(parser, migration.down) });
  }
  return null;
}

/** Lints one file's text (a migration with up/down sections, or a plain SQL script). */
export async function lintText(text: string, file: string, options: LintOptions = {}): Promise<Finding[]> {
  return lintTextSync(await loadParser(), text, file, options);
}

export function lintTextSync(parser: Parser, text: string, file: string, options: LintOptions = {}): Finding[] {
  const rules = (options.rules ?? ALL_RULES).filter((r) => !options.only || options.only.includes(r.id));
  const severityOf = (rule: Rule): SeveritySetting => options.severities?.[rule.id] ?? rule.defaultSeverity;
  const findings: Finding[] = [];

  let migration: MigrationFile | null = null;
  const sections: Section[] = [];
  const foreign = options.asMigration && options.format && options.format.name !== 'native' ? options.format : null;
  if (foreign) {
    try {
      migration = foreign.parseText(text, file, file.split(/[\\/]/).pop()!, options.formatOptions ?? {});
    } catch (err) {
      if (!isMigrationError(err)) throw err;
      return [invalidMigrationFinding(err, text, file)];
    }
  }
  let otherDown: ParsedStatement[] | null = null;
  if (migration) {
    otherDown = addMigrationSections(parser, migration, sections, file);
  } else if (!foreign && (options.asMigration || looksLikeMigration(text))) {
    try {
      const base = file.split(/[\\/]/).pop()!;
      // Outside the migrations directory a marked file is linted as a migration whatever its name.
      const name = options.asMigration || /^\d+_[A-Za-z0-9][A-Za-z0-9_-]*\.sql$/.test(base) ? base : '0_lint.sql';
      migration = parseMigrationFile(text, file, name);
    } catch (err) {
      if (!isMigrationError(err)) throw err;
      return [invalidMigrationFinding(err, text, file)];
    }
    addMigrationSections(parser, migration, sections);
  } else {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    sections.push({ name: 'script', text: body, baseLine: 1, statements: parseScriptSync(parser, body) });
  }

  const upSection = sections.find((s) => s.name === 'up') ?? null;
  const downSection = sections.find((s) => s.name === 'down') ?? null;
  // Most files have no lint-ignore comment at all: then there is nothing to look for line by line.
  const hasIgnores = HAS_IGNORE.test(text);
  const fileIgnores = hasIgnores ? collectFileIgnores(text, migration, sections) : new Set<string>();

  const schema = migration ? options.schemaAt?.(file) : null;
  const history = migration ? options.historyAt?.(file) ?? null : null;
  const header = migration ? migrationHeader(text, migration.upLine) : null;
  for (const section of sections) {
    const sectionLines = hasIgnores ? section.text.split('\n') : [];
    const ignoresByStatement = hasIgnores ? section.statements.map((s) => statementIgnores(sectionLines, s)) : [];
    const withBodies = sectionStatements(parser, section.statements);
    for (const rule of rules) {
      const severity = severityOf(rule);
      if (severity === 'off') continue;
      if (rule.sections && !rule.sections.includes(section.name)) continue;
      if (fileIgnores.has(rule.id)) continue;
      const ctx: RuleContext = {
        file,
        section: section.name,
        statements: statementsFor(rule, withBodies),
        migration,
        up: upSection?.statements ?? null,
        down: downSection?.statements ?? otherDown,
        transactional: migration ? migration.transactional : false,
        postgresVersion: options.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
        schema: schema ?? null,
        history,
        settings: options.settings ?? {},
        report: (r: RuleReport) => {
          if (ignoresByStatement[withBodies.topLevel(r.statement).index]?.has(rule.id)) return;
          const embedded = bodyFinding(withBodies, r, rule, hasIgnores ? sectionLines : null);
          if (!embedded) return;
          const finding = toFinding(rule, severity, embedded, section, file, header);
          if (hasIgnores && innerIgnores(parser, embedded.statement).get(finding.line - section.baseLine + 1)?.has(rule.id)) return;
          findings.push(finding);
        },
      };
      try {
        rule.check(ctx);
      } catch (err) {
        // A rule must never take the linter down; say which rule broke instead.
        findings.push({
          ruleId: rule.id, severity: 'info', message: `internal error in rule ${rule.id}: ${String((err as Error)?.message ?? err)}`,
          help: 'please report this with the SQL that triggered it', file, line: section.baseLine, column: 1,
          endLine: section.baseLine, endColumn: 1, section: section.name,
        });
      }
    }
  }
  // Rule ids are [a-z0-9-]: code-unit order is the collation order, and localeCompare's first call loads ICU's
  // collation data (tens of ms, in the editor's first lint).
  findings.sort((a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return findings;
}

/** The error-severity finding for a file --up would refuse: --up's message and hint, at its line (else line 1). */
export function invalidMigrationFinding(err: MigrationError, text: string, file: string): Finding {
  const line = err.location.line ?? 1;
  return {
    ruleId: 'invalid-migration-file', severity: 'error', message: err.message, help: err.hint, file,
    line, column: 1, endLine: line, endColumn: lineLength(text, line) + 1, section: 'file',
  };
}

/** Length of a 1-based line (without its \r\n or \n), scanning only up to that line. */
export function lineLength(text: string, line: number): number {
  if (line < 1) return 0;
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return 0;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  else if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return end - start;
}

function toFilePos(section: Section, stmt: ParsedStatement, offset: number): { line: number; column: number } {
  const p = positionInScript(stmt, offset);
  return { line: section.baseLine + p.line - 1, column: p.column };
}

/** End of the word (identifier, number or quoted name) starting at offset, for a tight editor range. */
function wordEnd(text: string, offset: number): number {
  let i = offset;
  if (text[i] === '"') {
    i++;
    while (i < text.length && text[i] !== '"') i++;
    return Math.min(text.length, i + 1);
  }
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  if (i === offset) {
    const nl = text.indexOf('\n', offset);
    return nl === -1 ? text.length : nl;
  }
  return i;
}

/** [A-Za-z0-9_$.] */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46;
}

/** A migration's header lines (above "-- Up migration"), split once per lint and only when a fix needs them. */
interface MigrationHeader {
  /** 1-based line of "-- Up migration". */
  markerLine: number;
  /** The header's directive lines: 1-based line, directive name (lower case), length. */
  directives(): { line: number; name: string; length: number }[];
}

function migrationHeader(text: string, upLine: number): MigrationHeader {
  let found: { line: number; name: string; length: number }[] | null = null;
  const markerLine = upLine - 1;
  return {
    markerLine,
    directives() {
      if (found) return found;
      found = [];
      const lines = text.slice(0, nthLineStart(text, markerLine - 1)).split('\n');
      for (let n = 1; n < markerLine && n <= lines.length; n++) {
        const line = lines[n - 1]!.replace(/\r$/, '');
        const m = /^\s*--\s*([a-z-]+)\s*:/i.exec(line);
        if (m) found.push({ line: n, name: m[1]!.toLowerCase(), length: line.length });
      }
      return found;
    },
  };
}

/** Offset where 0-based line `n` starts (the text's length when it has fewer lines). */
function nthLineStart(text: string, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return at;
}

/** The edit that puts a header directive line ("-- transaction: none") in a migration's header. */
function headerEdit(directiveLine: string, header: MigrationHeader): TextEdit {
  const directive = /^--\s*([a-z-]+)\s*:/i.exec(directiveLine)?.[1]?.toLowerCase();
  const existing = directive ? header.directives().find((d) => d.name === directive) : undefined;
  if (existing) return { line: existing.line, column: 1, endLine: existing.line, endColumn: existing.length + 1, text: directiveLine };
  return { line: header.markerLine, column: 1, endLine: header.markerLine, endColumn: 1, text: `${directiveLine}\n` };
}

function toFinding(rule: Rule, severity: Severity, r: RuleReport, section: Section, file: string,
  header: MigrationHeader | null): Finding {
  const stmt = r.statement;
  let offset = 0;
  let end: number;
  if (typeof r.at === 'number') offset = stmt.toOffset(r.at);
  else if (r.at && typeof (r.at as AstNode)['location'] === 'number' && (r.at as AstNode)['location'] >= 0) offset = stmt.toOffset((r.at as AstNode)['location']);
  if (r.at === undefined || r.at === null) {
    const nl = stmt.text.indexOf('\n');
    end = nl === -1 ? stmt.text.length : nl;
  } else {
    end = wordEnd(stmt.text, offset);
  }
  const start = toFilePos(section, stmt, offset);
  const stop = toFilePos(section, stmt, Math.max(end, offset));
  const finding: Finding = {
    ruleId: rule.id, severity, message: r.message, help: r.help ?? rule.help, file,
    line: start.line, column: start.column, endLine: stop.line, endColumn: stop.column, section: section.name,
    statementLine: section.baseLine + stmt.line - 1,
  };
  if (r.fix) {
    const edits: TextEdit[] = r.fix.edits.map((e) => {
      const s = toFilePos(section, e.statement, e.start);
      const t = toFilePos(section, e.statement, e.end);
      return { line: s.line, column: s.column, endLine: t.line, endColumn: t.column, text: e.text };
    });
    if (r.fix.header && header) edits.unshift(headerEdit(r.fix.header, header));
    finding.fix = { title: r.fix.title, edits };
  }
  return finding;
}

/**
 * A report as it becomes a finding: one on a statement inside a body is silenced by -- lint-ignore above that
 * statement too (in the body). It keeps its fix only from a rule about the statement itself (bodies: 'all'; a fix
 * such as adding CONCURRENTLY cannot run inside a body) and when the new text holds no quote, "$" or backslash,
 * which the body's own quoting would need escaped.
 */
function bodyFinding(withBodies: SectionStatements, r: RuleReport, rule: Rule, sectionLines: string[] | null): RuleReport | null {
  if (!withBodies.isEmbedded(r.statement)) return r;
  if (sectionLines && statementIgnores(sectionLines, r.statement).has(rule.id)) return null;
  const fixable = rule.bodies === 'all' && r.fix?.edits.every((e) => !/['$\\]/.test(e.text));
  return r.fix && !fixable ? { ...r, fix: undefined } : r;
}

function parseIgnoreList(line: string): { ids: string[]; fileWide: boolean } | null {
  const m = IGNORE.exec(line);
  if (!m) return null;
  return { ids: m[2]!.split(',').map((s) => s.trim().toLowerCase()), fileWide: !!m[1] };
}

/** `-- lint-ignore a, b` on the comment lines directly above a statement. */
function statementIgnores(lines: string[], stmt: ParsedStatement): Set<string> {
  const ids = new Set<string>();
  // The statement's own first line may carry a trailing comment too.
  const own = parseIgnoreList(lines[stmt.line - 1] ?? '');
  if (own && !own.fileWide) own.ids.forEach((i) => ids.add(i));
  for (let i = stmt.line - 2; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (!l.startsWith('--')) break;
    const parsed = parseIgnoreList(l);
    if (parsed && !parsed.fileWide) parsed.ids.forEach((x) => ids.add(x));
  }
  return ids;
}

const innerIgnoresOf = new WeakMap<ParsedStatement, Map<number, Set<string>>>();

/**
 * `-- lint-ignore a, b` comments inside a statement, by the section line they silence: a comment alone on its line
 * silences the next line with code (the column definition under it), one after code silences its own line. So one
 * column of a CREATE TABLE can be exempted without silencing the others. Comments are found with the scanner (not in
 * strings).
 */
function innerIgnores(parser: Parser, stmt: ParsedStatement): Map<number, Set<string>> {
  let found = innerIgnoresOf.get(stmt);
  if (found) return found;
  found = new Map();
  innerIgnoresOf.set(stmt, found);
  if (!HAS_IGNORE.test(stmt.text)) return found;
  const tokens = scanTokens(parser, stmt.text) ?? [];
  const sectionLine = (offset: number) => stmt.line + lineAt(stmt.text, offset) - 1;
  tokens.forEach((t, i) => {
    if (t.tokenName !== 'SQL_COMMENT') return;
    const parsed = parseIgnoreList(stmt.text.slice(t.start, t.end));
    if (!parsed || parsed.fileWide) return;
    const lineStart = stmt.text.lastIndexOf('\n', t.start - 1) + 1;
    const alone = stmt.text.slice(lineStart, t.start).trim() === '';
    const next = alone ? tokens.slice(i + 1).find((x) => x.tokenName !== 'SQL_COMMENT' && x.tokenName !== 'C_COMMENT') : t;
    if (!next) return;
    const line = sectionLine(next.start);
    const ids = found!.get(line) ?? new Set<string>();
    parsed.ids.forEach((id) => ids.add(id));
    found!.set(line, ids);
  });
  return found;
}

/**
 * File-wide suppressions: `-- lint-ignore-file a, b` anywhere, or `-- lint-ignore a, b`
 * in a migration's header (above "-- Up migration").
 */
function collectFileIgnores(text: string, migration: MigrationFile | null, sections: Section[]): Set<string> {
  const ids = new Set<string>();
  const lines = text.split(/\r?\n/);
  const headerEnd = migration ? migration.upLine - 2 : 0; // index of the up marker line
  lines.forEach((line, i) => {
    const parsed = parseIgnoreList(line);
    if (!parsed) return;
    if (parsed.fileWide || (migration && i < headerEnd)) parsed.ids.forEach((x) => ids.add(x));
  });
  void sections;
  return ids;
}

/** Applies the fixes of the given findings to the text (non-overlapping edits, last first). */
export function applyFixes(text: string, findings: Finding[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const toOffset = (line: number, column: number) => (lineStarts[line - 1] ?? text.length) + column - 1;
  const edits = findings.flatMap((f) => f.fix?.edits ?? [])
    .map((e) => ({ start: toOffset(e.line, e.column), end: toOffset(e.endLine, e.endColumn), text: e.text }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  let lastStart = Infinity;
  const seen = new Set<string>();
  for (const e of edits) {
    // Several findings' fixes may need the same edit (each CONCURRENTLY fix adds "-- transaction: none"): once.
    const id = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (e.end > lastStart) continue; // overlapping: keep the later one only
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}
