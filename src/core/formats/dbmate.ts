/**
 * dbmate: one file per migration, VERSION_name.sql (dbmate writes a UTC timestamp, 20240607080910), split at
 * "-- migrate:up" and "-- migrate:down". A marker may carry dbmate's option "transaction:false" (run outside a
 * transaction); our "-- transaction: none", "-- depends:" and "-- environments:" work in the comments above
 * "-- migrate:up". `dbmate new x.sql` writes "..._x.sql.sql": such a file is read, with a warning.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationError } from '../errors';
import { checksumSql, firstCodeOffset, readLeadingDirectives, repeatableVersion, textLines, type MigrationFile, type MigrationIdentity } from '../migration-file';
import { badNameError, duplicateVersionProblems, entryNames, isSqlName, readMigrationDir, shownPath } from './read-dir';
import type { FormatRead, FormatSurvey, FormatWarning, MigrationFormat } from './types';

const FILE = /^(\d+)_(.+?)(\.sql)?\.sql$/;
const REPEATABLE_FILE = /^R_(.+?)(\.sql)?\.sql$/;
const MARKER = /^--\s*migrate:(up|down)(?=\s|$)(.*)$/;
const PATTERN = 'VERSION_name.sql with a "-- migrate:up" section (dbmate new writes the version as a timestamp; R_name.sql for a repeatable one)';
const EXAMPLE = '20240607080910_create_missions.sql';

/** The version and name a dbmate file name gives, and whether it ends in ".sql.sql"; null when it is not one. */
export function dbmateFileName(baseName: string): (MigrationIdentity & { doubled: boolean }) | null {
  const m = FILE.exec(baseName);
  if (m) return { version: m[1]!, name: m[2]!, doubled: m[3] !== undefined };
  const r = REPEATABLE_FILE.exec(baseName);
  if (r) return { version: repeatableVersion(r[1]!), name: r[1]!, repeatable: true, doubled: r[2] !== undefined };
  return null;
}

/** The options after a marker ("transaction:false"): whether the section may run in a transaction. */
function markerOptions(rest: string, kind: string, file: string, line: number): boolean {
  let transactional = true;
  for (const option of rest.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([a-z_]+):(.*)$/i.exec(option);
    if (m && m[1]!.toLowerCase() === 'transaction' && /^(true|false)$/i.test(m[2]!)) {
      transactional = m[2]!.toLowerCase() === 'true';
      continue;
    }
    throw new MigrationError('E_BAD_DIRECTIVE', `"${option}" on the "-- migrate:${kind}" line is not a dbmate option`,
      `write "-- migrate:${kind} transaction:false" to run this section outside a transaction, or remove "${option}"`, { file, line });
  }
  return transactional;
}

interface DbmateMarkers {
  up: number;
  down: number;
  upTransactional: boolean;
  downTransactional: boolean;
}

function findMarkers(lines: readonly string[], file: string): DbmateMarkers {
  const found: DbmateMarkers = { up: -1, down: -1, upTransactional: true, downTransactional: true };
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes('migrate:')) continue;
    const m = MARKER.exec(lines[i]!.trim());
    if (!m) continue;
    const kind = m[1] as 'up' | 'down';
    if (found[kind] !== -1) {
      throw new MigrationError('E_DUPLICATE_MARKER', `second "-- migrate:${kind}" marker (the first is on line ${found[kind] + 1})`,
        `keep one "-- migrate:${kind}" marker; put every ${kind} statement below it`, { file, line: i + 1 });
    }
    if (kind === 'up' && found.down !== -1) {
      throw new MigrationError('E_MARKER_ORDER', `"-- migrate:up" comes after "-- migrate:down" (line ${found.down + 1})`,
        'put the "-- migrate:up" section first and the "-- migrate:down" section after it', { file, line: i + 1 });
    }
    found[kind] = i;
    const transactional = markerOptions(m[2]!, kind, file, i + 1);
    if (kind === 'up') found.upTransactional = transactional;
    else found.downTransactional = transactional;
  }
  return found;
}

