import { rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { boundedWithin } from './shared/check-bounds';
import { isBuiltin, typedColumns, typeEdit } from './shared/column-types';

/** smallint / int2 columns (smallserial is prefer-identity's). */
export const preferBigintOverSmallint: Rule = {
  id: 'prefer-bigint-over-smallint',
  defaultSeverity: 'warning',
  description: 'smallint (int2) column where bigint would be safer',
  rationale:
    'A smallint column holds values up to 32,767, a limit that ids, counters and amounts reach easily. Once it is hit every ' +
    'insert or update with a larger value fails, and changing the column to a wider type rewrites the whole table (and its ' +
    'indexes) while reads and writes are blocked. The space smallint saves is usually lost to alignment padding anyway.',
  help: 'use bigint',
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    for (const col of typedColumns(ctx.statements)) {
      if (!isBuiltin(col.type, 'int2')) continue;
      // A CHECK that bounds the value (a rating BETWEEN 1 AND 5, a percentage) keeps it far from overflow.
      if (boundedWithin(col, -32768, 32767)) continue;
      const edit = typeEdit(col, 'bigint');
      ctx.report({
        statement: col.statement,
        at: col.typeName,
        message: `column "${col.name}" of "${rangeVarName(col.relation)}" is smallint: it overflows at 32,767 and widening it later rewrites the table`,
        fix: edit ? { title: 'Change the type to bigint', edits: [edit] } : undefined,
      });
    }
  },
};
