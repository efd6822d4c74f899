/**
 * How messages name the parts of a migration in its own format: a golang-migrate down is a .down.sql file, a
 * dbmate one is a "-- migrate:down" section. Pure (no I/O), so the planner can use it.
 */
import type { MigrationFile } from '../migration-file';

type Described = Pick<MigrationFile, 'file' | 'format' | 'down'> & Partial<Pick<MigrationFile, 'version' | 'name' | 'downFile'>>;

/** Where a Sqitch change's revert script is: the deploy script's path with deploy/ turned into revert/. */
function sqitchRevertPath(deployFile: string): string {
  const parts = deployFile.split(/([\\/])/);
  const at = parts.lastIndexOf('deploy');
  if (at === -1) return deployFile;
  parts[at] = 'revert';
  return parts.join('');
}

/** The down "section" of a migration as its format calls it, and where one is written. */
export function downSectionWords(m: Described): { missing: string; empty: string; fix: string } {
  switch (m.format) {
    case 'golang-migrate': {
      const downFile = m.file.replace(/\.up\.sql$/, '.down.sql');
      return { missing: 'has no .down.sql file', empty: 'has an empty .down.sql file', fix: `write the statements that undo it in ${downFile}` };
    }
    case 'dbmate':
      return { missing: 'has no "-- migrate:down" section', empty: 'has an empty "-- migrate:down" section',
        fix: `write the statements that undo it under "-- migrate:down" in ${m.file}` };
    case 'flyway': {
      // The undo script next to the versioned one (Flyway's U<version>__<description>.sql), or our marker in the script.
      const slash = Math.max(m.file.lastIndexOf('/'), m.file.lastIndexOf('\\'));
      const undo = m.downFile ?? `${m.file.slice(0, slash + 1)}U${m.version ?? '<version>'}__${m.name ?? '<description>'}.sql`;
      if (m.down !== null && !m.downFile) {
        return { missing: 'has no undo script', empty: 'has an empty "-- Down migration" section',
          fix: `write the statements that undo it under "-- Down migration" in ${m.file}` };
      }
      return { missing: 'has no undo script', empty: 'has an empty undo script',
        fix: `write the statements that undo it in ${undo} (or under "-- Down migration" at the end of ${m.file})` };
    }
    case 'sqitch': {
      const revert = m.downFile ?? sqitchRevertPath(m.file);
      return { missing: 'has no revert script', empty: 'has an empty revert script', fix: `write the statements that undo it in ${revert}` };
    }
    default:
      return { missing: 'has no "-- Down migration" section', empty: 'has an empty "-- Down migration" section',
        fix: `write the statements that undo it under "-- Down migration" in ${m.file}` };
  }
}

/** How to mark a migration of this format to run outside a transaction. */
export function transactionNoneFix(m: Pick<MigrationFile, 'format'> | null): string {
  switch (m?.format) {
    case 'golang-migrate':
      return 'add the line "-- transaction: none" at the top of the .up.sql file (what x-multi-statement did in golang-migrate: the statements then run one by one)';
    case 'dbmate':
      return 'write "-- migrate:up transaction:false" (dbmate\'s option; the migration then runs statement by statement)';
    case 'flyway':
      return 'put "executeInTransaction=false" in a script config file next to the script (<script>.sql.conf, as in Flyway), or add the line "-- transaction: none" at the top of the script (the migration then runs statement by statement)';
    case 'sqitch':
      return 'take the BEGIN; ... COMMIT; wrapper off the deploy and revert scripts (Sqitch then runs them without a transaction, and so do we), or add the line "-- transaction: none" at the top of the deploy script';
    case undefined:
    case 'native':
    case 'node-pg-migrate':
      return 'add the line "-- transaction: none" above "-- Up migration" (the migration then runs statement by statement)';
    default:
      return 'add the line "-- transaction: none" at the top of the file (the migration then runs statement by statement)';
  }
}
