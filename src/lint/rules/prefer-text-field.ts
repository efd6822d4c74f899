import { findAll, typeInfo } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';

/** varchar(n) columns: text with a CHECK is as fast and changing the limit later takes no rewrite. */
export const preferTextField: Rule = {
  id: 'prefer-text-field',
  defaultSeverity: 'warning',
  description: 'varchar(n) column where text would do',
  rationale:
    'In PostgreSQL varchar(n) is stored exactly like text; the length limit is the only difference. Raising that limit later ' +
    'is an ALTER COLUMN ... TYPE that takes an ACCESS EXCLUSIVE lock (and on old versions rewrites the table), blocking reads ' +
    'and writes. A text column with a CHECK (char_length(col) <= n) constraint gives the same guarantee and the constraint can ' +
    'be replaced without a rewrite (add the new one NOT VALID, validate it, drop the old one).',
  help: 'use text, with CHECK (char_length(column) <= n) if the limit matters',
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (!stmt.node || (stmt.kind !== 'CreateStmt' && stmt.kind !== 'AlterTableStmt')) continue;
      for (const col of findAll(stmt.node, 'ColumnDef')) {
        const type = typeInfo(col['typeName'] as AstNode);
        if (!type || type.name !== 'varchar' || type.mods.length === 0 || type.location === undefined) continue;
        const start = stmt.toOffset(type.location);
        const end = typeEnd(stmt.text, start);
        ctx.report({
          statement: stmt,
          at: col['typeName'] as AstNode,
          message: `column "${String(col['colname'])}" is varchar(${type.mods[0]}); raising the limit later locks the table`,
          fix: end > start ? { title: 'Change the type to text', edits: [{ statement: stmt, start, end, text: type.isArray ? 'text[]' : 'text' }] } : undefined,
        });
      }
    }
  },
};

/** End of a type spelled at `start`: the name words, then a parenthesised modifier list and array brackets. */
function typeEnd(text: string, start: number): number {
  let i = start;
  const word = /[A-Za-z_]/;
  // character varying / varchar
  while (i < text.length && (word.test(text[i]!) || (text[i] === ' ' && word.test(text[i + 1] ?? '') && /varying/i.test(text.slice(i + 1, i + 8))))) i++;
  let j = i;
  while (j < text.length && /\s/.test(text[j]!)) j++;
  if (text[j] === '(') {
    const close = text.indexOf(')', j);
    if (close === -1) return i;
    i = close + 1;
  }
  while (text.slice(i, i + 2) === '[]') i += 2;
  return i;
}
