import { loadParser, type Parser } from './parser';

/** One statement of a script, with its place in the script (JS string offsets, 1-based line). */
export interface SqlStatement {
  text: string;
  start: number;
  end: number;
  /** 1-based line and column where the statement starts. */
  line: number;
  column: number;
}

const SEMICOLON = 59;
const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;

/** Maps UTF-8 byte offsets (what the scanner and the parser report) to JS string offsets, clamped to the text. */
export function byteToCharMapper(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => Math.min(Math.max(0, b), text.length);
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map.push(i);
    if (cp > 0xffff) i++;
  }
  map.push(text.length);
  return (b) => (b < 0 ? 0 : b < map.length ? map[b]! : text.length);
}

/**
 * Splits a script into statements using PostgreSQL's own scanner, so
 * semicolons inside strings, dollar-quoted bodies, comments and
 * BEGIN ATOMIC ... END function bodies do not split. Empty statements
 * (only comments or whitespace) are dropped.
 */
export function splitStatementsSync(parser: Parser, sql: string): SqlStatement[] {
  let tokens: { start: number; end: number; text: string; tokenType: number; tokenName?: string }[];
  try {
    tokens = parser.scanSync(sql).tokens;
  } catch {
    // The scanner rejects unterminated strings and comments; hand the whole script on as one statement
    // so the server (or the parser) reports the error at its real position.
    return sql.trim() ? [{ text: sql, start: 0, end: sql.length, line: 1, column: 1 }] : [];
  }
  const toChar = byteToCharMapper(sql);
  const bounds: { start: number; end: number }[] = [];
  let stmtStart: number | null = null;
  let depth = 0;
  let atomic = 0; // nesting inside BEGIN ATOMIC ... END
  let prevUpper = '';
  let lastEnd = 0;
  for (const tok of tokens) {
    // Comments neither start a statement nor make one on their own.
    if (tok.tokenName && COMMENT_TOKENS.has(tok.tokenName)) continue;
    const upper = tok.text.toUpperCase();
    if (stmtStart === null) stmtStart = tok.start;
    lastEnd = tok.end;
    if (tok.tokenType === OPEN_PAREN) depth++;
    else if (tok.tokenType === CLOSE_PAREN) depth = Math.max(0, depth - 1);
    else if (upper === 'ATOMIC' && prevUpper === 'BEGIN') atomic++;
    else if (atomic > 0 && upper === 'CASE') atomic++;
    else if (atomic > 0 && upper === 'END') atomic--;
    if (tok.tokenType === SEMICOLON && depth === 0 && atomic === 0) {
      bounds.push({ start: stmtStart, end: tok.end });
      stmtStart = null;
    }
    prevUpper = upper;
  }
  if (stmtStart !== null) bounds.push({ start: stmtStart, end: lastEnd });
  const out: SqlStatement[] = [];
  // Count lines incrementally: statements come in order, so the whole pass is linear.
  let line = 1;
  let counted = 0;
  for (const b of bounds) {
    const start = toChar(b.start);
    const end = toChar(b.end);
    const text = sql.slice(start, end);
    for (; counted < start; counted++) if (sql.charCodeAt(counted) === 10) line++;
    if (text === ';') continue;
    out.push({ text, start, end, line, column: start - sql.lastIndexOf('\n', start - 1) });
  }
  return out;
}

/**
 * Where to cut a statement that does not parse, so that a broken statement costs only itself: just after the first
 * ";" at or after the parser's error (a JS offset) that is outside any BEGIN ATOMIC body, whatever the parenthesis
 * depth. An unclosed "(" otherwise carries every later statement into this one. Null when there is no such ";" before
 * the statement's last token (nothing to recover) or the text does not scan.
 */
export function recoveryCut(parser: Parser, text: string, errorOffset: number): number | null {
  const tokens = scanTokens(parser, text);
  if (!tokens) return null;
  let atomic = 0;
  let prevUpper = '';
  let last = tokens.length - 1;
  while (last >= 0 && COMMENT_TOKENS.has(tokens[last]!.tokenName)) last--;
  for (let i = 0; i < last; i++) {
    const tok = tokens[i]!;
    if (COMMENT_TOKENS.has(tok.tokenName)) continue;
    const upper = tok.text.toUpperCase();
    if (upper === 'ATOMIC' && prevUpper === 'BEGIN') atomic++;
    else if (atomic > 0 && upper === 'CASE') atomic++;
    else if (atomic > 0 && upper === 'END') atomic--;
    else if (tok.text === ';' && atomic === 0 && tok.end > errorOffset) return tok.end;
    prevUpper = upper;
  }
  return null;
}

/** A scanner token with JS string offsets. */
export interface ScannedToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keywordKind: number;
}

/** Scanner tokens with JS string offsets (from `base`); null when the text does not scan (an unterminated string or comment). */
export function scanTokens(parser: Parser, text: string, base = 0): ScannedToken[] | null {
  try {
    const toChar = byteToCharMapper(text);
    return (parser.scanSync(text).tokens as ScannedToken[]).map((t) => ({ ...t, start: base + toChar(t.start), end: base + toChar(t.end) }));
  } catch {
    return null;
  }
}

export async function splitStatements(sql: string): Promise<SqlStatement[]> {
  return splitStatementsSync(await loadParser(), sql);
}

/** 1-based line number of a JS string offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
