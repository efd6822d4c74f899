import { rangeVarName } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { addedBefore } from './shared/column-types';
import { newTables } from './shared/new-tables';

/** ALTER TABLE ... RENAME COLUMN on an existing table. */
export const renamingColumn: Rule = {
  id: 'renaming-column',
  defaultSeverity: 'error',
  description: 'RENAME COLUMN on an existing table',
  rationale:
    'Renaming a column is instant in the database, but the application servers that are running while the migration is ' +
    'deployed still use the old name: every query that mentions it fails from that moment until all of them run the new ' +
    'code, and code deployed before the migration fails the other way round. Views and functions keep working, but ' +
    'reports, ORMs with cached column lists and other services break the same way.',
  help: 'add a new column, write to both, backfill it, move reads to it, then drop the old column in a later migration (or keep the old name)',
  sections: ['up', 'script'],
  check(ctx) {
    const fresh = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      const node = stmt.node;
      if (stmt.kind !== 'RenameStmt' || !node || node['renameType'] !== 'OBJECT_COLUMN' || node['relationType'] !== 'OBJECT_TABLE') continue;
      const rel = node['relation'] as AstNode | undefined;
      if (!rel || fresh.isNew(rel, stmt.index)) continue;
      const column = String(node['subname'] ?? '');
      if (addedBefore(ctx.statements, stmt.index, rel, column)) continue;
      ctx.report({
        statement: stmt,
        at: rel,
        message: `renaming column "${column}" of "${rangeVarName(rel)}" to "${String(node['newname'] ?? '')}" breaks application code that still uses the old name`,
      });
    }
  },
};
