import { stringList } from '../../sql/ast';
import { createdObjects, nonTransactionalReason, sameName } from '../../sql/objects';
import type { ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';
import { explicitBlocks, fileLine } from './shared/transactions';

/** Reported by ban-concurrent-index-creation-in-transaction when inside an explicit BEGIN ... COMMIT. */
const CONCURRENT_INDEX = new Set(['CREATE INDEX CONCURRENTLY', 'DROP INDEX CONCURRENTLY', 'REINDEX CONCURRENTLY']);

/** Statements PostgreSQL refuses inside a transaction block, in a migration that runs in one. */
export const nonTransactionalStatement: Rule = {
  id: 'non-transactional-statement',
  defaultSeverity: 'error',
  description: 'statement that cannot run inside a transaction, in a migration that runs in one',
  rationale:
    'A migration runs inside a single transaction unless its header says "-- transaction: none", so that a failure ' +
    'leaves nothing half done. Some statements refuse to run in a transaction block: CREATE/DROP INDEX CONCURRENTLY, ' +
    'REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY (they commit several times while they work), VACUUM, CREATE ' +
    'and DROP DATABASE or TABLESPACE, ALTER SYSTEM, and before PostgreSQL 12 ALTER TYPE ... ADD VALUE. PostgreSQL ' +
    'answers "cannot run inside a transaction block" and the migration fails at that statement on every run.',
  help: 'add "-- transaction: none" to the header (above "-- Up migration"), and keep such a migration small and safe to re-run',
  check(ctx) {
    const blocks = explicitBlocks(ctx.statements);
    for (const stmt of ctx.statements) {
      if (!stmt.node) continue;
      const reason = nonTransactionalReason(stmt.kind, stmt.node, ctx.postgresVersion);
      if (!reason) continue;
      if (stmt.kind === 'AlterEnumStmt' && enumCreatedBefore(ctx.statements, stmt)) continue;
      const begin = blocks[stmt.index];
      if (begin) {
        if (CONCURRENT_INDEX.has(reason)) continue; // ban-concurrent-index-creation-in-transaction reports it
        ctx.report({
          statement: stmt,
          message: `${reason} cannot run inside the transaction block opened on line ${fileLine(ctx, begin)}; PostgreSQL rejects it`,
          help: 'move the statement out of the BEGIN ... COMMIT block',
        });
      } else if (ctx.transactional) {
        const version = stmt.kind === 'AlterEnumStmt' ? ` on PostgreSQL ${ctx.postgresVersion}` : '';
        ctx.report({
          statement: stmt,
          message: `${reason} cannot run inside a transaction block${version}, and this migration runs in one; it fails here every time`,
        });
      }
    }
  },
};

/** Before PostgreSQL 12, ADD VALUE was allowed in the transaction that created the enum type. */
function enumCreatedBefore(statements: ParsedStatement[], stmt: ParsedStatement): boolean {
  const parts = stringList(stmt.node?.['typeName']);
  const name = { schema: parts.length > 1 ? parts[parts.length - 2]! : null, name: parts[parts.length - 1] ?? '' };
  return statements.slice(0, stmt.index).some((s) => s.kind === 'CreateEnumStmt'
    && createdObjects(s.kind, s.node).some((o) => o.kind === 'type' && sameName(o, name)));
}