/** One dbmate migration file. "transaction:false" on either marker runs both directions outside a transaction. */
export function parseDbmateMigration(text: string, file: string, identity: MigrationIdentity): MigrationFile {
  const lines = textLines(text);
  const markers = findMarkers(lines, file);
  const headerEnd = markers.up === -1 ? lines.length : markers.up;
  const header = lines.slice(0, headerEnd).join('\n');
  const codeAt = firstCodeOffset(header);
  if (codeAt !== -1 || markers.up === -1) {
    throw new MigrationError('E_MISSING_UP_MARKER',
      markers.up === -1 ? 'no "-- migrate:up" marker found' : 'SQL appears before the "-- migrate:up" marker (dbmate runs only the sections)',
      'add a line "-- migrate:up" above the statements that apply this migration (and "-- migrate:down" above the ones that undo it)',
      { file, line: codeAt === -1 ? 1 : header.slice(0, codeAt).split('\n').length });
  }
  const directives = readLeadingDirectives(lines, file, 0, markers.up);
  const up = lines.slice(markers.up + 1, markers.down === -1 ? lines.length : markers.down).join('\n');
  const down = markers.down === -1 ? null : lines.slice(markers.down + 1).join('\n');
  return {
    version: identity.version,
    name: identity.name,
    file,
    up,
    down,
    upLine: markers.up + 2,
    downLine: markers.down === -1 ? null : markers.down + 2,
    depends: directives.depends,
    transactional: directives.transactional && markers.upTransactional && markers.downTransactional,
    environments: directives.environments,
    checksum: checksumSql(up),
    format: 'dbmate',
    ...(identity.repeatable ? { repeatable: true } : {}),
  };
}

/** True when the first 4 KiB of the file hold a "-- migrate:up" line. */
function opensWithDbmateMarker(full: string): boolean {
  let fd: number | null = null;
  try {
    fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return false;
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return /^\s*--\s*migrate:up(?=\s|$)/m.test(buf.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export const dbmateFormat: MigrationFormat = {
  name: 'dbmate',
  detect(names, dir) {
    // The first lines of the first few files say it: "-- migrate:up" is dbmate's alone. One pass, no sort (a
    // native directory of 10,000 files is looked at by every command).
    const first: string[] = [];
    let doubled = false;
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (!((c >= 48 && c <= 57) || (c === 82 && n.charCodeAt(1) === 95)) || !n.endsWith('.sql')) continue;
      if (n.endsWith('.sql.sql')) doubled = true;
      if (first.length < 3) first.push(n);
      else if (n < first[2]!) first[2] = n;
      else continue;
      first.sort();
    }
    const candidates = first.filter((n) => dbmateFileName(n) !== null);
    if (candidates.some((n) => opensWithDbmateMarker(path.join(dir, n)))) return 3;
    return doubled && names.some((n) => dbmateFileName(n)?.doubled) ? 2 : 0;
  },
  survey(names, dir, options): FormatSurvey {
    const problems: MigrationError[] = [];
    const warnings: FormatWarning[] = [];
    const migrations: { version: string; name: string; file: string }[] = [];
    for (const n of [...names].filter(isSqlName).sort()) {
      const file = shownPath(path.join(dir, n), options);
      const parsed = dbmateFileName(n);
      if (parsed) migrations.push({ version: parsed.version, name: parsed.name, file });
      if (!parsed) problems.push(badNameError(n, file, 'dbmate', PATTERN, EXAMPLE));
      else if (parsed.doubled) {
        const fixed = n.slice(0, -'.sql'.length);
        warnings.push({ file, message: `"${n}" ends in ".sql.sql" (read as ${fixed})`,
          hint: `rename it to ${fixed} ("dbmate new" adds ".sql" itself); the version stays ${parsed.version}, so the history still matches` });
      }
    }
    problems.push(...duplicateVersionProblems(migrations));
    return { problems, warnings };
  },
  read(dir, options): FormatRead {
    const files = readMigrationDir(dir, options);
    const { problems, warnings } = dbmateFormat.survey!(entryNames(dir), dir, options);
    if (problems[0]) throw problems[0];
    const migrations = files.map((f) => parseDbmateMigration(f.text, f.file, dbmateFileName(f.name)!));
    return { migrations, warnings };
  },
  parseText(text, file, baseName) {
    const identity = dbmateFileName(baseName);
    return identity ? parseDbmateMigration(text, file, identity) : null;
  },
};
