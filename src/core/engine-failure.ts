/** Errors from running SQL statement by statement, mapped to file lines. */
import { splitStatements, type SqlStatement } from '../sql/split';
import { asServerError, type Session } from './db/database';
import { redactText } from './redact';

/** A statement of a script failed; carries where it starts so errors point at the right line. */
export class StatementFailure extends Error {
  /** Characters sent before the statement in the same query (e.g. "BEGIN;\n"), which the server's position counts. */
  readonly prefixLength: number;
  constructor(readonly serverError: unknown, readonly statement: SqlStatement, prefixLength = 0) {
    super((serverError as Error)?.message ?? String(serverError));
    this.prefixLength = prefixLength;
  }
}

/**
 * Runs a script statement by statement, so a failure names its own statement and line. `statements` can
 * be given when the script was already split (the engine parses every migration once per run), and
 * `prefix` (e.g. "BEGIN") rides along with the first statement to save a round trip.
 */
export async function execStatements(session: Session, sql: string, onStatement?: (s: SqlStatement, ms: number) => void,
  options: { statements?: SqlStatement[]; prefix?: string } = {}): Promise<number> {
  const statements = options.statements ?? await splitStatements(sql);
  let prefix = options.prefix ? `${options.prefix};\n` : '';
  if (statements.length === 0 && prefix) await session.exec(options.prefix!);
  for (const stmt of statements) {
    const t0 = performance.now();
    try {
      await session.exec(prefix + stmt.text);
    } catch (err) {
      throw new StatementFailure(err, stmt, prefix.length);
    }
    prefix = '';
    onStatement?.(stmt, performance.now() - t0);
  }
  return statements.length;
}

export function describeStatementFailure(err: unknown, baseLine: number): { text: string; line?: number; column?: number } {
  if (err instanceof StatementFailure) {
    return describeFailure(err.serverError, err.statement.text, baseLine + err.statement.line - 1, err.statement.column, err.prefixLength);
  }
  return describeFailure(err, '', baseLine);
}

/** Server error text plus its line and column in the file, when the server reported a position. */
export function describeFailure(err: unknown, sql: string, baseLine: number, firstColumn = 1, prefixLength = 0): { text: string; line?: number; column?: number } {
  const se = asServerError(err);
  if (!se) return { text: redactText(String((err as Error)?.message ?? err)) };
  let text = se.message;
  if (se.detail) text += ` — ${se.detail}`;
  if (se.hint) text += ` (hint: ${se.hint})`;
  text += ` [SQLSTATE ${se.code}]`;
  let line: number | undefined;
  let column: number | undefined;
  const pos = se.position ? Number(se.position) - prefixLength : NaN;
  if (Number.isFinite(pos) && pos > 0) {
    const before = sql.slice(0, pos - 1);
    const lines = before.split('\n');
    line = baseLine + lines.length - 1;
    column = lines[lines.length - 1]!.length + 1 + (lines.length === 1 ? firstColumn - 1 : 0);
  } else {
    line = baseLine;
  }
  return { text: redactText(text), line, column };
}

