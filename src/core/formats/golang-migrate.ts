/**
 * golang-migrate: a migration is a pair of files, NNN_name.up.sql and NNN_name.down.sql (R_name.up.sql for a
 * repeatable one). The version is the digits before the first "_"; an .up.sql without its .down.sql is an
 * irreversible migration, a .down.sql without its .up.sql is an error.
 *
 * Transactions: golang-migrate's postgres driver sends a whole file as one query string, which PostgreSQL runs as
 * one implicit transaction, so a file is atomic; we run it in a transaction too. With `x-multi-statement=true` in
 * the database URL the driver instead cuts every file at ";" and runs the pieces one by one, outside any
 * transaction block: that is how teams ran several CREATE INDEX CONCURRENTLY in one file. We do not read that URL
 * parameter (it switches every file of the database at once, and only the files holding such statements need it):
 * those files carry our "-- transaction: none" in their leading comments and then run statement by statement
 * (split by the PostgreSQL parser, not at every ";", so a ";" inside a string or a function body is safe). A file
 * that needs it and lacks it is refused by the plan before anything runs, naming the statement and this fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSqlText } from '../discovery';
import { MigrationError } from '../errors';
import { checksumSql, readLeadingDirectives, repeatableVersion, textLines, type MigrationFile } from '../migration-file';
import { badNameError, duplicateVersionProblems, entryNames, isSqlName, readMigrationDir, shownPath, type SqlFileText } from './read-dir';
import type { FormatOptions, FormatRead, FormatSurvey, MigrationFormat } from './types';

const PAIR_FILE = /^(\d+)_(.+)\.(up|down)\.sql$/;
const REPEATABLE_PAIR_FILE = /^R_(.+)\.(up|down)\.sql$/;
const PATTERN = 'NNN_name.up.sql, with NNN_name.down.sql beside it to roll it back (R_name.up.sql for a repeatable one)';
const EXAMPLE = '001_create_missions.up.sql';

/** What a golang-migrate file name says. `key` is the name without ".up.sql" / ".down.sql": the two files of a pair share it. */
interface PairName {
  version: string;
  name: string;
  direction: 'up' | 'down';
  repeatable: boolean;
  key: string;
}

export function golangMigrateFileName(baseName: string): PairName | null {
  const m = PAIR_FILE.exec(baseName);
  if (m) return { version: m[1]!, name: m[2]!, direction: m[3] as 'up' | 'down', repeatable: false, key: `${m[1]}_${m[2]}` };
  const r = REPEATABLE_PAIR_FILE.exec(baseName);
  if (r) return { version: repeatableVersion(r[1]!), name: r[1]!, direction: r[2] as 'up' | 'down', repeatable: true, key: `R_${r[1]}` };
  return null;
}

function partnerName(p: PairName, direction: 'up' | 'down'): string {
  return `${p.key}.${direction}.sql`;
}

/** A .down.sql's SQL and whether it may run in a transaction; directives that only an up file can hold are refused. */
function downSection(text: string, file: string): { sql: string; transactional: boolean } {
  const lines = textLines(text);
  const header = readLeadingDirectives(lines, file);
  if (header.depends.length > 0 || header.environments) {
    const directive = header.depends.length > 0 ? 'depends' : 'environments';
    throw new MigrationError('E_BAD_DIRECTIVE', `"-- ${directive}:" in a .down.sql file has no effect`,
      `move the line to the matching .up.sql file: it applies to the whole migration`, { file, line: directiveLine(lines, directive) });
  }
  return { sql: lines.join('\n'), transactional: header.transactional };
}

function directiveLine(lines: readonly string[], directive: string): number {
  const at = lines.findIndex((l) => new RegExp(`^\\s*--\\s*${directive}\\s*:`, 'i').test(l));
  return at === -1 ? 1 : at + 1;
}

/**
 * One migration from its up file and (when there is one) its down file. "-- transaction: none" in either file
 * runs both directions outside a transaction (a migration has one setting; the safe union is "none").
 */
