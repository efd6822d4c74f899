/**
 * The SQL statements inside PL/pgSQL bodies (DO blocks and functions), parsed and placed exactly in the script:
 * static SQL, PERFORM, RETURN QUERY, FOR ... IN query, OPEN ... FOR query, and EXECUTE of a constant string. Each
 * comes back as a ParsedStatement whose text is the stretch of the script it is written in (doubled quotes of a
 * single-quoted body included), with a toOffset that maps parser locations through the quoting.
 */
import { findAll, indexNodeTypes, rememberNodeTypes } from './ast';
import { unquoteLiteral } from './literals';
import { positionInScript, type AstNode, type ParsedStatement, type SqlSyntaxError } from './parse';
import type { Parser } from './parser';
import { plpgsqlInfo } from './plpgsql';
import { byteToCharMapper, scanTokens, type ScannedToken } from './split';

export interface EmbeddedStatement extends ParsedStatement {
  /** The DO or CREATE FUNCTION statement whose body holds it. */
  container: ParsedStatement;
  /** 'migration': a DO block runs while the migration runs; 'call': a function body runs when the function is called. */
  runsAt: 'migration' | 'call';
}

/** A statement of a body, placed in its container's text (cached by that text). */
interface BodyStatement {
  start: number;
  end: number;
  kind: string | null;
  node: AstNode | null;
  error: SqlSyntaxError | null;
  toOffset(byteLocation: number): number;
}

/** A query of the PL/pgSQL tree: its text, the body line its statement starts on, and how it is written. */
interface BodyQuery {
  query: string;
  lineno: number;
  how: 'sql' | 'perform' | 'execute';
}

const CACHE_LIMIT = 2000;
const cache = new Map<string, BodyStatement[]>();

