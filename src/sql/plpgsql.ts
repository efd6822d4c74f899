/**
 * PL/pgSQL bodies (CREATE FUNCTION ... LANGUAGE plpgsql, DO): the string constant that holds the body, the PL/pgSQL
 * parser's tree of it, and its syntax error placed where PostgreSQL places it. Results are cached by statement text
 * (the linter asks again on every keystroke).
 */
import { dollarQuote, unquoteLiteral } from './literals';
import type { AstNode, SqlSyntaxError } from './parse';
import type { Parser } from './parser';
import { scanTokens, type ScannedToken } from './split';

/** The string constant holding a body, in its statement's text. */
export interface PlpgsqlBody {
  /** The body as PL/pgSQL reads it (quoting undone). */
  value: string;
  /** JS offsets in the statement text of the constant as written, quotes included. */
  start: number;
  end: number;
  /** Statement-text offset of a body offset (0 to value.length): through the quoting, so '' in a body maps exactly. */
  toStatement(offset: number): number;
}

export interface PlpgsqlInfo {
  body: PlpgsqlBody | null;
  /** The `PLpgSQL_function` node of the PL/pgSQL parser's tree; null when the body does not parse. */
  fn: AstNode | null;
  error: SqlSyntaxError | null;
}

const CACHE_LIMIT = 2000;
const cache = new Map<string, PlpgsqlInfo | null>();

export function clearPlpgsqlCache(): void {
  cache.clear();
}

function defElemString(options: AstNode[] | undefined, name: string): string | null {
  for (const o of options ?? []) {
    const d = o['DefElem'] as AstNode | undefined;
    if (d?.['defname'] === name) {
      const arg = d['arg'] as AstNode | undefined;
      if (arg?.['String']) return String(arg['String'].sval);
      if (arg?.['List']) return (arg['List'].items as AstNode[]).map((i) => String(i['String']?.sval ?? '')).join('');
    }
  }
  return null;
}

/** The body text of a PL/pgSQL function or DO block (as the SQL parser read the string), or null for anything else. */
export function plpgsqlSource(kind: string | null, node: AstNode | null): string | null {
  if (!node) return null;
  if (kind === 'CreateFunctionStmt') {
    const language = defElemString(node['options'], 'language');
    if (!language || language.toLowerCase() !== 'plpgsql') return null;
    return defElemString(node['options'], 'as');
  }
  if (kind === 'DoStmt') {
    const language = defElemString(node['args'], 'language') ?? 'plpgsql';
    return language.toLowerCase() === 'plpgsql' ? defElemString(node['args'], 'as') : null;
  }
  return null;
}

/** The PL/pgSQL view of a statement: null unless it is a PL/pgSQL function or DO block with a body. */
export function plpgsqlInfo(parser: Parser, text: string, kind: string | null, node: AstNode | null): PlpgsqlInfo | null {
  if (kind !== 'CreateFunctionStmt' && kind !== 'DoStmt') return null;
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const source = plpgsqlSource(kind, node);
  let info: PlpgsqlInfo | null = null;
  if (source !== null) {
    const body = findBody(parser, text, source);
    try {
      const tree = parser.parsePlPgSQLSync(text) as { plpgsql_funcs?: { PLpgSQL_function?: AstNode }[] };
      info = { body, fn: tree.plpgsql_funcs?.[0]?.PLpgSQL_function ?? null, error: null };
    } catch (err) {
      const message = errorMessage(err);
      const offset = body ? locateError(parser, text, body, message) : text.length;
      info = { body, fn: null, error: { message: `PL/pgSQL: ${message}`, offset, source: 'plpgsql' } };
    }
  }
  cache.set(text, info);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return info;
}

function errorMessage(err: unknown): string {
  return String((err as Error)?.message ?? err);
}

/** The string constant whose value is the body; unmapped (every offset at the constant's start) if none matches. */
function findBody(parser: Parser, text: string, source: string): PlpgsqlBody | null {
  const dollar = dollarQuotedBody(text, source);
  if (dollar) return dollar;
  const tokens = scanTokens(parser, text);
  if (!tokens) return null;
  let longest: ScannedToken | null = null;
  for (const t of tokens) {
    if (t.tokenName !== 'SCONST') continue;
    const literal = unquoteLiteral(text.slice(t.start, t.end));
    if (literal && literal.value === source) {
      return { value: source, start: t.start, end: t.end, toStatement: (i) => t.start + literal.map[Math.min(Math.max(0, i), source.length)]! };
    }
    if (!longest || t.end - t.start > longest.end - longest.start) longest = t;
  }
  const at = longest;
  return at ? { value: source, start: at.start, end: at.end, toStatement: () => at.start } : null;
}

