import { alterCommands, columnConstraints, rangeVarName, typeInfo } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { alteredExistingTables } from './shared/new-tables';

const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

/** ADD COLUMN ... NOT NULL with nothing to fill the existing rows. */
export const addingRequiredField: Rule = {
  id: 'adding-required-field',
  defaultSeverity: 'error',
  description: 'ADD COLUMN ... NOT NULL without a DEFAULT',
  rationale:
    'A new column starts out empty (null) in every existing row unless it has a default. If it is also declared NOT NULL ' +
    '(or PRIMARY KEY, which implies it), PostgreSQL refuses the ALTER TABLE as soon as the table has a single row, so a ' +
    'migration that worked on an empty development database fails in production.',
  help: 'give the column a DEFAULT (a constant default is instant from PostgreSQL 11), or add it nullable, fill it, then make it NOT NULL',
  sections: ['up', 'down', 'script'],
  check(ctx) {
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] !== 'AT_AddColumn') continue;
        const col = cmd['def']?.['ColumnDef'] as AstNode | undefined;
        if (!col) continue;
        const cons = columnConstraints(col);
        const required = cons.find((c) => c['contype'] === 'CONSTR_NOTNULL' || c['contype'] === 'CONSTR_PRIMARY');
        if (!required) continue;
        const filled = cons.some((c) =>
          (c['contype'] === 'CONSTR_DEFAULT' && !isNullConst(c['raw_expr'] as AstNode | undefined)) ||
          c['contype'] === 'CONSTR_IDENTITY' || c['contype'] === 'CONSTR_GENERATED');
        const type = typeInfo(col['typeName'] as AstNode | undefined);
        if (filled || (type && SERIAL.has(type.name))) continue;
        const how = required['contype'] === 'CONSTR_PRIMARY' ? 'as PRIMARY KEY (so NOT NULL)' : 'NOT NULL';
        ctx.report({
          statement: stmt,
          at: required,
          message: `column "${String(col['colname'])}" is added to "${rangeVarName(rel)}" ${how} without a default: this fails if the table has any rows`,
        });
      }
    }
  },
};

function isNullConst(expr: AstNode | undefined): boolean {
  if (!expr) return true;
  if (expr['A_Const']) return !!expr['A_Const'].isnull;
  if (expr['TypeCast']) return isNullConst(expr['TypeCast'].arg as AstNode | undefined);
  return false;
}
