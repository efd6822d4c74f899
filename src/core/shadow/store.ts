/**
 * The shadow's cache under `.migrations/shadow/`: the catalog after each migration, keyed by the chain of checksums
 * that produced it (manifest.json), and snapshots of the embedded database's data directory for chain prefixes, so
 * a later build starts from the longest prefix it has and replays only what changed.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeCacheFile } from '../cache-file';
import type { MigrationFile } from '../migration-file';
import type { ShadowStatementError } from './types';

const FORMAT = 1;
/** Positions kept in the manifest (the current chains, plus recent edits). */
const POSITION_LIMIT = 400;
/** Snapshots kept besides the base one. */
const SNAPSHOT_LIMIT = 3;

export interface StoredPosition {
  catalog: [string, string][];
  errors: ShadowStatementError[];
  usedAt: number;
}

interface Manifest {
  format: number;
  engine: string;
  serverVersion: string;
  baseline: [string, string][];
  positions: Record<string, StoredPosition>;
  /** pg_dump output by chain key and arguments (the few most recent). */
  dumps?: Record<string, { sql: string; usedAt: number }>;
}

/** The key of a chain after `migration`: the previous key, the migration's identity and text, where its up section starts. */
export function chainKey(previous: string, migration: Pick<MigrationFile, 'version' | 'checksum' | 'upLine' | 'file'>): string {
  return crypto.createHash('sha256').update(`${previous}\n${migration.version}\n${migration.checksum}\n${migration.upLine}\n${path.basename(migration.file)}`).digest('hex').slice(0, 32);
}

/** The user's cache directory for what every project can share (XDG_CACHE_HOME, else ~/.cache). */
export function machineCacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'database-migration');
}

export class ShadowStore {
  private manifest: Manifest;

  /** `engine` names the embedded database build and the replay settings: a cache written by another is not read. */
  constructor(readonly dir: string, readonly engine: string, private readonly baseName = 'pglite') {
    this.manifest = this.read();
  }

  private read(): Manifest {
    const empty: Manifest = { format: FORMAT, engine: this.engine, serverVersion: '', baseline: [], positions: {} };
    try {
      const data = JSON.parse(fs.readFileSync(path.join(this.dir, 'manifest.json'), 'utf8')) as Manifest;
      return data.format === FORMAT && data.engine === this.engine ? data : empty;
    } catch {
      return empty;
    }
  }

  get serverVersion(): string { return this.manifest.serverVersion; }
  get baseline(): [string, string][] { return this.manifest.baseline; }

  setBase(serverVersion: string, baseline: [string, string][]): void {
    this.manifest.serverVersion = serverVersion;
    this.manifest.baseline = baseline;
  }

  position(key: string): StoredPosition | undefined {
    const p = this.manifest.positions[key];
    if (p) p.usedAt = Date.now();
    return p;
  }

  setPosition(key: string, catalog: [string, string][], errors: ShadowStatementError[]): void {
    this.manifest.positions[key] = { catalog, errors, usedAt: Date.now() };
  }

  dump(key: string): string | undefined {
    const d = this.manifest.dumps?.[key];
    if (d) d.usedAt = Date.now();
    return d?.sql;
  }

  setDump(key: string, sql: string): void {
    const dumps = { ...(this.manifest.dumps ?? {}), [key]: { sql, usedAt: Date.now() } };
    this.manifest.dumps = Object.fromEntries(Object.entries(dumps).sort((a, b) => b[1].usedAt - a[1].usedAt).slice(0, 4));
  }

  /** Writes the manifest, keeping the most recently used positions. */
  save(): void {
    const entries = Object.entries(this.manifest.positions).sort((a, b) => b[1].usedAt - a[1].usedAt).slice(0, POSITION_LIMIT);
    this.manifest.positions = Object.fromEntries(entries);
    writeCacheFile(path.join(this.dir, 'manifest.json'), this.manifest);
  }

  private snapshotFile(key: string): string {
    // The fresh cluster is the same for every project: one per machine (and PGlite build), in the user's cache.
    if (key === 'base') return path.join(machineCacheDir(), `shadow-base-${this.baseName}.tar.gz`);
    return path.join(this.dir, 'snapshots', `${key}.tar.gz`);
  }

  hasSnapshot(key: string): boolean {
    return fs.existsSync(this.snapshotFile(key));
  }

  readSnapshot(key: string): Buffer | null {
    try {
      return fs.readFileSync(this.snapshotFile(key));
    } catch {
      return null;
    }
  }

  /** Stores a data-directory snapshot (atomically); keeps the base and the newest few. Never throws: it is a cache. */
  writeSnapshot(key: string, data: Buffer, keep: ReadonlySet<string>): void {
    const file = this.snapshotFile(key);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
      if (key !== 'base') this.prune(new Set([...keep, key]));
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  private prune(keep: ReadonlySet<string>): void {
    const dir = path.dirname(this.snapshotFile('x'));
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tar.gz') && f !== 'base.tar.gz')
      .map((f) => ({ f, key: f.slice(0, -'.tar.gz'.length), at: fs.statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => Number(keep.has(b.key)) - Number(keep.has(a.key)) || b.at - a.at);
    for (const old of files.slice(SNAPSHOT_LIMIT)) fs.rmSync(path.join(dir, old.f), { force: true });
  }
}
