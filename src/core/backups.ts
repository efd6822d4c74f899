/**
 * Backups before migrating: where they live, their manifest, retention and
 * integrity. Taking and restoring a dump is the Database implementation's job
 * (pg_dump / pg_restore + psql for servers, PGlite's own pg_dump for the
 * embedded database); this module keeps the books.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentDir, type Config, type ResolvedEnvironment } from './config';
import { fsyncDir, fsyncFile } from './db/client-tools';
import { isAlive } from './db/file-lock';
import { MigrationError } from './errors';

export type BackupReason = 'up' | 'down' | 'manual' | 'pre-restore';

export interface BackupEntry {
  id: string;
  /** File name inside the backup directory. */
  file: string;
  createdAt: string;
  environment: string;
  reason: BackupReason;
  /** Newest applied migration when the backup was taken (null: none). */
  versionBefore: string | null;
  /** Newest applied migration the run that followed was heading for. */
  versionAfter: string | null;
  format: 'custom' | 'sql';
  tool: string;
  sizeBytes: number;
  sha256: string;
  serverVersion: string;
  /** Where it came from; URLs are redacted. */
  database: string;
}

interface Manifest {
  version: 1;
  backups: BackupEntry[];
}

export function backupSettings(env: ResolvedEnvironment): { enabled: boolean; keep: number } {
  return { enabled: env.settings.backups?.enabled ?? true, keep: env.settings.backups?.keep ?? 10 };
}

export function backupDir(config: Config, env: ResolvedEnvironment): string {
  const configured = env.settings.backups?.dir;
  // Defence in depth: a name that is not a plain key is refused here too, even when "dir" is set.
  const own = environmentDir(path.join(config.root, '.migrations', 'backups'), env.name);
  return configured ? path.resolve(config.root, configured) : own;
}

export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.(\d{3})Z$/, '$1Z');
}

/** The manifest of one environment's backup directory (manifest.json, mode 0600). */
export class BackupStore {
  readonly manifestPath: string;

  constructor(readonly dir: string) {
    this.manifestPath = path.join(dir, 'manifest.json');
  }

