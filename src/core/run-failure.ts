/** Where a migration failed, and the error (plus audit row and dirty mark) that reports it. */
import { asServerError, type Session } from './db/database';
import { describeStatementFailure, execStatements, StatementFailure } from './engine-failure';
import type { EngineContext } from './context';
import { MigrationError } from './errors';
import { migrationId } from './migration-file';
import type { SqlStatement } from '../sql/split';

export interface Batch {
  sql: string;
  /** The error as a StatementFailure of the statement the server's position falls in, when it has one. */
  locate(err: unknown): unknown;
}

/** Statements joined into one query, remembering where each starts so an error position maps back. */
export function buildBatch(stmts: SqlStatement[], prefix: string, suffix: string): Batch {
  let sql = prefix;
  const starts: number[] = [];
  for (const st of stmts) {
    starts.push(sql.length);
    sql += st.text.trimEnd().endsWith(';') ? st.text : `${st.text};`;
    sql += '\n';
  }
  sql += suffix;
  return {
    sql,
    locate(err: unknown): unknown {
      const se = asServerError(err);
      const pos = se?.position ? Number(se.position) - 1 : NaN;
      if (!Number.isFinite(pos)) return err;
      for (let i = stmts.length - 1; i >= 0; i--) {
        if (pos >= starts[i]! && pos < starts[i]! + stmts[i]!.text.length) return new StatementFailure(err, stmts[i]!, starts[i]!);
      }
      return err;
    },
  };
}

/**
 * Where a batched migration failed: the server's position maps to a statement directly; otherwise run
 * the statements one by one in a transaction that is rolled back, to find the one that fails.
 */
export async function locateFailure(session: Session, err: unknown, batch: Batch, stmts: SqlStatement[]): Promise<unknown> {
  const mapped = batch.locate(err);
  if (mapped instanceof StatementFailure) return mapped;
  const code = asServerError(err)?.code;
  // Connection-level failures (terminated, server shutting down, lost link) cannot be replayed.
  if (!code || code.startsWith('57P') || code.startsWith('08')) return err;
  try {
    await execStatements(session, '', undefined, { statements: stmts, prefix: 'BEGIN' });
  } catch (again) {
    // Only trust the replay when it failed the same way.
    if (again instanceof StatementFailure && asServerError(again.serverError)?.code === code) return again;
    return err;
  } finally {
    await session.exec('ROLLBACK').catch(() => {});
  }
  return err; // it did not fail again: report it without a line
}

/**
 * The MigrationError for a failed up or down: logged as a failure, and for a migration that runs outside a
 * transaction, recorded on its (dirty) history row.
 */
export async function failureError(ctx: EngineContext, session: Session, err: unknown, m: { version: string; name: string; file: string },
  direction: 'up' | 'down', baseLine: number, dirty: boolean): Promise<MigrationError> {
  if (err instanceof MigrationError) return err;
  const failure = describeStatementFailure(err, baseLine);
  const id = migrationId(m);
  await ctx.audit(session, { action: 'failed', version: m.version, name: m.name, success: false, message: `${direction}: ${failure.text}` }).catch(() => {});
  if (dirty) {
    const stmt = err instanceof StatementFailure ? err.statement.text.replace(/\s+/g, ' ').slice(0, 120) : '';
    await ctx.store.recordError(session, m.version, `line ${failure.line ?? '?'} (${direction}${stmt ? `: ${stmt}` : ''}): ${failure.text}`).catch(() => {});
  }
  const hint = dirty
    ? `it runs outside a transaction, so the statements before this one stay applied and it is marked dirty; fix the statement, undo or finish by hand, then run "database-migration --mark-applied ${m.version}" or "--mark-rolled-back ${m.version}"`
    : `fix the statement and run --${direction} again; ${id} was rolled back completely, so the database is as it was before it`;
  return new MigrationError('E_MIGRATION_FAILED', `${id} failed (${direction}): ${failure.text}`, hint,
    m.file ? { file: m.file, line: failure.line, column: failure.column } : {}, { cause: err });
}
