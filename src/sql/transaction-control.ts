/** Statements that end or start a transaction: inside a migration that runs in one, they break its atomicity. */
import type { AstNode } from './parse';

const CONTROL: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
};

/** "COMMIT", "ROLLBACK", ... for a statement that would end (or nest) the migration's transaction; null otherwise (SAVEPOINT is fine). */
export function transactionControl(kind: string | null, node: AstNode | null): string | null {
  if (kind !== 'TransactionStmt' || !node) return null;
  return CONTROL[String(node['kind'])] ?? null;
}
