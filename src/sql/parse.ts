/**
 * Parses a script statement by statement with the real PostgreSQL parser, so
 * one syntax error does not hide the rest. Parse results are cached by
 * statement text: when an author edits one statement of a long file, only that
 * statement is parsed again.
 */
import { indexNodeTypes, rememberNodeTypes } from './ast';
import type { Parser } from './parser';
import { clearPlpgsqlCache, plpgsqlInfo } from './plpgsql';
import { byteToCharMapper, lineAt, recoveryCut, splitStatementsSync, type SqlStatement } from './split';

/** A parse-tree node as libpg-query returns it: `{ CreateStmt: { ... } }`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AstNode = Record<string, any>;

export interface SqlSyntaxError {
  message: string;
  /** JS string offset inside the statement text. */
  offset: number;
  /** 'sql' for the main parser, 'plpgsql' for function and DO bodies. */
  source: 'sql' | 'plpgsql';
}

export interface ParsedStatement extends SqlStatement {
  /** Position in the list of statements of its script (0-based). */
  index: number;
  /** Node type of the statement, e.g. 'CreateStmt', or null when it did not parse. */
  kind: string | null;
  /** The statement's node body (`ast.CreateStmt`), or null when it did not parse. */
  node: AstNode | null;
  error: SqlSyntaxError | null;
  /** Maps a parser location (UTF-8 byte offset in this statement) to a JS string offset. */
  toOffset(byteLocation: number): number;
}

interface CachedParse {
  kind: string | null;
  node: AstNode | null;
  error: SqlSyntaxError | null;
  toOffset: (b: number) => number;
}

const CACHE_LIMIT = 20000;
const cache = new Map<string, CachedParse>();
let hits = 0;
let misses = 0;

/** Counters for the benchmark and tests: how often a statement's parse was reused. */
export function parseCacheStats(): { hits: number; misses: number; size: number } {
  return { hits, misses, size: cache.size };
}

export function clearParseCache(): void {
  cache.clear();
  clearPlpgsqlCache();
  recentScripts.length = 0;
  scriptMemo.clear();
  scriptMemoChars = 0;
  hits = 0;
  misses = 0;
}


function parseOne(parser: Parser, text: string): CachedParse {
  const cached = cache.get(text);
  if (cached) {
    hits++;
    // Refresh its place so the cache evicts the least recently used first.
    cache.delete(text);
    cache.set(text, cached);
    return cached;
  }
  misses++;
  const toOffset = byteToCharMapper(text);
  let result: CachedParse;
  try {
    const tree = parser.parseSync(text) as { stmts?: { stmt: AstNode }[] };
    const stmt = tree.stmts?.[0]?.stmt ?? null;
    const kind = stmt ? Object.keys(stmt)[0] ?? null : null;
    result = { kind, node: kind ? (stmt![kind] as AstNode) : null, error: null, toOffset };
    if (kind) {
      const plError = checkPlpgsql(parser, text, kind, result.node!);
      if (plError) result.error = plError;
    }
  } catch (err) {
    const details = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const byte = details?.cursorPosition ?? 0;
    result = { kind: null, node: null, error: { message: String((err as Error).message ?? err), offset: toOffset(byte), source: 'sql' }, toOffset };
  }
  cache.set(text, result);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return result;
}

/** The PL/pgSQL error of a function or DO body (bodies are strings to the SQL parser). */
function checkPlpgsql(parser: Parser, text: string, kind: string, node: AstNode): SqlSyntaxError | null {
  return plpgsqlInfo(parser, text, kind, node)?.error ?? null;
}

/**
 * Fast path: one parse of the whole script (about ten times cheaper than scanning and parsing statement by
 * statement). Only when the whole script parses; statements then come from stmt_location / stmt_len.
 */
