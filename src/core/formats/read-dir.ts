import * as fs from 'node:fs';
import * as path from 'node:path';
import { duplicateVersionError, duplicateVersions, readSqlText, sqlEntriesIn } from '../discovery';
import { MigrationError } from '../errors';
import type { FormatOptions } from './types';

export interface SqlFileText {
  /** The entry's name in the directory. */
  name: string;
  /** The path shown in messages (relative to the display root). */
  file: string;
  text: string;
}

/** The path of `full` as messages show it: relative to the display root when there is one. */
export function shownPath(full: string, options: FormatOptions): string {
  return options.displayRoot ? path.relative(options.displayRoot, full) || full : full;
}

/**
 * Every *.sql file of a migrations directory read as strict UTF-8 (what discovery.ts refuses is refused here
 * too), optionally only the names `keep` accepts. A missing directory reads as empty.
 */
export function readMigrationDir(dir: string, options: FormatOptions, keep: (name: string) => boolean = () => true): SqlFileText[] {
  if (!fs.existsSync(dir)) return [];
  const shown = (p: string) => shownPath(p, options);
  const out: SqlFileText[] = [];
  for (const e of sqlEntriesIn(dir, shown, 'migration')) {
    if (!keep(e.name)) continue;
    if (e.problem) throw e.problem;
    const full = path.join(dir, e.name);
    const file = shown(full);
    out.push({ name: e.name, file, text: readSqlText(full, file) });
  }
  return out;
}

/** The names of a directory's entries, [] when it cannot be listed (read() then says why, through readMigrationDir). */
export function entryNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** True for a name that readMigrationDir reads (*.sql, any letter case). */
export function isSqlName(name: string): boolean {
  return name.toLowerCase().endsWith('.sql');
}

/** "x is not a <format> migration file name", as native refuses a bad name: the expected pattern and an example in the hint. */
export function badNameError(baseName: string, file: string, format: string, pattern: string, example: string): MigrationError {
  return new MigrationError('E_BAD_FILENAME', `"${baseName}" is not a ${format} migration file name`,
    `name ${format} migration files ${pattern} (for example ${example}), or move other files out of the migrations directory ` +
    '(if the directory holds another tool\'s migrations, set "format" in database-migration.config.json)', { file });
}

/**
 * For survey(): every two migrations that share a version (what readMigrationSet refuses), as one error at each
 * of the two files (the one readMigrationSet would throw first), so --lint marks both.
 */
export function duplicateVersionProblems(named: { version: string; name: string; file: string }[]): MigrationError[] {
  const out: MigrationError[] = [];
  for (const [first, second] of duplicateVersions(named)) {
    const err = duplicateVersionError(first, second);
    out.push(err, new MigrationError(err.code, err.message, err.hint, { file: first.file }));
  }
  return out;
}