/**
 * The usual case without scanning: the body written once, verbatim, between two equal dollar-quote tags. (A body
 * that occurs elsewhere in the statement too, in a comment say, is left to the scanner.)
 */
function dollarQuotedBody(text: string, source: string): PlpgsqlBody | null {
  const at = text.indexOf(source);
  if (at < 2 || text.indexOf(source, at + 1) !== -1 || text[at - 1] !== '$') return null;
  const open = text.lastIndexOf('$', at - 2);
  if (open === -1) return null;
  const tag = text.slice(open, at);
  if (!/^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$$/.test(tag) || !text.startsWith(tag, at + source.length)) return null;
  const end = at + source.length + tag.length;
  return { value: source, start: open, end, toStatement: (i) => at + Math.min(Math.max(0, i), source.length) };
}

/**
 * Where PostgreSQL reports a PL/pgSQL error, as an offset in the statement text. The PL/pgSQL parser here gives only
 * the message, so the place is found by asking it again about prefixes of the body: the error is detected at the
 * first token k such that the body cut after k, followed by an unterminated quote, still fails with the same message
 * (a shorter prefix fails on the quote instead). The message then says where, relative to that token: a token
 * ("at or near"), the end of the SQL expression before it ("at end of input"), or a variable's name.
 */
function locateError(parser: Parser, text: string, body: PlpgsqlBody, message: string): number {
  const tokens = scanTokens(parser, body.value);
  if (!tokens || tokens.length === 0) return body.toStatement(body.value.length);
  const failsTheSame = (k: number): boolean => {
    const probe = text.slice(0, body.start) + dollarQuote(`${body.value.slice(0, tokens[k]!.end)}\n'`) + text.slice(body.end);
    try {
      parser.parsePlPgSQLSync(probe);
      return false;
    } catch (err) {
      return errorMessage(err) === message;
    }
  };
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsTheSame(mid)) hi = mid;
    else lo = mid + 1;
  }
  return body.toStatement(errorOffsetInBody(tokens, lo, body.value.length, message));
}

const BLOCK_WORDS = new Set([';', 'BEGIN', 'LOOP', 'THEN', 'ELSE', 'DECLARE', 'EXCEPTION']);

/** The body offset PostgreSQL reports, given the token at which the error is detected (tokens.length: the end). */
function errorOffsetInBody(tokens: ScannedToken[], detected: number, bodyLength: number, message: string): number {
  const last = Math.min(detected, tokens.length - 1);
  const near = /at or near "((?:[^"]|"")*)"$/.exec(message);
  if (near) return lastTokenMatching(tokens, last, near[1]!.replace(/""/g, '"')) ?? tokens[last]!.start;
  if (/at end of input$/.test(message)) {
    // The body ends too early, or an SQL expression inside it does (PostgreSQL points just after its last token).
    return detected >= tokens.length || detected === 0 ? bodyLength : tokens[detected - 1]!.end;
  }
  const name = /"((?:[^"]|"")+)"/.exec(message);
  const named = name ? lastTokenMatching(tokens, last, name[1]!.replace(/""/g, '"')) : null;
  if (named !== null) return named;
  // Anything else: the start of the PL/pgSQL statement the error was found in.
  let i = last - 1;
  while (i >= 0 && !BLOCK_WORDS.has(tokens[i]!.text.toUpperCase())) i--;
  return tokens[Math.min(i + 1, last)]!.start;
}

/** Start of the last token at or before `from` written as `text` (exactly, else in any case). */
function lastTokenMatching(tokens: ScannedToken[], from: number, text: string): number | null {
  for (let i = from; i >= 0; i--) if (tokens[i]!.text === text) return tokens[i]!.start;
  const lower = text.toLowerCase();
  for (let i = from; i >= 0; i--) if (tokens[i]!.text.toLowerCase() === lower) return tokens[i]!.start;
  return null;
}
