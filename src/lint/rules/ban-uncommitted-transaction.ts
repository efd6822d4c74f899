import type { ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';

const OPEN = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSE = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);

/** A BEGIN whose transaction block is never committed or rolled back in the file. */
export const banUncommittedTransaction: Rule = {
  id: 'ban-uncommitted-transaction',
  defaultSeverity: 'error',
  description: 'BEGIN without a later COMMIT or ROLLBACK',
  rationale:
    'A transaction block that is opened and never closed stays open after the last statement. Nothing in it is visible to ' +
    'other sessions, the locks it took are held, and when the connection ends PostgreSQL rolls all of it back - so the ' +
    'script or migration looks like it succeeded while its changes are silently lost. In a "-- transaction: none" migration ' +
    'the runner\'s own bookkeeping then runs inside that open block and is lost with it.',
  help: 'add COMMIT; after the last statement of the block (or ROLLBACK; if the block is a dry run)',
  check(ctx) {
    if (ctx.migration && ctx.transactional) return; // transaction-nesting reports BEGIN there
    let open: ParsedStatement | null = null;
    let last: ParsedStatement | null = null;
    for (const stmt of ctx.statements) {
      last = stmt;
      if (stmt.kind !== 'TransactionStmt') continue;
      const kind = String(stmt.node?.['kind'] ?? '');
      if (OPEN.has(kind)) open ??= stmt;
      else if (CLOSE.has(kind) && !stmt.node?.['chain']) open = null;
    }
    if (!open || !last) return;
    const tail = last.text.trimEnd().endsWith(';') ? '\nCOMMIT;' : ';\nCOMMIT;';
    ctx.report({
      statement: open,
      message: 'this transaction block is never committed or rolled back: when the session ends, PostgreSQL rolls back everything in it',
      fix: { title: 'Add COMMIT at the end', edits: [{ statement: last, start: last.text.length, end: last.text.length, text: tail }] },
    });
  },
};
