/**
 * Replays one migration on the shadow database, statement by statement, each under its own savepoint: a failing
 * statement is recorded with its position in the file and costs only itself. What the shadow cannot run as written
 * is made to fit without changing the schema it builds: CONCURRENTLY is dropped (the shadow runs inside a
 * transaction), VACUUM/ANALYZE and transaction control are skipped, and a role a GRANT names is created first.
 */
import type { Session } from '../db/database';
import { asServerError } from '../db/database';
import type { MigrationFile } from '../migration-file';
import type { Parser } from '../../sql/parser';
import { parseScriptSync, positionInScript, type ParsedStatement } from '../../sql/parse';
import { scanTokens } from '../../sql/split';
import { transactionControl } from '../../sql/transaction-control';
import { transactionalEquivalent } from '../../sql/transactional';
import { nonTransactionalReason } from '../../sql/objects';
import type { ShadowStatementError } from './types';
import { versionParityWarnings } from './parity';

export interface ReplayOptions {
  /** Extensions whose CREATE EXTENSION statements are skipped (not available to the shadow). */
  skipExtensions?: ReadonlySet<string>;
}

/** What the shadow runs for a statement: its own text, a transaction-safe stand-in, or nothing. */
function runnableText(parser: Parser, st: ParsedStatement, options: ReplayOptions): string | null {
  if (!st.node) return st.text; // the server reports the syntax error with its position
  if (transactionControl(st.kind, st.node)) return null;
  if (st.kind === 'VacuumStmt' || st.kind === 'CheckPointStmt') return null;
  if (st.kind === 'CreateExtensionStmt' && options.skipExtensions?.has(String(st.node['extname']))) return null;
  if (st.kind === 'VariableSetStmt' && st.node['is_local'] !== true && /timeout$/.test(String(st.node['name'] ?? ''))) return null;
  if (nonTransactionalReason(st.kind, st.node, 18)) return transactionalEquivalent(parser, st.text, 18).sql;
  return st.text;
}

/** Runs `migration`'s up section on `session` (inside the caller's open transaction); returns the statements that failed. */
export async function replayMigration(session: Session, parser: Parser, migration: MigrationFile, options: ReplayOptions = {}): Promise<ShadowStatementError[]> {
  const errors: ShadowStatementError[] = [];
  await session.exec('RESET ALL');
  for (const st of parseScriptSync(parser, migration.up)) {
    const text = runnableText(parser, st, options);
    if (text === null || !text.trim()) continue;
    const failure = await runStatement(session, text);
    if (failure) errors.push(placeError(parser, migration, st, failure));
  }
  await session.exec('RESET ALL');
  return errors;
}

/** One statement under a savepoint; a missing role is created and the statement tried again. */
async function runStatement(session: Session, text: string): Promise<ReturnType<typeof asServerError>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await session.exec('SAVEPOINT shadow_statement');
    try {
      await session.exec(text);
      await session.exec('RELEASE SAVEPOINT shadow_statement');
      return null;
    } catch (err) {
      await session.exec('ROLLBACK TO SAVEPOINT shadow_statement');
      await session.exec('RELEASE SAVEPOINT shadow_statement');
      const e = asServerError(err) ?? { message: String((err as Error)?.message ?? err) };
      const role = e.code === '42704' ? /^role "(.+)" does not exist$/.exec(e.message)?.[1] : undefined;
      if (!role) return e;
      // Roles live outside the schema a migration builds: the shadow makes the ones it is told about.
      await session.query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN`);
    }
  }
  return { message: 'too many missing roles' };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The error's place in the file: the server's position, else the identifier the message names, else the statement. */
function placeError(parser: Parser, migration: MigrationFile, st: ParsedStatement, e: NonNullable<ReturnType<typeof asServerError>>): ShadowStatementError {
  let start = 0;
  let end = firstLineEnd(st.text);
  const position = Number(e.position);
  if (position > 0 && position <= st.text.length) {
    start = position - 1;
    end = tokenEnd(parser, st.text, start);
  } else {
    const named = /"([^"]+)"/.exec(e.message)?.[1];
    const at = named ? identifierOffset(parser, st.text, named) : -1;
    if (at >= 0) {
      start = at;
      end = tokenEnd(parser, st.text, at);
    }
  }
  return { message: e.message, code: e.code, hint: e.hint, ...fileRange(migration, st, start, end) };
}

/** File line/column of a range of a statement of `migration`'s up section. */
function fileRange(migration: MigrationFile, st: ParsedStatement, start: number, end: number): Pick<ShadowStatementError, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const from = positionInScript(st, start);
  const to = positionInScript(st, end);
  const lineBase = migration.upLine - 1;
  return { line: from.line + lineBase, column: from.column, endLine: to.line + lineBase, endColumn: to.column };
}

/** What `migration` uses that the server's older PostgreSQL lacks (the shadow's newer one accepts it). */
export function parityWarnings(parser: Parser, migration: MigrationFile, serverMajor: number, shadowMajor: number): ShadowStatementError[] {
  if (serverMajor >= shadowMajor) return [];
  return versionParityWarnings(parseScriptSync(parser, migration.up), serverMajor, shadowMajor).map((w) => ({
    message: w.message, ...fileRange(migration, w.statement, w.offset, tokenEnd(parser, w.statement.text, w.offset)),
  }));
}

function firstLineEnd(text: string): number {
  const nl = text.indexOf('\n');
  return nl === -1 ? text.length : nl;
}

/** The end of the token that starts at (or contains) `offset`. */
function tokenEnd(parser: Parser, text: string, offset: number): number {
  const tok = (scanTokens(parser, text) ?? []).find((t) => t.start <= offset && offset < t.end);
  return tok ? tok.end : Math.min(text.length, offset + 1);
}

/** Offset of the first identifier token spelling `name` (case-insensitively, quoted or not). */
function identifierOffset(parser: Parser, text: string, name: string): number {
  for (const t of scanTokens(parser, text) ?? []) {
    const spelled = text.slice(t.start, t.end);
    const bare = spelled.startsWith('"') ? spelled.slice(1, -1).replace(/""/g, '"') : spelled.toLowerCase();
    if (bare === name) return t.start;
  }
  return -1;
}
