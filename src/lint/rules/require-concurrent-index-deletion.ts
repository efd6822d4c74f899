import { dropNames } from '../../sql/ast';
import type { Rule } from '../types';
import { keywordEnd } from './shared/keywords';

/** DROP INDEX without CONCURRENTLY. */
export const requireConcurrentIndexDeletion: Rule = {
  id: 'require-concurrent-index-deletion',
  defaultSeverity: 'warning',
  description: 'DROP INDEX without CONCURRENTLY',
  rationale:
    'A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index\'s table, the strongest lock there is: nothing can read ' +
    'or write the table while it is held. The drop itself is quick, but it first has to wait for every running query on the ' +
    'table to finish, and all new queries queue up behind it, so one slow report can stall the whole application. ' +
    'DROP INDEX CONCURRENTLY waits for those queries without blocking anyone; it cannot run inside a transaction.',
  help: 'use DROP INDEX CONCURRENTLY, one index per statement, and put "-- transaction: none" in the migration header',
  sections: ['up', 'script'],
  check(ctx) {
    const createdHere = new Set<string>();
    for (const stmt of ctx.statements) {
      if (!stmt.node) continue;
      if (stmt.kind === 'IndexStmt' && stmt.node['idxname']) {
        createdHere.add(String(stmt.node['idxname']));
        continue;
      }
      if (stmt.kind !== 'DropStmt' || stmt.node['removeType'] !== 'OBJECT_INDEX' || stmt.node['concurrent']) continue;
      const names = dropNames(stmt.node);
      // An index created earlier in the same file is not in use yet.
      if (names.length > 0 && names.every((n) => createdHere.has(n.split('.').pop()!))) continue;
      const cascade = stmt.node['behavior'] === 'DROP_CASCADE';
      const list = names.map((n) => `"${n}"`).join(', ');
      const at = keywordEnd(stmt.text, 'index', 2);
      // CONCURRENTLY allows one index and no CASCADE; only then is adding the keyword a complete fix.
      const outside = ctx.transactional ? ', in a migration with "-- transaction: none"' : ', outside any BEGIN ... COMMIT block';
      const fixable = names.length === 1 && !cascade && at !== -1;
      ctx.report({
        statement: stmt,
        message: `dropping index ${list} without CONCURRENTLY locks ${names.length > 1 ? 'their tables' : 'its table'} against reads and writes while it waits for running queries`,
        help: names.length > 1
          ? `drop each index in its own DROP INDEX CONCURRENTLY statement${outside}`
          : cascade
            ? `drop the dependent objects first, then DROP INDEX CONCURRENTLY (it does not allow CASCADE)${outside}`
            : ctx.transactional ? undefined : 'use DROP INDEX CONCURRENTLY, outside any BEGIN ... COMMIT block',
        fix: fixable ? {
          title: ctx.transactional ? 'Add CONCURRENTLY and "-- transaction: none" (CONCURRENTLY cannot run inside a transaction)' : 'Add CONCURRENTLY',
          edits: [{ statement: stmt, start: at, end: at, text: ' CONCURRENTLY' }],
          header: ctx.transactional ? '-- transaction: none' : undefined,
        } : undefined,
      });
    }
  },
};