function parseWholeScript(parser: Parser, sql: string): ParsedStatement[] | null {
  let tree: { stmts?: { stmt: AstNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parser.parseSync(sql) as typeof tree;
  } catch {
    return null;
  }
  const toChar = byteToCharMapper(sql);
  const out: ParsedStatement[] = [];
  let line = 1;
  let counted = 0;
  for (const raw of tree.stmts ?? []) {
    const startByte = raw.stmt_location ?? 0;
    const start = toChar(startByte);
    let end = raw.stmt_len ? toChar(startByte + raw.stmt_len) : sql.length;
    // The last statement's length is omitted: it runs to the end, minus trailing space and comments.
    if (!raw.stmt_len) end = start + sql.slice(start).replace(/(\s|--[^\n]*)*$/, '').length;
    if (sql[end] === ';') end++;
    const text = sql.slice(start, end);
    for (; counted < start; counted++) if (sql.charCodeAt(counted) === 10) line++;
    const kind = Object.keys(raw.stmt)[0] ?? null;
    const node = kind ? (raw.stmt[kind] as AstNode) : null;
    // One walk per statement: locations made relative to the statement, and the node-type index the rules use.
    if (node) rememberNodeTypes(node, indexNodeTypes(node, startByte));
    const toOffset = byteToCharMapper(text);
    const plError = kind && node ? checkPlpgsql(parser, text, kind, node) : null;
    out.push({ text, start, end, line, column: start - sql.lastIndexOf('\n', start - 1), index: out.length, kind, node, error: plError, toOffset });
  }
  return out;
}

/** Splits and parses a script; every statement comes back, parsed or with its syntax error. */
export function parseScriptSync(parser: Parser, sql: string): ParsedStatement[] {
  const memo = scriptMemo.get(sql);
  if (memo) return memo.slice();
  const parsed = parseScriptUncached(parser, sql);
  memoizeScript(sql, parsed);
  return parsed;
}

// ---------- whole scripts parsed lately: a project lint reads each migration's history facts, then lints it ----------

const scriptMemo = new Map<string, ParsedStatement[]>();
/** Bound on the memo: the total length of the scripts it holds (parse trees are some ten times their text). */
const SCRIPT_MEMO_CHARS = 8_000_000;
let scriptMemoChars = 0;

function memoizeScript(sql: string, statements: ParsedStatement[]): void {
  if (sql.length > SCRIPT_MEMO_CHARS / 4) return;
  scriptMemo.set(sql, statements.slice());
  scriptMemoChars += sql.length;
  while (scriptMemoChars > SCRIPT_MEMO_CHARS) {
    const oldest = scriptMemo.keys().next().value!;
    scriptMemo.delete(oldest);
    scriptMemoChars -= oldest.length;
  }
}

function parseScriptUncached(parser: Parser, sql: string): ParsedStatement[] {
  const edited = parseEdit(parser, sql);
  if (edited) return edited;
  const whole = parseWholeScript(parser, sql);
  if (whole) {
    remember(sql, whole);
    return whole;
  }
  const byStatement = parseByStatement(parser, sql);
  remember(sql, byStatement);
  return byStatement;
}

/**
 * Some statement does not parse: split with the scanner and parse each on its own (cached by text),
 * so the error is placed exactly and the other statements are still checked. A statement that does not parse and
 * runs on past a ";" (an unclosed parenthesis carries the following statements into it) is cut after the first ";"
 * at or after its error, and the text after the cut is split again: the broken statement costs only itself.
 */
function parseByStatement(parser: Parser, sql: string): ParsedStatement[] {
  const out: ParsedStatement[] = [];
  let from = 0;
  while (from < sql.length) {
    const part = from === 0 ? sql : sql.slice(from);
    const linesBefore = from === 0 ? 0 : countNewlines(sql, 0, from);
    let next = sql.length;
    for (const s of splitStatementsSync(parser, part)) {
      let p = parseOne(parser, s.text);
      let piece = s;
      const cut = p.kind === null && p.error ? recoveryCut(parser, s.text, p.error.offset) : null;
      if (cut !== null) {
        piece = { ...s, text: s.text.slice(0, cut), end: s.start + cut };
        p = parseOne(parser, piece.text);
        next = from + piece.end;
      }
      const start = from + piece.start;
      out.push({
        text: piece.text, start, end: from + piece.end, line: linesBefore + piece.line, column: start - sql.lastIndexOf('\n', start - 1),
        index: out.length, kind: p.kind, node: p.node, error: p.error, toOffset: p.toOffset,
      });
      if (cut !== null) break;
    }
    from = next;
  }
  return out;
}

/**
 * An edited run of statements that does not parse, statement by statement; null unless the scanner reads it to the
 * end and its last statement is closed by its final ";" (not inside BEGIN ATOMIC, nor carried on by a parenthesis
 * that the recovery does not cut), so that the text after it is split as before.
 */
function parseRegionByStatement(parser: Parser, region: string): ParsedStatement[] | null {
  try {
    parser.scanSync(region);
  } catch {
    return null; // an unterminated string or comment runs on into the following text
  }
  const statements = parseByStatement(parser, region);
  // Split with a statement after it, the region must end where it ended on its own.
  const probe = splitStatementsSync(parser, `${region}\nSELECT 1;`);
  if (probe.length === statements.length + 1 && probe[probe.length - 1]!.text === 'SELECT 1;'
    && statements.every((s, i) => s.end === probe[i]!.end)) return statements;
  // A statement cut by the recovery (an unclosed parenthesis): parsed with the statement after it, the same way.
  const recovered = parseByStatement(parser, `${region}\nSELECT 1;`);
  const after = recovered[recovered.length - 1];
  return after && after.text === 'SELECT 1;' && after.start === region.length + 1 ? recovered.slice(0, -1) : null;
}

// ---------- incremental parse: an edit re-parses only the statements it touches ----------

/** Scripts parsed whole lately (most recent first): the bases an edited script is parsed against. */
const recentScripts: { sql: string; statements: ParsedStatement[] }[] = [];
const RECENT_LIMIT = 4;
let incrementalParses = 0;

/** How many scripts were parsed as an edit of an earlier one (benchmark and tests). */
export function incrementalParseCount(): number {
  return incrementalParses;
}

function remember(sql: string, statements: ParsedStatement[]): void {
  const i = recentScripts.findIndex((r) => r.sql === sql);
  if (i !== -1) recentScripts.splice(i, 1);
  recentScripts.unshift({ sql, statements });
  if (recentScripts.length > RECENT_LIMIT) recentScripts.pop();
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i < limit && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

const ONLY_SPACE_AND_LINE_COMMENTS = /^(\s|--[^\n]*(\n|$))*$/;

/**
 * The statements of `sql` when it is an edit of a script parsed whole a moment ago (the editor's re-lint after a
 * keystroke): statements before and after the edit are reused (node, error and offset map; positions shifted), and
 * only the run of statements the edit touches is parsed again. That run is cut at semicolons that end statements, so
 * the text after it is lexed as before; if the run no longer parses, or no longer ends at its semicolon (a quote, a
 * comment or a deleted ";" carried it into the next statement), this returns null and the script is parsed whole.
 */
function parseEdit(parser: Parser, sql: string): ParsedStatement[] | null {
  let base: (typeof recentScripts)[number] | undefined;
  let prefix = 0;
  let suffix = 0;
  for (const r of recentScripts) {
    if (r.sql === sql) {
      incrementalParses++;
      remember(sql, r.statements);
      return r.statements.slice();
    }
    const p = commonPrefix(r.sql, sql);
    const s = commonSuffix(r.sql, sql, Math.min(r.sql.length, sql.length) - p);
    if (!base || p + s > prefix + suffix) [base, prefix, suffix] = [r, p, s];
  }
  // Only worth it when most of the script is unchanged.
  if (!base || (prefix + suffix) * 2 < sql.length) return null;
  const old = base.statements;
  const oldEditEnd = base.sql.length - suffix;
  // First statement the edit may touch: the first that ends after the edit starts (a change right after its ";" too).
  let first = old.findIndex((st) => st.end > prefix);
  if (first === -1) first = old.length;
  // A statement without its ";" (the last one, being typed) goes on with whatever is typed after it.
  if (first > 0 && !old[first - 1]!.text.endsWith(';')) first--;
  // Last one: the first that ends at or after the edit's end; the run ends at its ";" (or runs to the end of the script).
  let last = old.findIndex((st, k) => k >= first && st.end >= oldEditEnd);
  if (last !== -1 && !old[last]!.text.endsWith(';')) last = -1;
  const regionStart = first === 0 ? 0 : old[first - 1]!.end;
  const delta = sql.length - base.sql.length;
  const regionEnd = last === -1 ? sql.length : old[last]!.end + delta;
  if (regionEnd < prefix || regionEnd < regionStart) return null;
  const region = sql.slice(regionStart, regionEnd);
  let parsed: ParsedStatement[] | null;
  if (ONLY_SPACE_AND_LINE_COMMENTS.test(region)) parsed = last === -1 ? [] : null;
  else parsed = parseWholeScript(parser, region) ?? parseRegionByStatement(parser, region);
  if (!parsed) return null;
  // The run must still end with its own ";" (otherwise the next statement would be read differently).
  if (last !== -1 && (parsed.length === 0 || parsed[parsed.length - 1]!.end !== region.length || !region.endsWith(';'))) return null;
  const baseLine = 1 + countNewlines(sql, 0, regionStart);
  const out: ParsedStatement[] = old.slice(0, first);
  for (const st of parsed) {
    const start = st.start + regionStart;
    out.push({ ...st, start, end: st.end + regionStart, line: baseLine + st.line - 1, column: start - sql.lastIndexOf('\n', start - 1), index: out.length });
  }
  if (last !== -1) {
    const lineDelta = countNewlines(sql, regionStart, regionEnd) - countNewlines(base.sql, regionStart, old[last]!.end);
    for (const st of old.slice(last + 1)) {
      const start = st.start + delta;
      out.push({ ...st, start, end: st.end + delta, line: st.line + lineDelta, column: start - sql.lastIndexOf('\n', start - 1), index: out.length });
    }
  }
  incrementalParses++;
  remember(sql, out);
  return out;
}

/** Line and column (1-based) of a JS offset inside a statement, relative to the script. */
export function positionInScript(stmt: SqlStatement, offsetInStatement: number): { line: number; column: number } {
  const text = stmt.text;
  const offset = Math.min(Math.max(0, offsetInStatement), text.length);
  // Newlines of the statement, found once per statement text (a long function body gets many findings).
  let newlines = newlineIndex.get(text);
  if (!newlines) {
    newlines = [];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines.push(i);
    newlineIndex.set(text, newlines);
    if (newlineIndex.size > 1000) newlineIndex.delete(newlineIndex.keys().next().value!);
  }
  // How many newlines come before the offset (binary search).
  let lo = 0;
  let hi = newlines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newlines[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return { line: stmt.line, column: stmt.column + offset };
  return { line: stmt.line + lo, column: offset - newlines[lo - 1]! };
}

const newlineIndex = new Map<string, number[]>();

export { byteToCharMapper, lineAt };
