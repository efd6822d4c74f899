import { alterCommands, columnConstraints, rangeVarName } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { alteredExistingTables } from './shared/new-tables';

/** UNIQUE constraints that build their index inside ALTER TABLE. */
export const disallowedUniqueConstraint: Rule = {
  id: 'disallowed-unique-constraint',
  defaultSeverity: 'error',
  description: 'UNIQUE constraint added to an existing table without USING INDEX',
  rationale:
    'ADD CONSTRAINT ... UNIQUE builds a unique index by reading the whole table, and does it while ALTER TABLE holds an ' +
    'ACCESS EXCLUSIVE lock, so no query can read or write the table until the index is complete. Building the index first ' +
    'with CREATE UNIQUE INDEX CONCURRENTLY lets reads and writes go on; ADD CONSTRAINT ... UNIQUE USING INDEX then turns ' +
    'the finished index into the constraint in a moment.',
  help: 'CREATE UNIQUE INDEX CONCURRENTLY idx ON table (cols), then ALTER TABLE table ADD CONSTRAINT name UNIQUE USING INDEX idx',
  sections: ['up', 'down', 'script'],
  check(ctx) {
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const table = rangeVarName(rel);
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] === 'AT_AddConstraint') {
          const con = cmd['def']?.['Constraint'] as AstNode | undefined;
          if (!con || con['contype'] !== 'CONSTR_UNIQUE' || con['indexname']) continue;
          const name = con['conname'] ? `unique constraint "${String(con['conname'])}"` : 'a unique constraint';
          ctx.report({
            statement: stmt,
            at: con,
            message: `${name} is added to "${table}" without USING INDEX: its index is built while reads and writes are blocked`,
          });
        } else if (cmd['subtype'] === 'AT_AddColumn') {
          const col = cmd['def']?.['ColumnDef'] as AstNode | undefined;
          const unique = col ? columnConstraints(col).find((c) => c['contype'] === 'CONSTR_UNIQUE') : undefined;
          if (!col || !unique) continue;
          ctx.report({
            statement: stmt,
            at: unique,
            message: `column "${String(col['colname'])}" is added to "${table}" as UNIQUE: its index is built while reads and writes are blocked`,
            help: 'add the column without UNIQUE, CREATE UNIQUE INDEX CONCURRENTLY on it, then ADD CONSTRAINT ... UNIQUE USING INDEX',
          });
        }
      }
    }
  },
};
