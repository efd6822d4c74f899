/** What a migration without a down lacks, in its format's words: the native section, Flyway's undo script, Sqitch's revert script. */
import * as path from 'node:path';
import type { MigrationFile } from '../migration-file';

export function missingDownAdvice(m: Pick<MigrationFile, 'file' | 'format' | 'version' | 'name'>): { why: string; fix: string } {
  if (m.format === 'flyway') {
    const undo = path.join(path.dirname(m.file), `U${m.version}__${m.name}.sql`);
    return { why: 'has no undo script', fix: `write the statements that undo it in ${undo} (or under "-- Down migration" at the end of ${m.file})` };
  }
  if (m.format === 'sqitch') {
    const parts = m.file.split(/[\\/]/);
    const at = parts.lastIndexOf('deploy');
    const revert = at === -1 ? `revert/${m.name}.sql` : [...parts.slice(0, at), 'revert', ...parts.slice(at + 1)].join(path.sep);
    return { why: 'has no revert script', fix: `write the statements that undo it in ${revert}` };
  }
  return { why: 'has no "-- Down migration" section', fix: `write the statements that undo it under "-- Down migration" in ${m.file}` };
}
