/** Statements PostgreSQL refuses inside a transaction block. */
import { alterCommands, defElem } from '../ast';
import type { AstNode } from '../parse';
import { created } from './created';

// --- statements that cannot run in a transaction block ---------------------------

export function truthyOption(d: AstNode | null): boolean {
  if (!d) return false;
  const arg = d['arg'] as AstNode | undefined;
  if (arg === undefined) return true;
  const v = arg['String']?.sval ?? arg['Boolean']?.boolval ?? arg['Integer']?.ival;
  return v === true || v === 1 || (typeof v === 'string' && /^(true|on|1|yes)$/i.test(v));
}

/**
 * Why PostgreSQL refuses this statement inside a transaction block ("cannot run
 * inside a transaction block"): a short name of the statement, or null when it
 * may run in a transaction. REFRESH MATERIALIZED VIEW CONCURRENTLY and ANALYZE
 * are allowed. ALTER TYPE ... ADD VALUE is refused before PostgreSQL 12 (unless
 * the type was created in the same transaction, which the caller checks).
 */
export function nonTransactionalReason(kind: string | null, node: AstNode | null, pgVersion: number): string | null {
  if (!node || !kind) return null;
  switch (kind) {
    case 'IndexStmt':
      return node['concurrent'] ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'DropStmt':
      return node['removeType'] === 'OBJECT_INDEX' && node['concurrent'] ? 'DROP INDEX CONCURRENTLY' : null;
    case 'ReindexStmt': {
      const concurrently = ((node['params'] as AstNode[] | undefined) ?? []).some((p) => p['DefElem']?.defname === 'concurrently' && truthyOption(p['DefElem']));
      if (concurrently) return 'REINDEX CONCURRENTLY';
      if (node['kind'] === 'REINDEX_OBJECT_SCHEMA') return 'REINDEX SCHEMA';
      if (node['kind'] === 'REINDEX_OBJECT_DATABASE') return 'REINDEX DATABASE';
      if (node['kind'] === 'REINDEX_OBJECT_SYSTEM') return 'REINDEX SYSTEM';
      return null;
    }
    case 'VacuumStmt':
      return node['is_vacuumcmd'] ? 'VACUUM' : null;
    case 'ClusterStmt':
      return node['relation'] ? null : 'CLUSTER without a table';
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'AlterDatabaseStmt':
      return defElem(node['options'], 'tablespace') ? 'ALTER DATABASE ... SET TABLESPACE' : null;
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'DiscardStmt':
      return node['target'] === 'DISCARD_ALL' ? 'DISCARD ALL' : null;
    case 'AlterEnumStmt':
      return pgVersion < 12 && node['newVal'] && !node['oldVal'] ? 'ALTER TYPE ... ADD VALUE' : null;
    case 'AlterTableStmt':
      return alterCommands(node).some((c) => c['subtype'] === 'AT_DetachPartition' && c['def']?.['PartitionCmd']?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY' : null;
    case 'CreateSubscriptionStmt': {
      const slot = defElem(node['options'], 'create_slot');
      const connect = defElem(node['options'], 'connect');
      if ((slot && !truthyOption(slot)) || (connect && !truthyOption(connect))) return null;
      return 'CREATE SUBSCRIPTION (with create_slot)';
    }
    case 'AlterSubscriptionStmt':
      if (node['kind'] === 'ALTER_SUBSCRIPTION_REFRESH') return 'ALTER SUBSCRIPTION ... REFRESH PUBLICATION';
      return null;
    case 'TransactionStmt':
      if (node['kind'] === 'TRANS_STMT_COMMIT_PREPARED') return 'COMMIT PREPARED';
      if (node['kind'] === 'TRANS_STMT_ROLLBACK_PREPARED') return 'ROLLBACK PREPARED';
      return null;
    default:
      return null;
  }
}
