import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationError } from './errors';
import { compareVersions, parseMigrationFile, type MigrationFile } from './migration-file';

/** Reads every NNN_name.sql in `dir`, ordered by version. Duplicate versions are an error naming both files. */
export function discoverMigrations(dir: string, options: { mustExist?: boolean; displayRoot?: string } = {}): MigrationFile[] {
  if (!fs.existsSync(dir)) {
    if (options.mustExist) {
      throw new MigrationError('E_NO_MIGRATIONS_DIR', `migrations directory not found: ${dir}`,
        'create it with "database-migration NAME --create", or set "migrationsDir" in database-migration.config.json', { file: dir });
    }
    return [];
  }
  const shown = (p: string) => (options.displayRoot ? path.relative(options.displayRoot, p) || p : p);
  const files = sqlFilesIn(dir, shown);
  const migrations = files.map((name) => {
    const full = path.join(dir, name);
    return parseMigrationFile(readSqlText(full, shown(full)), shown(full), name);
  });
  sortMigrations(migrations);
  const duplicate = duplicateVersions(migrations)[0];
  if (duplicate) throw duplicateVersionError(duplicate[0], duplicate[1]);
  return migrations;
}

type Versioned = Pick<MigrationFile, 'version' | 'name' | 'file'>;

/** Sorts in place by version, then name: the order migrations run in. */
function sortMigrations<T extends Versioned>(migrations: T[]): T[] {
  return migrations.sort((a, b) => compareVersions(a.version, b.version) || a.name.localeCompare(b.name));
}

/** Pairs of migrations that share a version, in version order (each pair once; three files of one version make two pairs). */
export function duplicateVersions<T extends Versioned>(migrations: T[]): [T, T][] {
  const sorted = sortMigrations([...migrations]);
  const pairs: [T, T][] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (compareVersions(sorted[i - 1]!.version, sorted[i]!.version) === 0) pairs.push([sorted[i - 1]!, sorted[i]!]);
  }
  return pairs;
}

/** The error --up stops at for two files with one version (`first` comes first in version order). */
export function duplicateVersionError(first: Versioned, second: Versioned): MigrationError {
  return new MigrationError('E_DUPLICATE_VERSION',
    `version ${second.version} is used by two files: ${first.file} and ${second.file}`,
    `give one of them the next free number (rename it), so every version is unique`, { file: second.file });
}

export interface SeedFile {
  name: string;
  file: string;
  sql: string;
  /** From an "-- environments: a, b" line in the seed's header; null = every environment. */
  environments: string[] | null;
}

/** Reads "-- environments: ..." from the comment lines at the top of a seed file. */
export function seedEnvironments(sql: string): string[] | null {
  for (const line of sql.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '') continue;
    if (!t.startsWith('--')) break;
    const m = /^--\s*environments\s*:(.*)$/i.exec(t);
    if (m) return m[1]!.split(/[,\s]+/).filter(Boolean);
  }
  return null;
}

/** Every *.sql in the seeds directory, in name order. */
export function discoverSeeds(dir: string, displayRoot?: string): SeedFile[] {
  if (!fs.existsSync(dir)) return [];
  const shown = (p: string) => (displayRoot ? path.relative(displayRoot, p) : p);
  return sqlFilesIn(dir, shown)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => {
      const full = path.join(dir, name);
      const sql = readSqlText(full, shown(full)).replace(/^\uFEFF/, '');
      return { name, file: displayRoot ? path.relative(displayRoot, full) : full, sql, environments: seedEnvironments(sql) };
    });
}

/** A *.sql entry of a directory that migrations or seeds are read from; `problem` is why it cannot be read (a broken or looping link). */
export interface SqlEntry {
  name: string;
  problem: MigrationError | null;
}

/**
 * *.sql entries of a directory, as --up reads them: regular files, and symbolic links that lead to one
 * (a link that cannot be followed comes with its problem; a link to a directory is left out).
 */
export function sqlEntriesIn(dir: string, shown: (p: string) => string = (p) => p): SqlEntry[] {
  const entries: SqlEntry[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!d.name.toLowerCase().endsWith('.sql')) continue;
    if (d.isFile()) { entries.push({ name: d.name, problem: null }); continue; }
    if (!d.isSymbolicLink()) continue;
    let target: fs.Stats;
    try {
      target = fs.statSync(path.join(dir, d.name));
    } catch (err) {
      entries.push({
        name: d.name,
        problem: new MigrationError('E_UNREADABLE_FILE', `symbolic link that cannot be followed (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${describeErrno(err)})`,
          'point the link at an existing migration file, or remove it', { file: shown(path.join(dir, d.name)) }),
      });
      continue;
    }
    if (target.isFile()) entries.push({ name: d.name, problem: null });
  }
  return entries;
}

/** *.sql files of a directory (see sqlEntriesIn); a broken or looping link is an error, not silently skipped. */
function sqlFilesIn(dir: string, shown: (p: string) => string): string[] {
  return sqlEntriesIn(dir, shown).map((e) => {
    if (e.problem) throw e.problem;
    return e.name;
  });
}

/** Reads a SQL file as strict UTF-8: a file that cannot be read, is not UTF-8 or holds a NUL byte is refused, never silently altered. */
export function readSqlText(full: string, shown: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(full);
  } catch (err) {
    throw new MigrationError('E_UNREADABLE_FILE', `file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${describeErrno(err)})`,
      'give the user running database-migration read permission on the file (chmod/chown), or move it out of the directory', { file: shown });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new MigrationError('E_BAD_ENCODING', `byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad} is not valid UTF-8`,
      're-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8); the SQL would otherwise run with replaced characters',
      { file: shown, line: lineOfOffset(bytes, bad) });
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    throw new MigrationError('E_BAD_ENCODING', 'the file contains a NUL byte (PostgreSQL would silently ignore everything after it in a statement)',
      'remove the NUL byte (the file may be UTF-16 or binary: re-save it as UTF-8 text)', { file: shown, line: text.slice(0, nul).split('\n').length });
  }
  return text;
}

function describeErrno(err: unknown): string {
  const m = String((err as Error)?.message ?? err);
  return m.replace(/^[A-Z]+: /, '').replace(/, (open|stat|scandir) '.*'$/, '');
}

function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  const dec = (n: number) => { try { new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true }); return true; } catch { return false; } };
  // Binary search for the shortest prefix that fails to decode.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dec(mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  let at = Math.min(lo, bytes.length - 1);
  // The decoder fails on the byte after an unfinished sequence: point at the sequence's lead byte instead.
  for (let k = 1; k <= 3 && at - k >= 0; k++) {
    const b = bytes[at - k]!;
    if (b >= 0xc0) { at -= k; break; }
    if (b < 0x80) break;
  }
  return at;
}

function lineOfOffset(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}
