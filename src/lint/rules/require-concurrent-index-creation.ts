import { rangeVarName } from '../../sql/ast';
import type { Rule } from '../types';
import { keywordEnd } from './shared/keywords';
import { newTables } from './shared/new-tables';

/** CREATE INDEX without CONCURRENTLY on a table that already exists. */
export const requireConcurrentIndexCreation: Rule = {
  id: 'require-concurrent-index-creation',
  defaultSeverity: 'error',
  description: 'CREATE INDEX without CONCURRENTLY on an existing table',
  rationale:
    'A plain CREATE INDEX takes a SHARE lock on the table for the whole time it reads every row and builds the index. ' +
    'Reads keep working, but every INSERT, UPDATE and DELETE on the table waits until the build is done, which on a large ' +
    'table can be minutes of failed or hanging requests. CREATE INDEX CONCURRENTLY builds the index while writes go on; ' +
    'it takes longer and cannot run inside a transaction, so the migration must say "-- transaction: none".',
  help: 'use CREATE INDEX CONCURRENTLY and put "-- transaction: none" in the migration header (it cannot run inside a transaction)',
  sections: ['up', 'down', 'script'],
  check(ctx) {
    const fresh = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      if (stmt.kind !== 'IndexStmt' || !stmt.node || stmt.node['concurrent']) continue;
      const rel = stmt.node['relation'];
      if (!rel || fresh.isNew(rel, stmt.index)) continue;
      // CREATE INDEX ON ONLY parent: the partitioned-table pattern; it reads no rows and CONCURRENTLY is not allowed.
      if (!rel['inh']) continue;
      const table = rangeVarName(rel);
      const index = stmt.node['idxname'] ? `index "${String(stmt.node['idxname'])}"` : 'an index';
      const at = keywordEnd(stmt.text, 'index', 3);
      ctx.report({
        statement: stmt,
        message: `${index} is built on "${table}" without CONCURRENTLY; writes to "${table}" are blocked until the build finishes`,
        help: ctx.transactional ? undefined : 'use CREATE INDEX CONCURRENTLY, outside any BEGIN ... COMMIT block',
        fix: at === -1 ? undefined : {
          title: ctx.transactional ? 'Add CONCURRENTLY and "-- transaction: none" (CONCURRENTLY cannot run inside a transaction)' : 'Add CONCURRENTLY',
          edits: [{ statement: stmt, start: at, end: at, text: ' CONCURRENTLY' }],
          header: ctx.transactional ? '-- transaction: none' : undefined,
        },
      });
    }
  },
};
