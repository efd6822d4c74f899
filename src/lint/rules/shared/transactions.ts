import type { ParsedStatement } from '../../../sql/parse';
import type { RuleContext } from '../../types';

const OPENS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSES = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);

/**
 * For each statement (by index), the BEGIN / START TRANSACTION statement of the
 * explicit transaction block written in the file that encloses it, or null.
 * The BEGIN and COMMIT statements themselves are not inside the block.
 */
export function explicitBlocks(statements: ParsedStatement[]): (ParsedStatement | null)[] {
  const out: (ParsedStatement | null)[] = [];
  let open: ParsedStatement | null = null;
  for (const stmt of statements) {
    const kind = stmt.kind === 'TransactionStmt' ? String(stmt.node?.['kind'] ?? '') : '';
    if (OPENS.has(kind)) {
      out.push(null);
      if (!open) open = stmt; // a nested BEGIN is only a warning in PostgreSQL
      continue;
    }
    if (CLOSES.has(kind)) {
      out.push(null);
      open = null;
      continue;
    }
    out.push(open);
  }
  return out;
}

/**
 * A transaction key per statement: statements with the same non-null key run in
 * the same transaction. A transactional migration section is one transaction;
 * otherwise only explicit BEGIN ... COMMIT blocks group statements.
 */
export function transactionKeys(ctx: RuleContext): (number | null)[] {
  if (ctx.transactional) return ctx.statements.map(() => -1);
  return explicitBlocks(ctx.statements).map((b) => (b ? b.index : null));
}

/** 1-based line in the file of a statement of the linted section. */
export function fileLine(ctx: RuleContext, stmt: ParsedStatement): number {
  const base = ctx.section === 'up' ? ctx.migration?.upLine : ctx.section === 'down' ? ctx.migration?.downLine : 1;
  return (base ?? 1) + stmt.line - 1;
}
