import { dropNames } from '../../sql/ast';
import type { Rule } from '../types';
import { newTables } from './shared/new-tables';

/** DROP TABLE in an up section or script (a down section dropping what up created is expected). */
export const banDropTable: Rule = {
  id: 'ban-drop-table',
  defaultSeverity: 'error',
  description: 'DROP TABLE in an up migration or script',
  rationale:
    'DROP TABLE deletes the table and every row in it for good; only a backup brings the data back, and restoring one ' +
    'table from a backup is slow and loses everything written since. Any application code, view, job or other service ' +
    'that still uses the table fails at once. A table dropped in the same migration that created it is fine.',
  help: 'stop using the table in code first, keep a copy (or rename it aside) for a while, and drop it in a later, separate migration',
  sections: ['up', 'script'],
  check(ctx) {
    const fresh = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      const node = stmt.node;
      if (stmt.kind !== 'DropStmt' || !node || node['removeType'] !== 'OBJECT_TABLE') continue;
      const names = dropNames(node).filter((name) => {
        const parts = name.split('.');
        const rel = { relname: parts[parts.length - 1], schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined };
        return !fresh.isNew(rel, stmt.index);
      });
      if (names.length === 0) continue;
      const list = names.map((n) => `"${n}"`).join(', ');
      ctx.report({
        statement: stmt,
        message: `dropping table${names.length > 1 ? 's' : ''} ${list} deletes ${names.length > 1 ? 'their' : 'its'} data for good and breaks code that still uses ${names.length > 1 ? 'them' : 'it'}`,
      });
    }
  },
};