  ensureDir(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  list(): BackupEntry[] {
    if (!fs.existsSync(this.manifestPath)) return [];
    try {
      const m = JSON.parse(fs.readFileSync(this.manifestPath, 'utf8')) as Manifest;
      return [...(m.backups ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    } catch (err) {
      throw new MigrationError('E_BACKUP_CORRUPT', `backup manifest ${this.manifestPath} is not readable: ${(err as Error).message}`,
        'restore manifest.json from version control or delete it (the .dump files stay usable by hand with pg_restore)', { file: this.manifestPath });
    }
  }

  private write(entries: BackupEntry[]): void {
    this.ensureDir();
    const tmp = `${this.manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, backups: entries } satisfies Manifest, null, 2), { mode: 0o600 });
    fsyncFile(tmp);
    fs.renameSync(tmp, this.manifestPath);
    fsyncDir(this.dir);
  }

  /**
   * A new file name for a backup taken now at `version`, and the temporary name it is written under:
   * `<id>.dump.<pid>.partial` (never in the manifest) until it is complete, synced and renamed.
   */
  newFile(now: Date, version: string | null): { id: string; file: string; full: string; partial: string } {
    this.ensureDir();
    let id = `${stamp(now)}_${version ?? 'empty'}`;
    let n = 1;
    while (fs.existsSync(path.join(this.dir, `${id}.dump`))) id = `${stamp(now)}_${version ?? 'empty'}-${++n}`;
    const full = path.join(this.dir, `${id}.dump`);
    return { id, file: `${id}.dump`, full, partial: `${full}.${process.pid}.partial` };
  }

  /** Makes a finished temporary file the backup: data synced, renamed into place, the rename synced. */
  commitFile(partial: string, full: string): void {
    fsyncFile(partial);
    fs.renameSync(partial, full);
    fsyncDir(this.dir);
  }

  /**
   * Removes what interrupted runs left behind: unfinished backups (`*.partial`) and restore work
   * directories (`.restore-<pid>-*`) whose process is gone. Returns the names removed.
   */
  removeStale(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    const removed: string[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const m = /\.(\d+)\.partial$/.exec(name) ?? /^\.restore-(\d+)-/.exec(name);
      // Ours are never in progress here: this process finishes or removes each of its files before it starts another.
      const pid = Number(m?.[1]);
      if (!m || (pid !== process.pid && isAlive(pid))) continue;
      fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  add(entry: BackupEntry): void {
    this.write([entry, ...this.list().filter((e) => e.id !== entry.id)]);
  }

  /**
   * Keeps the newest `keep` backups of `database`; returns the ones removed. Backups in `protect`
   * (one being restored, the one taken just before a restore) are never removed.
   */
  prune(keep: number, database: string, protect: readonly string[] = []): BackupEntry[] {
    const all = this.list();
    const removed = all.filter((e) => e.database === database).slice(keep).filter((e) => !protect.includes(e.id));
    if (removed.length) this.write(all.filter((e) => !removed.includes(e)));
    for (const e of removed) fs.rmSync(path.join(this.dir, e.file), { force: true });
    return removed;
  }

  /** By id, by a unique id prefix, or "latest" — among the backups of `database` only. */
  find(ref: string, database: string): BackupEntry {
    const everything = this.list();
    const all = everything.filter((e) => e.database === database);
    const elsewhere = everything.find((e) => e.id === ref && e.database !== database);
    if (elsewhere) {
      throw new MigrationError('E_BACKUP_NOT_FOUND', `backup ${ref} was taken from ${elsewhere.database}, not from ${database}`,
        'restore it with --env/--url pointing at that database, or choose a backup of this one (--backups)');
    }
    if (all.length === 0) {
      throw new MigrationError('E_BACKUP_NOT_FOUND', `there are no backups in ${this.dir}`, 'take one with --backup (or run --up/--down with backups on)');
    }
    if (ref === 'latest') return all[0]!;
    const exact = all.find((e) => e.id === ref);
    if (exact) return exact;
    const prefixed = all.filter((e) => e.id.startsWith(ref));
    if (prefixed.length === 1) return prefixed[0]!;
    throw new MigrationError('E_BACKUP_NOT_FOUND',
      prefixed.length > 1 ? `"${ref}" matches ${prefixed.length} backups` : `no backup "${ref}" in ${this.dir}`,
      `use "latest" or one of: ${all.slice(0, 5).map((e) => e.id).join(', ')}${all.length > 5 ? ', … (see --backups)' : ''}`);
  }

  /** Refuses a backup whose file is gone or whose checksum no longer matches the manifest. */
  verify(entry: BackupEntry): string {
    const full = path.join(this.dir, entry.file);
    if (!fs.existsSync(full)) {
      throw new MigrationError('E_BACKUP_CORRUPT', `backup file ${full} is missing`, 'choose another backup (--backups lists them)', { file: full });
    }
    const actual = sha256File(full);
    if (actual !== entry.sha256) {
      throw new MigrationError('E_BACKUP_CORRUPT',
        `backup ${entry.id} is damaged: sha256 ${actual.slice(0, 12)}… does not match ${entry.sha256.slice(0, 12)}… in the manifest`,
        'refusing to restore it; choose another backup (--backups lists them)', { file: full });
    }
    return full;
  }
}

/** What is wrong in a backup directory: for crash tests and health checks. */
export interface BackupDirCheck {
  /** Manifest entries whose file is missing or whose sha256 does not match. */
  broken: string[];
  /** Unfinished files (`*.partial`) listed in the manifest: must never happen. */
  listedPartials: string[];
  /** Unfinished files present (harmless; removed by the next backup). */
  partials: string[];
  /** Finished `.dump` files the manifest does not list (a run killed between the rename and the manifest write). */
  unlisted: string[];
}

/** Checks every manifest entry of a backup directory against its file. */
export function checkBackupDir(dir: string): BackupDirCheck {
  const store = new BackupStore(dir);
  const entries = store.list();
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const broken: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.file);
    if (!fs.existsSync(full) || sha256File(full) !== e.sha256) broken.push(e.id);
  }
  return {
    broken,
    listedPartials: entries.filter((e) => e.file.endsWith('.partial')).map((e) => e.id),
    partials: names.filter((f) => f.endsWith('.partial')),
    unlisted: names.filter((f) => f.endsWith('.dump') && !entries.some((e) => e.file === f)),
  };
}
