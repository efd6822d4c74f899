import { rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { isBuiltin, typedColumns, typeEdit } from './shared/column-types';

/** timestamp (without time zone) columns. */
export const preferTimestamptz: Rule = {
  id: 'prefer-timestamptz',
  defaultSeverity: 'warning',
  description: 'timestamp without time zone column',
  rationale:
    'A timestamp without time zone column stores a wall-clock reading with no indication of which time zone it was in. ' +
    'Values written by servers, sessions or drivers set to different time zones silently disagree, and comparing them with ' +
    'now() or with timestamptz values converts them using whatever time zone the current session has. timestamptz (timestamp ' +
    'with time zone) stores an absolute moment (kept in UTC, shown in the session time zone) and takes the same 8 bytes.',
  help: 'use timestamptz (timestamp with time zone)',
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    for (const col of typedColumns(ctx.statements)) {
      if (!isBuiltin(col.type, 'timestamp')) continue;
      const precision = col.type.mods.length ? `(${col.type.mods[0]})` : '';
      const edit = typeEdit(col, `timestamptz${precision}`);
      ctx.report({
        statement: col.statement,
        at: col.typeName,
        message: `column "${col.name}" of "${rangeVarName(col.relation)}" is timestamp without time zone; its values do not say which time zone they are in`,
        fix: edit ? { title: 'Change the type to timestamptz', edits: [edit] } : undefined,
      });
    }
  },
};
