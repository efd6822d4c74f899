import { alterCommands, columnConstraints, rangeVarName, typeInfo } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule, RuleFix } from '../types';
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
          fix: required['contype'] === 'CONSTR_NOTNULL' && alterCommands(node).length === 1 ? nullableThenValidate(stmt, rel, col, required, ctx.transactional) : undefined,
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

/**
 * The safe sequence instead of ADD COLUMN ... NOT NULL: add it nullable, fill the existing rows, prove NOT NULL with a
 * CHECK added NOT VALID and validated (a scan that blocks no writes), then SET NOT NULL (instant once the validated
 * check exists, PostgreSQL 12+) and drop the check. The fill value is the author's to choose: it is marked. Each step
 * must commit on its own (in one transaction the ADD COLUMN's ACCESS EXCLUSIVE lock is held through the fill and the
 * scan), so a transactional migration becomes "-- transaction: none".
 */
function nullableThenValidate(stmt: ParsedStatement, rel: AstNode, col: AstNode, notNull: AstNode, transactional: boolean): RuleFix | undefined {
  const at = stmt.toOffset(Number(notNull['location'] ?? -1));
  const words = /^NOT\s+NULL/i.exec(stmt.text.slice(at));
  if (at <= 0 || !words) return undefined;
  const end = stmt.text.endsWith(';') ? stmt.text.length : -1;
  if (end === -1) return undefined;
  const table = rangeVarName(rel);
  const column = quoteIdent(String(col['colname']));
  const check = quoteIdent(`${String(rel['relname'])}_${String(col['colname'])}_not_null`.slice(0, 63));
  const tail = [
    '',
    '-- Fill the existing rows (in batches on a big table), then enforce NOT NULL without a long lock:',
    `UPDATE ${table} SET ${column} = NULL /* the value for existing rows */ WHERE ${column} IS NULL;`,
    `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;`,
    `ALTER TABLE ${table} VALIDATE CONSTRAINT ${check};`,
    `ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL;`,
    `ALTER TABLE ${table} DROP CONSTRAINT ${check};`,
  ].join('\n');
  // Remove "NOT NULL" and the blank before it.
  const from = /\s$/.test(stmt.text.slice(0, at)) ? at - 1 : at;
  return {
    title: transactional
      ? 'Add the column nullable, fill it, then validate NOT NULL, each step committed on its own ("-- transaction: none")'
      : 'Add the column nullable, fill it, then validate NOT NULL (CHECK NOT VALID, VALIDATE, SET NOT NULL)',
    header: transactional ? '-- transaction: none' : undefined,
    edits: [{ statement: stmt, start: from, end: at + words[0].length, text: '' }, { statement: stmt, start: end, end, text: tail }],
  };
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