/** The statements of a DO block's or PL/pgSQL function's body, in the order they are written; [] for anything else. */
export function bodyStatements(parser: Parser, stmt: ParsedStatement): EmbeddedStatement[] {
  if ((stmt.kind !== 'DoStmt' && stmt.kind !== 'CreateFunctionStmt') || stmt.error) return [];
  let found = cache.get(stmt.text);
  if (!found) {
    found = locateBodyStatements(parser, stmt);
    cache.set(stmt.text, found);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  const runsAt = stmt.kind === 'DoStmt' ? 'migration' : 'call';
  return found.map((b) => {
    const at = positionInScript(stmt, b.start);
    return {
      text: stmt.text.slice(b.start, b.end), start: stmt.start + b.start, end: stmt.start + b.end, line: at.line, column: at.column,
      index: stmt.index, kind: b.kind, node: b.node, error: b.error, toOffset: b.toOffset, container: stmt, runsAt,
    };
  });
}

export function clearBodyCache(): void {
  cache.clear();
}

function locateBodyStatements(parser: Parser, stmt: ParsedStatement): BodyStatement[] {
  const info = plpgsqlInfo(parser, stmt.text, stmt.kind, stmt.node);
  if (!info?.fn || !info.body) return [];
  const body = info.body;
  const lineStarts = [0];
  for (let i = body.value.indexOf('\n'); i !== -1; i = body.value.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  let bodyTokens: ScannedToken[] | null | undefined;
  const out: BodyStatement[] = [];
  for (const q of bodyQueries(info.fn)) {
    const from = lineStarts[Math.max(0, q.lineno - 1)] ?? 0;
    let inBody = findQuery(q, body.value, from);
    if (!inBody) {
      if (bodyTokens === undefined) bodyTokens = scanTokens(parser, body.value);
      inBody = bodyTokens ? alignTokens(parser, q.query, bodyTokens, from) : null;
    }
    if (!inBody) continue;
    let sql = q.query;
    let toBody = inBody;
    if (q.how === 'execute') {
      const literal = constantString(parser, q.query);
      if (!literal) continue; // built at run time: nothing to check here
      sql = literal.value;
      toBody = (i) => inBody!(literal.map[i]!);
    }
    out.push(...parseEmbedded(parser, sql, stmt.text, (i) => body.toStatement(toBody(i))));
  }
  return out.sort((a, b) => a.start - b.start);
}

const QUERY_FIELDS: Record<string, [string, BodyQuery['how']][]> = {
  PLpgSQL_stmt_execsql: [['sqlstmt', 'sql']],
  PLpgSQL_stmt_perform: [['expr', 'perform']],
  PLpgSQL_stmt_return_query: [['query', 'sql'], ['dynquery', 'execute']],
  PLpgSQL_stmt_fors: [['query', 'sql']],
  PLpgSQL_stmt_dynfors: [['query', 'execute']],
  PLpgSQL_stmt_dynexecute: [['query', 'execute']],
  PLpgSQL_stmt_open: [['query', 'sql'], ['dynquery', 'execute']],
};

/** The queries of a PL/pgSQL function tree, nested blocks, loops, IF and CASE branches and exception handlers included. */
function bodyQueries(fn: AstNode): BodyQuery[] {
  const out: BodyQuery[] = [];
  for (const [type, fields] of Object.entries(QUERY_FIELDS)) {
    for (const s of findAll(fn['action'], type)) {
      for (const [field, how] of fields) {
        const query = s[field]?.['PLpgSQL_expr']?.['query'];
        if (typeof query === 'string') out.push({ query, lineno: Number(s['lineno'] ?? 1), how });
      }
    }
  }
  return out;
}

/**
 * Where a query is written in the body, as a map from query offsets to body offsets: the query is the body's text
 * from its statement's line on, except that PERFORM is read as SELECT.
 */
function findQuery(q: BodyQuery, body: string, from: number): ((i: number) => number) | null {
  if (q.how === 'perform') {
    // "PERFORM x" is parsed as "SELECT x": the text after the keyword is verbatim, one character further on.
    const tail = q.query.slice('SELECT'.length);
    const at = body.indexOf(tail, from + 'PERFORM'.length);
    if (at === -1 || body.slice(at - 'PERFORM'.length, at).toUpperCase() !== 'PERFORM') return null;
    const keyword = at - 'PERFORM'.length;
    return (i) => (i < 'SELECT'.length ? keyword + i : at + i - 'SELECT'.length);
  }
  const at = body.indexOf(q.query, from);
  if (at !== -1) return (i) => at + i;
  return blankedMatch(q.query, body, from);
}

/**
 * SELECT ... INTO target ...: PL/pgSQL reads the query with the INTO clause blanked out (spaces of the same length),
 * so it still lines up with the body character for character.
 */
function blankedMatch(query: string, body: string, from: number): ((i: number) => number) | null {
  const blank = query.indexOf('  ');
  if (blank <= 0) return null;
  const at = body.indexOf(query.slice(0, blank), from);
  if (at === -1 || at + query.length > body.length) return null;
  for (let i = blank; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c !== body.charCodeAt(at + i) && c !== 32) return null;
  }
  return (i) => at + i;
}

/**
 * The query matched token by token against the body from `from` on, skipping body tokens it does not have (the
 * INTO target PL/pgSQL takes out of a SELECT ... INTO).
 */
function alignTokens(parser: Parser, query: string, bodyTokens: ScannedToken[], from: number): ((i: number) => number) | null {
  const queryTokens = scanTokens(parser, query);
  if (!queryTokens || queryTokens.length === 0) return null;
  const pairs: { start: number; end: number; at: number }[] = [];
  let j = bodyTokens.findIndex((t) => t.start >= from);
  if (j === -1) return null;
  for (const t of queryTokens) {
    while (j < bodyTokens.length && bodyTokens[j]!.text !== t.text) j++;
    if (j === bodyTokens.length) return null;
    pairs.push({ start: t.start, end: t.end, at: bodyTokens[j]!.start });
    j++;
  }
  return (i) => {
    let k = pairs.length - 1;
    while (k > 0 && pairs[k]!.start > i) k--;
    const p = pairs[k]!;
    return i < p.start ? p.at : p.at + Math.min(i, p.end) - p.start + Math.max(0, i - p.end);
  };
}

/** An EXECUTE argument that is one string constant: its value, and where each character is written in the argument. */
function constantString(parser: Parser, expr: string): { value: string; map: number[] } | null {
  if (!/^\s*([Ee]?'|\$)/.test(expr)) return null;
  const tokens = (scanTokens(parser, expr) ?? []).filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  if (tokens.length !== 1 || tokens[0]!.tokenName !== 'SCONST') return null;
  const t = tokens[0]!;
  const literal = unquoteLiteral(expr.slice(t.start, t.end));
  return literal ? { value: literal.value, map: literal.map.map((m) => t.start + m) } : null;
}

/** The statements of one piece of SQL found in a body; `toText` maps its offsets to the container's text. */
function parseEmbedded(parser: Parser, sql: string, text: string, toText: (i: number) => number): BodyStatement[] {
  const toChar = byteToCharMapper(sql);
  let tree: { stmts?: { stmt: AstNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parser.parseSync(sql) as typeof tree;
  } catch (err) {
    // Only an EXECUTE string can fail here (PL/pgSQL checked the rest): the error, mapped like a statement's text.
    const start = toText(firstNonSpace(sql, 0));
    const end = Math.max(start, toText(sql.length));
    const byte = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    const offset = Math.max(0, toText(toChar(byte)) - start);
    // No tree to locate: offsets are those of the statement's text, as for a top-level statement.
    const toOffset = byteToCharMapper(text.slice(start, end));
    return [{ start, end, kind: null, node: null, error: { message: String((err as Error).message ?? err), offset, source: 'sql' }, toOffset }];
  }
  const out: BodyStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const startByte = raw.stmt_location ?? 0;
    const startChar = firstNonSpace(sql, toChar(startByte));
    let endChar = raw.stmt_len ? toChar(startByte + raw.stmt_len) : sql.length;
    while (endChar > startChar && /\s/.test(sql[endChar - 1]!)) endChar--;
    const kind = Object.keys(raw.stmt)[0] ?? null;
    const node = kind ? (raw.stmt[kind] as AstNode) : null;
    if (node) rememberNodeTypes(node, indexNodeTypes(node, startByte));
    const start = toText(startChar);
    out.push({ start, end: Math.max(start, toText(endChar)), kind, node, error: null, toOffset: (b) => toText(toChar(startByte + b)) - start });
  }
  return out;
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}
