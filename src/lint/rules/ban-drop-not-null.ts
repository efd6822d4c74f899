import { alterCommands, rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { addedBefore } from './shared/column-types';
import { alteredExistingTables } from './shared/new-tables';

/** ALTER COLUMN ... DROP NOT NULL on an existing column. */
export const banDropNotNull: Rule = {
  id: 'ban-drop-not-null',
  defaultSeverity: 'warning',
  description: 'ALTER COLUMN ... DROP NOT NULL on an existing column',
  rationale:
    'Dropping NOT NULL is quick, but it changes a promise the rest of the system relies on: code, reports and other ' +
    'services that read the column were written assuming it always has a value, and crash or compute wrong results on the ' +
    'first NULL. The schema no longer tells readers the truth about old rows either. It is sometimes the right step (for ' +
    'example before removing a column), but it should be a deliberate one.',
  help: 'make sure every reader handles NULL first; if you are retiring the column, say so with -- lint-ignore ban-drop-not-null',
  sections: ['up', 'script'],
  check(ctx) {
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const columns = alterCommands(node)
        .filter((cmd) => cmd['subtype'] === 'AT_DropNotNull')
        .map((cmd) => String(cmd['name'] ?? ''))
        .filter((column) => !addedBefore(ctx.statements, stmt.index, rel, column));
      if (columns.length === 0) continue;
      const many = columns.length > 1;
      const list = columns.map((c) => `"${c}"`).join(', ');
      ctx.report({
        statement: stmt,
        at: rel,
        message: `dropping NOT NULL from column${many ? 's' : ''} ${list} of "${rangeVarName(rel)}" lets NULLs into ${many ? 'columns' : 'a column'} that readers expect to be filled`,
      });
    }
  },
};
