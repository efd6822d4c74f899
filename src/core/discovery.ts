import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationError } from './errors';
import { compareVersions, type MigrationFile } from './migration-file';

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
  return sqlFilesIn(dir, shown, 'seed')
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => {
      const full = path.join(dir, name);
      const sql = readSqlText(full, shown(full), 'seed').replace(/^\uFEFF/, '');
      return { name, file: displayRoot ? path.relative(displayRoot, full) : full, sql, environments: seedEnvironments(sql) };
    });
}

/** A *.sql entry of a directory that migrations or seeds are read from; `problem` is why it cannot be read (a broken or looping link, a directory, a FIFO). */
export interface SqlEntry {
  name: string;
  problem: MigrationError | null;
}

/** What the files of a directory are: the word used in messages about an entry that is not one. */
/** What a *.sql file is read as: a migration, a seed, or a plain script (a --lint target outside migrations/). */
export type SqlFileKind = 'migration' | 'seed' | 'script';

/**
 * *.sql entries of a directory, as --up reads them: regular files, and symbolic links that lead to one. Anything
 * else named *.sql (a directory, a FIFO, a socket, a link that cannot be followed or leads to a directory) comes
 * with its problem: it is never silently skipped, and never opened (opening a FIFO for reading would block).
 */
export function sqlEntriesIn(dir: string, shown: (p: string) => string = (p) => p, kind: SqlFileKind = 'migration'): SqlEntry[] {
  const entries: SqlEntry[] = [];
  for (const d of readDirectory(dir, shown, kind)) {
    if (!d.name.toLowerCase().endsWith('.sql')) continue;
    if (d.isFile()) { entries.push({ name: d.name, problem: null }); continue; }
    const full = path.join(dir, d.name);
    if (!d.isSymbolicLink()) { entries.push({ name: d.name, problem: notARegularFile(fs.lstatSync(full), shown(full), kind, false) }); continue; }
    let target: fs.Stats;
    try {
      target = fs.statSync(full);
    } catch (err) {
      entries.push({
        name: d.name,
        problem: new MigrationError('E_UNREADABLE_FILE', `symbolic link that cannot be followed (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${describeErrno(err)})`,
          `point the link at an existing ${kind} file, or remove it`, { file: shown(full) }),
      });
      continue;
    }
    entries.push({ name: d.name, problem: target.isFile() ? null : notARegularFile(target, shown(full), kind, true) });
  }
  return entries;
}

/** The entries of a migrations or seeds directory; a directory that cannot be listed (permissions, a file in its place) is a MigrationError. */
function readDirectory(dir: string, shown: (p: string) => string, kind: SqlFileKind): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const what = kind === 'seed' ? 'seeds' : 'migrations';
    if (code === 'ENOTDIR') {
      throw new MigrationError('E_NOT_A_DIRECTORY', `the ${what} directory is a file, not a directory`,
        `move the file away and create a directory there, or point "${what}Dir" in the config at the ${what} directory`, { file: shown(dir) });
    }
    throw new MigrationError('E_UNREADABLE_FILE', `the ${what} directory cannot be read (${code}: ${describeErrno(err)})`,
      'give the user running database-migration read and search permission on the directory (chmod/chown)', { file: shown(dir) });
  }
}

/** "is a directory, not a migration file": what --up (or --lint, for a script) says about a *.sql path it cannot read as a file. */
export function notARegularFile(st: fs.Stats, shown: string, kind: SqlFileKind, viaLink: boolean): MigrationError {
  const what = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket'
    : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  const hint = kind === 'script' ? 'name a .sql file or a directory to lint'
    : `move it out of the ${kind === 'seed' ? 'seeds' : 'migrations'} directory, or rename it so its name does not end in .sql`;
  return new MigrationError('E_NOT_A_FILE', `is ${viaLink ? 'a symbolic link to ' : ''}${what}, not a ${kind === 'script' ? 'SQL' : kind} file`, hint, { file: shown });
}

/** *.sql files of a directory (see sqlEntriesIn); an entry that cannot be read as a file is an error, not silently skipped. */
function sqlFilesIn(dir: string, shown: (p: string) => string, kind: SqlFileKind): string[] {
  return sqlEntriesIn(dir, shown, kind).map((e) => {
    if (e.problem) throw e.problem;
    return e.name;
  });
}

/** One strict decoder for every file (decode() without `stream` starts afresh each call). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a SQL file as strict UTF-8: a file that cannot be read, is not UTF-8 or holds a NUL byte is refused, never silently altered. */
export function readSqlText(full: string, shown: string, kind: SqlFileKind = 'migration'): string {
  const bytes = readSqlBytes(full, shown, kind);
  let text: string;
  try {
    text = utf8.decode(bytes);
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

/** The bytes of a file that must be a regular file; one that is not, or cannot be read, is a MigrationError naming it. */
export function readSqlBytes(full: string, shown: string, kind: SqlFileKind = 'migration'): Buffer {
  try {
    return readRegularFile(full, shown, kind);
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('E_UNREADABLE_FILE', `file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${describeErrno(err)})`,
      kind === 'script' ? 'give the user running database-migration read permission on the file, or leave it out of the lint targets'
        : 'give the user running database-migration read permission on the file (chmod/chown), or move it out of the directory', { file: shown });
  }
}

/**
 * Reads a file that must be a regular file. It is opened without blocking and checked after opening, so a FIFO
 * put in place of a file after the directory was listed is refused instead of hanging the run.
 */
function readRegularFile(full: string, shown: string, kind: SqlFileKind): Buffer {
  const fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notARegularFile(st, shown, kind, false);
    return readOpenFile(fd, st.size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The content of an open regular file whose size fstat gave, read straight into a buffer of that size
 * (readFileSync on a descriptor would fstat it again). Like readFileSync, it stops at that size; a file
 * that reports size 0 is read until end of file.
 */
function readOpenFile(fd: number, size: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(size, 64));
  let length = 0;
  for (;;) {
    if (size > 0 && length === size) return buf.subarray(0, length);
    if (length === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, length, buf.length - length, null);
    if (n === 0) return buf.subarray(0, length);
    length += n;
  }
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
