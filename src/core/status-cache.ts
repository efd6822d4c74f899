/**
 * The migration files as `--status` needs them (version, name, checksum, header directives: no SQL text), read
 * through an on-disk cache, .migrations/status-cache.json under the project root. A file whose size, mtime, ctime
 * and inode are those recorded is not opened again: a status of 10,000 files costs a directory listing and one
 * stat per file instead of reading, splitting and hashing every file.
 *
 * Safety: any write to a file changes its ctime (which no program can set back) and a replaced file has a new
 * inode, so a changed file never matches its entry. The one gap of every mtime cache is a change within the
 * timestamp resolution of the moment the entry was recorded; as git does with its index ("racy" entries), an
 * entry is only recorded for a file whose mtime and ctime are more than RACY_MS before the listing began, so a
 * later change always gives a different stamp. A cache that cannot be read, belongs to another version of the
 * tool or another migrations directory, or cannot be written is ignored: status never fails because of it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCacheFile } from './cache-file';
import { duplicateVersionError, readSqlText, sqlEntriesIn } from './discovery';
import { compareVersions, parseMigrationFile, parseMigrationFileName, type MigrationFile, type StatusFile } from './migration-file';
import { packageVersion } from './package-root';

export type { StatusFile } from './migration-file';

const FORMAT = 1;
/** Files changed less than this long before a listing began are read but not recorded (see above). */
export const RACY_MS = 2000;
/** Files listed between two yields to the event loop (so a connection being opened meanwhile makes progress). */
const CHUNK = 500;

/** [size, mtimeMs, ctimeMs, ino, checksum, transactional (1/0), depends or 0, environments or 0] */
type Entry = [number, number, number, number, string, number, string[] | 0, string[] | 0];

interface CacheFile {
  format: number;
  tool: string;
  dir: string;
  entries: Record<string, Entry>;
}

export function statusCachePath(root: string): string {
  return path.join(root, '.migrations', 'status-cache.json');
}

/** The tool's identity: its version and the size and time of its own code (a rebuild or an upgrade starts afresh). */
export function statusCacheTool(): string {
  let code = 'none';
  try {
    const s = fs.statSync(__filename);
    code = `${s.size}:${s.mtimeMs}`;
  } catch { /* keep 'none' */ }
  return `${packageVersion()}|${code}|${FORMAT}`;
}

/** The entries of a cache file of this tool and directory; anything else (missing, unreadable, corrupt, foreign) is none. */
function readCache(file: string, tool: string, dir: string): Record<string, unknown> {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (!data || data.format !== FORMAT || data.tool !== tool || data.dir !== dir || !data.entries || typeof data.entries !== 'object') return {};
    return data.entries;
  } catch {
    return {};
  }
}

function isEntry(e: unknown): e is Entry {
  return Array.isArray(e) && e.length === 8 && typeof e[4] === 'string' && typeof e[0] === 'number';
}

function fromEntry(e: Entry, version: string, name: string, file: string): StatusFile {
  return { version, name, file, checksum: e[4], transactional: e[5] === 1, depends: e[6] === 0 ? [] : e[6], environments: e[7] === 0 ? null : e[7] };
}

function toEntry(st: fs.Stats, m: StatusFile): Entry {
  return [st.size, st.mtimeMs, st.ctimeMs, st.ino, m.checksum, m.transactional ? 1 : 0, m.depends.length ? m.depends : 0, m.environments ?? 0];
}

export interface ListOptions {
  /** Paths in messages and in `file` are relative to this directory. */
  displayRoot?: string;
  /** Project root whose .migrations/status-cache.json is used; null reads every file (no cache). */
  cacheRoot?: string | null;
  /** When the listing began (ms since the epoch; default now): files changed within RACY_MS before it are not recorded. */
  now?: number;
}

/**
 * The migration files of `dir` in version order, with the same checks and errors as discoverMigrations (an entry
 * that is not a regular file, a bad name or file, a duplicate version), reading only files the cache does not know.
 */
export async function listMigrationsForStatus(dir: string, options: ListOptions = {}): Promise<StatusFile[]> {
  if (!fs.existsSync(dir)) return [];
  const started = options.now ?? Date.now();
  const shown = (p: string) => (options.displayRoot ? path.relative(options.displayRoot, p) || p : p);
  const shownDir = options.displayRoot ? path.relative(options.displayRoot, dir) : dir;
  const names = sqlEntriesIn(dir, shown, 'migration').map((e) => {
    if (e.problem) throw e.problem;
    return e.name;
  });
  const cacheFile = options.cacheRoot ? statusCachePath(options.cacheRoot) : null;
  const tool = cacheFile ? statusCacheTool() : '';
  const absDir = path.resolve(dir);
  const cached = cacheFile ? readCache(cacheFile, tool, absDir) : {};
  const recorded = new Array<Entry | undefined>(names.length);
  let changed = Object.keys(cached).length !== names.length;
  // path.join(shownDir, name) and path.join(dir, name) for a plain file name: the joined prefix, then the name.
  const shownPrefix = shownDir ? path.join(shownDir, '_').slice(0, -1) : '';
  const fullPrefix = path.join(dir, '_').slice(0, -1);
  const out: StatusFile[] = [];
  for (let i = 0; i < names.length; i++) {
    if (i % CHUNK === CHUNK - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    const name = names[i]!;
    const file = shownPrefix + name;
    const full = fullPrefix + name;
    const { version, name: migrationName } = parseMigrationFileName(name, file);
    const st = cacheFile ? statOrNull(full) : null;
    const hit = st ? cached[name] : undefined;
    if (st && isEntry(hit) && hit[0] === st.size && hit[1] === st.mtimeMs && hit[2] === st.ctimeMs && hit[3] === st.ino) {
      out.push(fromEntry(hit, version, migrationName, file));
      recorded[i] = hit;
      continue;
    }
    const m = summary(parseMigrationFile(readSqlText(full, file), file, name));
    out.push(m);
    if (st && Math.max(st.mtimeMs, st.ctimeMs) < started - RACY_MS) recorded[i] = toEntry(st, m);
    changed = true;
  }
  out.sort((a, b) => compareVersions(a.version, b.version) || a.name.localeCompare(b.name));
  // Sorted: the first pair of neighbours with one version is what duplicateVersions would give first.
  for (let i = 1; i < out.length; i++) {
    if (compareVersions(out[i - 1]!.version, out[i]!.version) === 0) throw duplicateVersionError(out[i - 1]!, out[i]!);
  }
  if (cacheFile && changed) {
    const entries: Record<string, Entry> = {};
    for (let i = 0; i < names.length; i++) if (recorded[i]) entries[names[i]!] = recorded[i]!;
    writeCacheFile(cacheFile, { format: FORMAT, tool, dir: absDir, entries } satisfies CacheFile);
  }
  return out;
}

function statOrNull(full: string): fs.Stats | null {
  try {
    return fs.statSync(full);
  } catch {
    return null;
  }
}

function summary(m: MigrationFile): StatusFile {
  return { version: m.version, name: m.name, file: m.file, checksum: m.checksum, depends: m.depends, transactional: m.transactional, environments: m.environments };
}
