/**
 * node-pg-migrate's SQL migrations: <digits>_<name>.sql (node-pg-migrate writes a 13-digit millisecond timestamp,
 * or a UTC YYYYMMDDHHmmssSSS one, and names often hold dashes) split at "-- Up Migration" / "-- Down Migration",
 * the markers native files use. Its JavaScript and TypeScript migrations (.js/.cjs/.mjs/.ts) are code we cannot
 * run: they are reported by name, never skipped (skipping one would apply the migrations after it without it).
 */
import * as path from 'node:path';
import { MigrationError } from '../errors';
import { parseMarkedMigration, repeatableVersion, type MigrationFile, type MigrationIdentity } from '../migration-file';
import { badNameError, duplicateVersionProblems, entryNames, isSqlName, readMigrationDir, shownPath } from './read-dir';
import type { FormatOptions, FormatRead, FormatSurvey, MigrationFormat } from './types';

const FILE = /^(\d+)_(.+)\.sql$/;
const REPEATABLE_FILE = /^R_(.+)\.sql$/;
/** node-pg-migrate loads every file of its directory but dot files; these are the ones it runs as code. */
const SCRIPT_FILE = /^[^.].*\.(js|cjs|mjs|ts|cts|mts)$/i;
const PATTERN = '<timestamp>_<name>.sql with "-- Up Migration" and "-- Down Migration" sections (R_name.sql for a repeatable one)';
const EXAMPLE = '1717747750000_create-missions.sql';
const CONVERT_HINT = 'rewrite each one in node-pg-migrate\'s SQL format: a file with the same number and name ending in .sql, '
  + 'holding "-- Up Migration" and "-- Down Migration" sections ("node-pg-migrate create NAME --migration-file-language sql" writes one), '
  + 'then delete the script; keeping the number keeps its place in the history';

export function nodePgMigrateFileName(baseName: string): MigrationIdentity | null {
  const m = FILE.exec(baseName);
  if (m) return { version: m[1]!, name: m[2]! };
  const r = REPEATABLE_FILE.exec(baseName);
  return r ? { version: repeatableVersion(r[1]!), name: r[1]!, repeatable: true } : null;
}

/** True when the first `count` characters of `s` are digits. */
function allDigits(s: string, count: number): boolean {
  for (let i = 0; i < count; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True for a JavaScript or TypeScript migration file (not a type declaration). */
export function isScriptMigration(name: string): boolean {
  return SCRIPT_FILE.test(name) && !/\.d\.[cm]?ts$/i.test(name);
}

function parseNodePgMigrateFile(text: string, file: string, identity: MigrationIdentity): MigrationFile {
  return { ...parseMarkedMigration(text, file, identity), format: 'node-pg-migrate' };
}

/** Every script migration of the directory as one error naming each file. */
function scriptMigrationsError(scripts: readonly string[], dir: string, options: FormatOptions): MigrationError {
  const list = scripts.length > 6 ? `${scripts.slice(0, 6).join(', ')} and ${scripts.length - 6} more` : scripts.join(', ');
  return new MigrationError('E_UNSUPPORTED_FILE',
    `${scripts.length === 1 ? 'a JavaScript/TypeScript migration' : `${scripts.length} JavaScript/TypeScript migrations`} cannot be run (only node-pg-migrate's SQL migrations can): ${list}`,
    CONVERT_HINT, { file: shownPath(path.join(dir, scripts[0]!), options) });
}

export const nodePgMigrateFormat: MigrationFormat = {
  name: 'node-pg-migrate',
  detect(names) {
    // node-pg-migrate's timestamps: 13 digits (milliseconds) or 17 (YYYYMMDDHHmmssSSS); ours are 3 or 14 digits long.
    // One pass with string checks: every command looks at the directory, which may hold 10,000 files.
    let versioned = 0;
    let otherVersions = false;
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const digits = n.indexOf('_');
      if (digits <= 0) continue;
      if (!n.endsWith('.sql')) {
        if (isScriptMigration(n) && /^\d+_/.test(n)) return 3;
        continue;
      }
      if (n.length > digits + 5 && allDigits(n, digits)) {
        versioned++;
        if (digits !== 13 && digits !== 17) otherVersions = true;
      }
    }
    return versioned > 0 && !otherVersions ? 2 : 0;
  },
  survey(names, dir, options): FormatSurvey {
    const problems: MigrationError[] = [];
    const migrations: { version: string; name: string; file: string }[] = [];
    for (const n of [...names].sort()) {
      const file = shownPath(path.join(dir, n), options);
      const identity = isSqlName(n) ? nodePgMigrateFileName(n) : null;
      if (identity) migrations.push({ ...identity, file });
      if (isScriptMigration(n)) {
        problems.push(new MigrationError('E_UNSUPPORTED_FILE', `"${n}" is a ${/ts$/i.test(n) ? 'TypeScript' : 'JavaScript'} migration, which cannot be run (only node-pg-migrate's SQL migrations can)`,
          CONVERT_HINT.replace('each one', 'it'), { file }));
      } else if (isSqlName(n) && !nodePgMigrateFileName(n)) {
        problems.push(badNameError(n, file, 'node-pg-migrate', PATTERN, EXAMPLE));
      }
    }
    problems.push(...duplicateVersionProblems(migrations));
    return { problems, warnings: [] };
  },
  read(dir, options): FormatRead {
    const names = entryNames(dir);
    const scripts = names.filter(isScriptMigration).sort();
    if (scripts.length > 0) throw scriptMigrationsError(scripts, dir, options);
    const files = readMigrationDir(dir, options);
    const { problems } = nodePgMigrateFormat.survey!(names, dir, options);
    if (problems[0]) throw problems[0];
    const migrations = files.map((f) => parseNodePgMigrateFile(f.text, f.file, nodePgMigrateFileName(f.name)!));
    return { migrations, warnings: [] };
  },
  parseText(text, file, baseName) {
    const identity = nodePgMigrateFileName(baseName);
    return identity ? parseNodePgMigrateFile(text, file, identity) : null;
  },
};
