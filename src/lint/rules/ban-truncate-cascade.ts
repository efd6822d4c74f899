import { rangeVarName } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';

/** TRUNCATE ... CASCADE, in any section. */
export const banTruncateCascade: Rule = {
  id: 'ban-truncate-cascade',
  defaultSeverity: 'error',
  description: 'TRUNCATE ... CASCADE',
  rationale:
    'TRUNCATE ... CASCADE also empties every table that has a foreign key pointing at the truncated tables, and every ' +
    'table pointing at those, without naming them: one statement can wipe most of a database, including tables added by ' +
    'other people long after the migration was written. TRUNCATE also takes an ACCESS EXCLUSIVE lock on each of those ' +
    'tables, blocking all reads and writes on them.',
  help: 'name every table to empty in the TRUNCATE statement (without CASCADE it fails if one is missing), or DELETE the rows you mean',
  bodies: 'all',
  check(ctx) {
    for (const stmt of ctx.statements) {
      const node = stmt.node;
      if (stmt.kind !== 'TruncateStmt' || !node || node['behavior'] !== 'DROP_CASCADE') continue;
      const rels = ((node['relations'] as AstNode[] | undefined) ?? []).map((r) => r['RangeVar'] as AstNode).filter(Boolean);
      const list = rels.map((r) => `"${rangeVarName(r)}"`).join(', ');
      ctx.report({
        statement: stmt,
        at: rels[0] ?? null,
        message: `TRUNCATE ${list} CASCADE also empties every table that references ${rels.length > 1 ? 'them' : 'it'} through a foreign key, recursively`,
      });
    }
  },
};
