import { rangeVarName } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { newTables } from './shared/new-tables';

/** ALTER TABLE ... RENAME TO on an existing table. */
export const renamingTable: Rule = {
  id: 'renaming-table',
  defaultSeverity: 'error',
  description: 'ALTER TABLE ... RENAME TO on an existing table',
  rationale:
    'Renaming a table is instant in the database, but the application servers that are running while the migration is ' +
    'deployed still use the old name: every query on the table fails from that moment until all of them run the new code, ' +
    'and code deployed before the migration fails the other way round. Other services, reports and scheduled jobs that ' +
    'query the table break the same way, usually unnoticed until they run.',
  help: 'create the new table, write to both, backfill it, move reads to it, then drop the old table in a later migration (or keep the name; an updatable view with the old name can bridge the switch)',
  sections: ['up', 'script'],
  check(ctx) {
    const fresh = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      const node = stmt.node;
      if (stmt.kind !== 'RenameStmt' || !node || node['renameType'] !== 'OBJECT_TABLE') continue;
      const rel = node['relation'] as AstNode | undefined;
      if (!rel || fresh.isNew(rel, stmt.index)) continue;
      ctx.report({
        statement: stmt,
        at: rel,
        message: `renaming table "${rangeVarName(rel)}" to "${String(node['newname'] ?? '')}" breaks application code that still uses the old name`,
      });
    }
  },
};
