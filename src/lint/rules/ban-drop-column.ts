import { alterCommands, rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { addedBefore } from './shared/column-types';
import { alteredExistingTables } from './shared/new-tables';

/** ALTER TABLE ... DROP COLUMN in an up section or script (a down section undoing its up is expected). */
export const banDropColumn: Rule = {
  id: 'ban-drop-column',
  defaultSeverity: 'error',
  description: 'DROP COLUMN on an existing table',
  rationale:
    'Dropping a column deletes its data for good; only a backup brings it back. It is also quick to break the application: ' +
    'servers still running the previous code, and any code that uses SELECT * or INSERT with the column, fail as soon as it ' +
    'is gone, and ORMs that cached the table\'s columns at start-up keep asking for it. The statement itself is fast (the ' +
    'space is reclaimed later) but waits for an ACCESS EXCLUSIVE lock, which blocks all reads and writes of the table.',
  help: 'first deploy code that no longer reads or writes the column (tell the ORM to ignore it), then drop it in a later migration',
  sections: ['up', 'script'],
  check(ctx) {
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const columns = alterCommands(node)
        .filter((cmd) => cmd['subtype'] === 'AT_DropColumn')
        .map((cmd) => String(cmd['name'] ?? ''))
        .filter((column) => !addedBefore(ctx.statements, stmt.index, rel, column));
      if (columns.length === 0) continue;
      const many = columns.length > 1;
      const list = columns.map((c) => `"${c}"`).join(', ');
      ctx.report({
        statement: stmt,
        at: rel,
        message: `dropping column${many ? 's' : ''} ${list} of "${rangeVarName(rel)}" deletes ${many ? 'their' : 'its'} data and breaks code that still uses ${many ? 'them' : 'it'}`,
      });
    }
  },
};
