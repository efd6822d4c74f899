import type { Rule } from '../types';

/** Statements the PostgreSQL parser (or the PL/pgSQL parser) rejects. */
export const syntaxError: Rule = {
  id: 'syntax-error',
  defaultSeverity: 'error',
  description: 'SQL that PostgreSQL cannot parse',
  rationale:
    'The statement is checked with the PostgreSQL parser itself (and PL/pgSQL bodies with the PL/pgSQL parser). ' +
    'If it does not parse here, the server will reject it too and the migration will fail at that point; ' +
    'every other statement in the file is still checked.',
  help: 'correct the SQL near the marked position',
  bodies: 'all',
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (!stmt.error) continue;
      // The parser reports a byte offset; the statement already mapped it to a character offset.
      ctx.report({ statement: stmt, at: offsetAsByte(stmt.text, stmt.error.offset), message: stmt.error.message });
    }
  },
};

/** Reports take byte locations (as parse-tree nodes do); convert the character offset back. */
function offsetAsByte(text: string, charOffset: number): number {
  return Buffer.byteLength(text.slice(0, charOffset), 'utf8');
}
