import { alterCommands, columnConstraints, rangeVarName } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { alteredExistingTables } from './shared/new-tables';

/** A validated FOREIGN KEY added to an existing table. */
export const addingForeignKeyConstraint: Rule = {
  id: 'adding-foreign-key-constraint',
  defaultSeverity: 'error',
  description: 'FOREIGN KEY added to an existing table without NOT VALID',
  rationale:
    'Adding a foreign key locks both tables with SHARE ROW EXCLUSIVE, which stops every INSERT, UPDATE and DELETE on the ' +
    'table and on the table it references, and then reads the whole table to check that each existing row has a match. ' +
    'On a large table that means minutes without writes on two tables. Added as a separate constraint with NOT VALID the ' +
    'check of old rows is skipped, so the lock is brief; ALTER TABLE ... VALIDATE CONSTRAINT later checks them while ' +
    'reads and writes continue. A REFERENCES clause on ADD COLUMN cannot be NOT VALID, and the check then even runs under ' +
    'the ACCESS EXCLUSIVE lock of ADD COLUMN.',
  help: 'add the column without REFERENCES, then ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, and VALIDATE CONSTRAINT in a later transaction',
  sections: ['up', 'down', 'script'],
  check(ctx) {
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const table = rangeVarName(rel);
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] === 'AT_AddConstraint') {
          const con = cmd['def']?.['Constraint'] as AstNode | undefined;
          if (!con || con['contype'] !== 'CONSTR_FOREIGN' || con['skip_validation']) continue;
          const name = con['conname'] ? `foreign key "${String(con['conname'])}"` : 'a foreign key';
          ctx.report({
            statement: stmt,
            at: con,
            message: `${name} from "${table}" to "${rangeVarName(con['pktable'])}" is added without NOT VALID: writes to both tables stop while every row of "${table}" is checked`,
            help: 'add it with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later transaction',
          });
        } else if (cmd['subtype'] === 'AT_AddColumn') {
          const col = cmd['def']?.['ColumnDef'] as AstNode | undefined;
          if (!col) continue;
          for (const con of columnConstraints(col)) {
            if (con['contype'] !== 'CONSTR_FOREIGN') continue;
            ctx.report({
              statement: stmt,
              at: con,
              message: `column "${String(col['colname'])}" is added to "${table}" with REFERENCES "${rangeVarName(con['pktable'])}": both tables are locked while every row is checked`,
            });
          }
        }
      }
    }
  },
};
