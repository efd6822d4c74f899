import { displayName, objectsLeftBehind, type TrackedObject } from '../../sql/objects';
import type { ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';

/** Objects created in the up section that the down section leaves in place. */
export const downDoesNotReverseUp: Rule = {
  id: 'down-does-not-reverse-up',
  defaultSeverity: 'warning',
  description: 'object created in the up section that the down section does not drop',
  rationale:
    'Rolling a migration back should leave the database as it was before the migration ran. When the up section creates ' +
    'a table, index, view, type, function, trigger, column or constraint and the down section does not remove it, a ' +
    'rollback leaves it behind: running the migration again then fails with "already exists", and the leftover object ' +
    'keeps costing writes (an index) or keeps enforcing rules nobody expects any more (a constraint or trigger). A ' +
    'dropped table takes its indexes, columns, constraints and triggers with it, and DROP ... CASCADE takes what depends on it.',
  help: 'add the matching DROP (or ALTER TABLE ... DROP COLUMN / DROP CONSTRAINT) to the down section',
  sections: ['up'],
  check(ctx) {
    if (!ctx.migration || ctx.section !== 'up' || !ctx.down) return;
    const down = ctx.down;
    // No down section statements: missing-down-migration says so. A down section we cannot read fully
    // (a DO block, a syntax error) may drop things we cannot see: stay quiet rather than guess.
    if (down.length === 0 || down.some((s) => !s.node || s.kind === 'DoStmt')) return;
    for (const obj of objectsLeftBehind<ParsedStatement>(ctx.statements, down)) {
      // "IF NOT EXISTS" on a schema or extension says it may be shared with other migrations: leaving it is a choice.
      if (obj.ifNotExists && (obj.kind === 'extension' || obj.kind === 'schema')) continue;
      ctx.report({ statement: obj.statement, at: obj.location, message: `${describe(obj)} in up is not dropped in down` });
    }
  },
};

function describe(o: TrackedObject): string {
  const table = o.table ? displayName(o.table) : '';
  switch (o.kind) {
    case 'column': return `column "${o.name}" added to "${table}"`;
    case 'constraint': return o.givenName === null
      ? `the unnamed constraint on "${table}" (PostgreSQL names it "${o.name}") added`
      : `constraint "${o.name}" added to "${table}"`;
    case 'index': return o.givenName === null
      ? `the unnamed index on "${table}" (PostgreSQL names it "${o.name}") created`
      : `index "${o.name}" on "${table}" created`;
    case 'trigger':
    case 'policy': return `${o.kind} "${o.name}" on "${table}" created`;
    default: return `${o.kind} "${displayName(o)}" created`;
  }
}
