import { columnConstraints, rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { isBuiltin, typedColumns, typeEdit } from './shared/column-types';

const SERIAL = ['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'];
/** Constraints that cannot go with an identity column: the fix would not parse or not run. */
const CLASHES = new Set(['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED', 'CONSTR_NULL']);

/** serial / bigserial / smallserial columns. */
export const preferIdentity: Rule = {
  id: 'prefer-identity',
  defaultSeverity: 'warning',
  description: 'serial column where an identity column would do',
  rationale:
    'serial is not a real type: it creates a separate sequence and sets the column default to nextval() of it. The sequence ' +
    'has its own owner and permissions (granting INSERT on the table is not enough), is easy to lose track of when copying ' +
    'or altering the table, and nothing stops code from inserting its own ids and later colliding with the sequence. An ' +
    'identity column (GENERATED ALWAYS AS IDENTITY, SQL standard, PostgreSQL 10+) ties the sequence to the column, and ' +
    'ALWAYS rejects hand-written ids unless the INSERT says OVERRIDING SYSTEM VALUE.',
  help: 'use bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT if code must insert explicit ids)',
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    if (ctx.postgresVersion < 10) return; // identity columns arrived in PostgreSQL 10
    for (const col of typedColumns(ctx.statements)) {
      if (col.alterType || !isBuiltin(col.type, ...SERIAL)) continue;
      const clash = columnConstraints(col.column).some((c) => CLASHES.has(String(c['contype'])));
      const edit = clash ? undefined : typeEdit(col, 'bigint GENERATED ALWAYS AS IDENTITY');
      ctx.report({
        statement: col.statement,
        at: col.typeName,
        message: `column "${col.name}" of "${rangeVarName(col.relation)}" is ${col.type.name}: use an identity column instead of a separately managed sequence`,
        fix: edit ? { title: 'Use bigint GENERATED ALWAYS AS IDENTITY (explicit ids then need OVERRIDING SYSTEM VALUE)', edits: [edit] } : undefined,
      });
    }
  },
};
