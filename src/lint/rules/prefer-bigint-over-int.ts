import { rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { boundedWithin } from './shared/check-bounds';
import { isBuiltin, typedColumns, typeEdit } from './shared/column-types';

/** int / integer / int4 columns (serial columns are prefer-identity's). */
export const preferBigintOverInt: Rule = {
  id: 'prefer-bigint-over-int',
  defaultSeverity: 'warning',
  description: 'integer (int4) column where bigint would be safer',
  rationale:
    'An integer column holds values up to about 2.1 billion. Ids and counters reach that sooner than expected, and then ' +
    'every insert fails until the column is changed to bigint, which rewrites the whole table (and its indexes) while ' +
    'reads and writes are blocked, at the worst possible moment. bigint costs 4 more bytes per row (often nothing, ' +
    'because of alignment padding) and goes up to 9.2 quintillion.',
  help: 'use bigint',
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    for (const col of typedColumns(ctx.statements)) {
      if (!isBuiltin(col.type, 'int4')) continue;
      // A CHECK that bounds the value (a rating BETWEEN 1 AND 5, a percentage) keeps it far from overflow.
      if (boundedWithin(col, -2147483648, 2147483647)) continue;
      const edit = typeEdit(col, 'bigint');
      ctx.report({
        statement: col.statement,
        at: col.typeName,
        message: `column "${col.name}" of "${rangeVarName(col.relation)}" is integer: it overflows at 2,147,483,647 and widening it later rewrites the table`,
        fix: edit ? { title: 'Change the type to bigint', edits: [edit] } : undefined,
      });
    }
  },
};
