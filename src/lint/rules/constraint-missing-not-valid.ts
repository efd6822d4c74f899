import { alterCommands, rangeVarName } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { alteredExistingTables } from './shared/new-tables';
import { transactionKeys } from './shared/transactions';

const CHECKED = new Set(['CONSTR_CHECK', 'CONSTR_FOREIGN']);

/** ADD CONSTRAINT CHECK / FOREIGN KEY that validates existing rows under the ALTER TABLE lock. */
export const constraintMissingNotValid: Rule = {
  id: 'constraint-missing-not-valid',
  defaultSeverity: 'error',
  description: 'CHECK or FOREIGN KEY constraint added to an existing table without NOT VALID, or validated in the same transaction',
  rationale:
    'When a CHECK or FOREIGN KEY constraint is added, PostgreSQL reads every existing row to make sure it satisfies the ' +
    'constraint, and holds the ALTER TABLE lock all that time: ACCESS EXCLUSIVE for a CHECK (no reads or writes at all) and ' +
    'SHARE ROW EXCLUSIVE for a foreign key (no writes on either table). Adding it NOT VALID skips that scan, so the lock lasts ' +
    'a moment, while new rows are still checked. A later ALTER TABLE ... VALIDATE CONSTRAINT checks the old rows under a lock ' +
    'that lets reads and writes continue, but only if it runs in a later transaction: in the same transaction the ' +
    'stronger lock from ADD CONSTRAINT is still held during the scan.',
  help: 'add the constraint with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a separate transaction (e.g. the next migration)',
  sections: ['up', 'down', 'script'],
  check(ctx) {
    const txn = transactionKeys(ctx);
    /** NOT VALID constraints added so far: "table\0name" -> transaction key. */
    const notValid = new Map<string, number | null>();
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const table = rangeVarName(rel);
      const validated: string[] = [];
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] === 'AT_AddConstraint') {
          const con = cmd['def']?.['Constraint'] as AstNode | undefined;
          if (!con || !CHECKED.has(String(con['contype']))) continue;
          if (con['skip_validation']) {
            if (con['conname']) notValid.set(`${table}\0${String(con['conname'])}`, txn[stmt.index] ?? null);
            continue;
          }
          const kind = con['contype'] === 'CONSTR_CHECK' ? 'CHECK' : 'FOREIGN KEY';
          const name = con['conname'] ? `${kind} constraint "${String(con['conname'])}"` : `a ${kind} constraint`;
          const lock = kind === 'CHECK' ? 'blocking all reads and writes' : 'blocking writes to both tables';
          ctx.report({
            statement: stmt,
            at: con,
            message: `${name} is added to "${table}" without NOT VALID: every existing row is checked while the lock is held, ${lock}`,
          });
        } else if (cmd['subtype'] === 'AT_ValidateConstraint' && cmd['name']) {
          const key = `${table}\0${String(cmd['name'])}`;
          const t = txn[stmt.index] ?? null;
          if (notValid.has(key) && t !== null && notValid.get(key) === t) validated.push(String(cmd['name']));
        }
      }
      if (validated.length > 0) {
        ctx.report({
          statement: stmt,
          message: `constraint ${validated.map((n) => `"${n}"`).join(', ')} on "${table}" is validated in the same transaction that added it NOT VALID, so the ADD CONSTRAINT lock is held through the full scan`,
          help: 'run VALIDATE CONSTRAINT in a later transaction: a separate migration, or a migration with "-- transaction: none"',
        });
      }
    }
  },
};
