import type { Rule } from '../types';

/** DROP DATABASE, in any section. */
export const banDropDatabase: Rule = {
  id: 'ban-drop-database',
  defaultSeverity: 'error',
  description: 'DROP DATABASE in a migration or script',
  rationale:
    'DROP DATABASE deletes a whole database, every table and every row in it, at once and for good; only a backup brings ' +
    'it back. A migration or script that runs against the wrong connection, or in production instead of a test ' +
    'environment, destroys everything. Creating and dropping databases is an administrative task, not part of a schema change.',
  help: 'drop databases by hand (or in test tooling), never from a migration',
  bodies: 'all',
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.kind !== 'DropdbStmt' || !stmt.node) continue;
      ctx.report({
        statement: stmt,
        message: `DROP DATABASE "${String(stmt.node['dbname'] ?? '')}" deletes the whole database and all its data`,
      });
    }
  },
};
