import { downSectionWords } from '../../core/formats/wording';
import type { Rule } from '../types';

/** A migration without a down section, or with one that holds no statements. */
export const missingDownMigration: Rule = {
  id: 'missing-down-migration',
  defaultSeverity: 'warning',
  description: 'migration without a down section that undoes it',
  rationale:
    'The down section is what runs when a migration is rolled back, for example after a bad deploy. Without one the ' +
    'migration cannot be rolled back at all: the rollback stops at this migration, and undoing it means writing the ' +
    'reverse SQL by hand, under pressure, against a live database. Writing it now, while the change is fresh, is cheap; ' +
    'if the change really cannot be undone (a data migration that throws information away), say so with a comment and ' +
    'suppress this rule for the file.',
  help: 'add a "-- Down migration" section with the statements that undo the up section (e.g. DROP TABLE for CREATE TABLE)',
  sections: ['up'],
  check(ctx) {
    if (!ctx.migration || ctx.section !== 'up') return;
    // A repeatable migration (a view, a function) is replaced, not rolled back: a rollback only forgets it.
    if (ctx.migration.repeatable) return;
    const first = ctx.statements[0];
    if (!first) return; // nothing to undo
    // Other formats keep the down elsewhere (golang-migrate: a .down.sql file; dbmate: "-- migrate:down"): say so in their words.
    const words = ctx.migration.format && ctx.migration.format !== 'native' ? downSectionWords(ctx.migration) : null;
    const help = words ? { help: `${words.fix} (e.g. DROP TABLE for CREATE TABLE)` } : {};
    if (ctx.migration.down === null) {
      ctx.report({ statement: first, message: `this migration ${words ? words.missing : 'has no "-- Down migration" section'}, so it cannot be rolled back`, ...help });
    } else if ((ctx.down ?? []).length === 0) {
      ctx.report({ statement: first, ...help, message: words ? `this migration ${words.empty}, so rolling it back changes nothing`
        : 'the "-- Down migration" section of this migration is empty, so rolling it back changes nothing' });
    }
  },
};
