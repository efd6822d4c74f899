import { rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { isBuiltin, typedColumns, typeEdit } from './shared/column-types';

/** char(n) / character(n) columns (bpchar); the one-byte "char" type is a different type and is left alone. */
export const banCharField: Rule = {
  id: 'ban-char-field',
  defaultSeverity: 'warning',
  description: 'char(n) / character(n) column',
  rationale:
    'char(n) pads every value with spaces up to n characters, ignores those spaces in some comparisons but not others ' +
    '(LIKE, regular expressions and concatenation see them), and is never faster than text in PostgreSQL: it takes the ' +
    'same or more room. It mostly produces surprising bugs, such as a code that does not match itself once it went ' +
    'through the application. A text column, with a CHECK constraint if the length matters, stores exactly what was written.',
  help: 'use text, with CHECK (char_length(column) = n) if the length matters',
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    for (const col of typedColumns(ctx.statements)) {
      // char(n), character(n), character and bpchar all parse to bpchar; "char" (quoted) is the one-byte type "char".
      if (!isBuiltin(col.type, 'bpchar')) continue;
      const size = col.type.mods.length ? `char(${col.type.mods[0]})` : 'char';
      const edit = typeEdit(col, 'text');
      ctx.report({
        statement: col.statement,
        at: col.typeName,
        message: `column "${col.name}" of "${rangeVarName(col.relation)}" is ${size}: values are padded with spaces, text stores them as written`,
        fix: edit ? { title: 'Change the type to text', edits: [edit] } : undefined,
      });
    }
  },
};
