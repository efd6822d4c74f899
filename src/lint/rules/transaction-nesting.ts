import type { Rule } from '../types';

const OPEN = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSE = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);
/** Statements that end or start a transaction of their own, which the runner's transaction cannot contain. */
const IN_RUNNER = new Set([...OPEN, ...CLOSE, 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED']);

function spelled(text: string): string {
  const m = /^[A-Za-z]+(\s+(TRANSACTION|WORK|PREPARED))?/i.exec(text);
  return m ? m[0].toUpperCase().replace(/\s+/g, ' ') : 'this statement';
}

/** Transaction control that fights the runner's transaction, or BEGIN inside an open BEGIN block. */
export const transactionNesting: Rule = {
  id: 'transaction-nesting',
  defaultSeverity: 'error',
  description: 'BEGIN / COMMIT / ROLLBACK inside a migration the runner already wraps in a transaction, or a nested BEGIN',
  rationale:
    'A migration without "-- transaction: none" is run inside a transaction that the runner opens and commits, together with ' +
    'the history row that records it. PostgreSQL has no nested transactions: a BEGIN written in the file only prints a ' +
    'warning, but a COMMIT ends the runner\'s transaction early. Everything after it runs without a transaction, so a later ' +
    'failure leaves the migration half applied and not recorded; a ROLLBACK silently throws away the work done so far while ' +
    'the rest still runs. In a script, a second BEGIN inside an open block is ignored too, so its COMMIT commits the outer block.',
  help: 'remove the transaction statements (the runner already makes the migration atomic), or add "-- transaction: none" to the header to manage transactions yourself; use SAVEPOINT for a partial rollback',
  check(ctx) {
    if (ctx.migration && ctx.transactional) {
      for (const stmt of ctx.statements) {
        if (stmt.kind !== 'TransactionStmt') continue;
        const kind = String(stmt.node?.['kind'] ?? '');
        if (!IN_RUNNER.has(kind)) continue;
        const word = spelled(stmt.text);
        const removable = OPEN.has(kind) || (kind === 'TRANS_STMT_COMMIT' && !stmt.node?.['chain']);
        ctx.report({
          statement: stmt,
          message: OPEN.has(kind)
            ? `${word} inside a migration that already runs in a transaction: PostgreSQL ignores it, and a COMMIT paired with it would end the runner's transaction early`
            : kind === 'TRANS_STMT_ROLLBACK'
              ? `${word} inside a migration that runs in a transaction: it discards the statements before it, and the rest of the migration then runs outside any transaction`
              : `${word} inside a migration that runs in a transaction ends the runner's transaction early: the statements after it are no longer atomic and a failure leaves the migration half applied`,
          fix: removable ? { title: `Remove ${word} (the runner opens and commits the transaction)`, edits: [{ statement: stmt, start: 0, end: stmt.text.length, text: '' }] } : undefined,
        });
      }
      return;
    }
    let open = false;
    for (const stmt of ctx.statements) {
      if (stmt.kind !== 'TransactionStmt') continue;
      const kind = String(stmt.node?.['kind'] ?? '');
      if (OPEN.has(kind)) {
        if (open) {
          ctx.report({
            statement: stmt,
            message: `${spelled(stmt.text)} while a transaction block is already open: PostgreSQL ignores it, so the next COMMIT or ROLLBACK ends the outer block too`,
          });
        }
        open = true;
      } else if (CLOSE.has(kind) && !stmt.node?.['chain']) {
        open = false;
      }
    }
  },
};