function pairMigration(p: PairName, up: Pick<SqlFileText, 'file' | 'text'>, down: Pick<SqlFileText, 'file' | 'text'> | null): MigrationFile {
  const upLines = textLines(up.text);
  const header = readLeadingDirectives(upLines, up.file);
  const upSql = upLines.join('\n');
  const downPart = down ? downSection(down.text, down.file) : null;
  return {
    version: p.version,
    name: p.name,
    file: up.file,
    up: upSql,
    down: downPart ? downPart.sql : null,
    upLine: 1,
    downLine: downPart ? 1 : null,
    depends: header.depends,
    transactional: header.transactional && (downPart?.transactional ?? true),
    environments: header.environments,
    checksum: checksumSql(upSql),
    format: 'golang-migrate',
    ...(p.repeatable ? { repeatable: true } : {}),
    ...(down ? { downFile: down.file } : {}),
  };
}

export const golangMigrateFormat: MigrationFormat = {
  name: 'golang-migrate',
  detect(names) {
    // Nothing else names files "*.up.sql" / "*.down.sql": one such file says golang-migrate.
    return names.some((n) => (n.endsWith('.up.sql') || n.endsWith('.down.sql')) && golangMigrateFileName(n) !== null) ? 3 : 0;
  },
  survey(names, dir, options): FormatSurvey {
    const problems: MigrationError[] = [];
    const present = new Set(names);
    const migrations: { version: string; name: string; file: string }[] = [];
    for (const n of [...names].filter(isSqlName).sort()) {
      const file = shownPath(path.join(dir, n), options);
      const p = golangMigrateFileName(n);
      if (p?.direction === 'up') migrations.push({ version: p.version, name: p.name, file });
      if (!p) {
        problems.push(badNameError(n, file, 'golang-migrate', PATTERN, EXAMPLE));
      } else if (p.direction === 'down' && !present.has(partnerName(p, 'up'))) {
        const up = partnerName(p, 'up');
        problems.push(new MigrationError('E_UNPAIRED_FILE', `"${n}" has no "${up}" beside it`,
          `a .down.sql only rolls back its .up.sql: add ${up} with the SQL that applies this migration, or delete ${n} if that migration is gone`,
          { file }));
      }
    }
    problems.push(...duplicateVersionProblems(migrations));
    return { problems, warnings: [] };
  },
  read(dir: string, options: FormatOptions): FormatRead {
    const files = readMigrationDir(dir, options);
    const { problems } = golangMigrateFormat.survey!(entryNames(dir), dir, options);
    if (problems[0]) throw problems[0];
    const pairs = new Map<string, { name: PairName; up?: SqlFileText; down?: SqlFileText }>();
    for (const f of files) {
      const p = golangMigrateFileName(f.name)!;
      const pair = pairs.get(p.key) ?? { name: p };
      pair[p.direction] = f;
      pairs.set(p.key, pair);
    }
    const migrations = [...pairs.values()].map((pair) => pairMigration(pair.name, pair.up!, pair.down ?? null));
    return { migrations, warnings: [] };
  },
  parseText(text, file, baseName, options) {
    const p = golangMigrateFileName(baseName);
    if (!p) return null;
    if (p.direction === 'down') {
      const d = downSection(text, file);
      return {
        version: p.version, name: p.name, file, up: '', down: d.sql, upLine: 1, downLine: 1, depends: [],
        transactional: d.transactional, environments: null, checksum: checksumSql(''), format: 'golang-migrate',
        ...(p.repeatable ? { repeatable: true } : {}), downFile: file,
      };
    }
    return pairMigration(p, { file, text }, options.dir ? partnerText(p, file, options.dir) : null);
  },
};

/** The .down.sql beside an up file, for --lint (which compares the two); null when it is absent or unreadable. */
function partnerText(p: PairName, file: string, dir: string): Pick<SqlFileText, 'file' | 'text'> | null {
  const name = partnerName(p, 'down');
  const full = path.join(dir, name);
  const shown = path.join(path.dirname(file), name);
  try {
    if (!fs.statSync(full).isFile()) return null;
    const text = readSqlText(full, shown);
    downSection(text, shown); // a down file --up would refuse is that file's own finding, not the up file's
    return { file: shown, text };
  } catch {
    return null;
  }
}
