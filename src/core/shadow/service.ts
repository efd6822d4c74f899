/**
 * The shadow schema service: replays a migration history into an embedded PostgreSQL (PGlite, in memory) and keeps
 * it warm. Everything after the snapshot it started from runs in one open transaction with a savepoint before each
 * migration, so editing a migration rolls back to its savepoint and replays from there (editing the last one costs
 * milliseconds); the catalog after each migration is cached on disk by chain key, so a new process needs no
 * database at all when nothing changed, and starts from the longest stored snapshot when something did.
 */
import * as path from 'node:path';
import type { Config } from '../config';
import { shadowSettings } from '../config';
import { catalogFingerprint, snapshotCatalog } from '../catalog';
import { MigrationError } from '../errors';
import { readProjectMigrations } from '../formats';
import type { MigrationFile } from '../migration-file';
import type { Session } from '../db/database';
import { loadParser, type Parser } from '../../sql/parser';
import { extensionsCreatedBy, unavailableExtensions, unavailableExtensionsMessage } from './extensions';
import { parityWarnings, replayMigration } from './replay';
import { ShadowStore, chainKey } from './store';
import { openShadowDatabase, type ShadowDatabase } from './database';
import type { ShadowPosition, ShadowSchema } from './types';

const ROOT_KEY = 'shadow-1';
/** The embedded database build the cached snapshots were made with (a different build cannot read them). */
const PGLITE_BUILD = 'pglite-0.5.8';

/** The catalog as [key, definition] pairs sorted by key: how positions store it. */
async function sortedCatalog(session: Session): Promise<[string, string][]> {
  return [...(await snapshotCatalog(session))].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function chainKeys(migrations: readonly MigrationFile[]): string[] {
  const keys: string[] = [];
  for (const m of migrations) keys.push(chainKey(keys[keys.length - 1] ?? ROOT_KEY, m));
  return keys;
}

export interface ShadowServiceOptions {
  /** Where the cache lives (default <project>/.migrations/shadow). */
  cacheDir?: string;
  /** Keep the embedded database open between builds (the editor); a CLI run closes it after each build. */
  keepWarm?: boolean;
  /** The server's PostgreSQL major version, for version-parity warnings (default: the config's lint.postgresVersion, else 15). */
  serverMajor?: number;
}

interface WarmState {
  db: ShadowDatabase;
  /** Chain keys committed in the database (the snapshot it started from). */
  committed: string[];
  /** Chain keys applied in the open transaction, each after a savepoint of its own. */
  tail: string[];
  extensions: Set<string>;
}

export class ShadowService {
  readonly store: ShadowStore;
  private warm: WarmState | null = null;
  private last: ShadowSchema | null = null;
  private building: Promise<unknown> = Promise.resolve();
  private parser: Parser | null = null;
  /** Extensions whose CREATE EXTENSION the replay skips ("shadow.skipExtensions"). */
  private readonly skip: ReadonlySet<string>;

  constructor(readonly config: Config, private readonly options: ShadowServiceOptions = {}) {
    this.skip = new Set(shadowSettings(config).skipExtensions);
    const skip = [...this.skip].sort().join(',');
    // The cache is keyed by content, so projects may share one (DATABASE_MIGRATION_SHADOW_DIR: CI caches, test runs).
    const dir = options.cacheDir ?? (process.env['DATABASE_MIGRATION_SHADOW_DIR'] || path.join(config.root, '.migrations', 'shadow'));
    this.store = new ShadowStore(dir, `${ROOT_KEY};${PGLITE_BUILD};catalog=${catalogFingerprint()};skip=${skip}`, PGLITE_BUILD);
  }

  /** The project's migrations as the files say now, in the order they apply. */
  async refresh(): Promise<ShadowSchema> {
    return this.build(readProjectMigrations(this.config).migrations);
  }

  /** Position of a migration file in the last built schema (-1 when it is not there). */
  positionOf(file: string): number {
    const abs = path.resolve(this.config.root, file);
    return this.last?.positions.findIndex((p) => p.file === abs) ?? -1;
  }

  get lastSchema(): ShadowSchema | null {
    return this.last;
  }

  /** Replays `migrations` (in this order) and returns the catalog after each. Builds run one at a time. */
  build(migrations: readonly MigrationFile[]): Promise<ShadowSchema> {
    return this.enqueue(() => this.buildNow(migrations));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.building.then(work);
    this.building = run.catch(() => {});
    return run;
  }

  /** Whether anything was ever replayed into this cache (a cheap test before reading any migration). */
  get hasCache(): boolean {
    return !!this.store.serverVersion;
  }

  /** The schema of `migrations` when the cache already holds every position (no database is started); else null. */
  cached(migrations: readonly MigrationFile[]): ShadowSchema | null {
    const keys = chainKeys(migrations);
    const stored = keys.map((k) => this.store.position(k));
    if (!this.store.serverVersion || !stored.every((p) => p)) return null;
    return this.schemaOf(migrations, keys, stored.map((p) => p!));
  }

  /** The schema after `migrations` as SQL, from the embedded database's own pg_dump (schema only, no owners). */
  schemaSql(migrations: readonly MigrationFile[], extraArgs: string[] = []): Promise<string> {
    return this.enqueue(async () => {
      const keys = chainKeys(migrations);
      const dumpKey = `${keys[keys.length - 1] ?? ROOT_KEY}|${extraArgs.join(' ')}`;
      const known = this.store.dump(dumpKey);
      if (known !== undefined) {
        this.store.save();
        return known;
      }
      try {
        await this.replayAndRecord(migrations, keys);
        const warm = this.warm!;
        // pg_dump reads committed state in a transaction of its own: commit what the open transaction holds.
        await warm.db.exec('COMMIT');
        warm.committed = keys.slice();
        warm.tail = [];
        const sql = await warm.db.pgDump(['--schema-only', '--no-owner', ...extraArgs]);
        await warm.db.exec('BEGIN');
        this.store.setDump(dumpKey, sql);
        this.store.save();
        return sql;
      } finally {
        if (!this.options.keepWarm) await this.close();
      }
    });
  }

  private async buildNow(migrations: readonly MigrationFile[]): Promise<ShadowSchema> {
    this.parser ??= await loadParser();
    const cached = this.cached(migrations);
    if (cached) {
      this.last = cached;
      this.store.save();
      // The editor's next edit should not wait for the embedded database to start: start it now, in the background.
      if (this.options.keepWarm && !this.warm) this.building = this.building.then(() => this.prewarm(migrations)).catch(() => {});
      return cached;
    }
    try {
      const schema = await this.replayAndRecord(migrations, chainKeys(migrations));
      this.store.save();
      return schema;
    } finally {
      if (!this.options.keepWarm) await this.close();
    }
  }

  /** Replays what the warm database lacks of `migrations` and records the schema as the last one (the caller saves the cache). */
  private async replayAndRecord(migrations: readonly MigrationFile[], keys: string[]): Promise<ShadowSchema> {
    this.last = this.schemaOf(migrations, keys, await this.replay(migrations, keys));
    return this.last;
  }

  private schemaOf(migrations: readonly MigrationFile[], keys: string[], stored: { catalog: [string, string][]; errors: ShadowPosition['errors'] }[]): ShadowSchema {
    const shadowMajor = Number(this.store.serverVersion.split('.')[0]) || 18;
    const serverMajor = this.options.serverMajor ?? this.config.lint?.postgresVersion ?? 15;
    const positions: ShadowPosition[] = migrations.map((m, i) => ({
      version: m.version, name: m.name, file: path.resolve(this.config.root, m.file), checksum: m.checksum, key: keys[i]!, catalog: stored[i]!.catalog, errors: stored[i]!.errors,
      warnings: this.parser ? parityWarnings(this.parser, m, serverMajor, shadowMajor) : [],
    }));
    return { serverVersion: this.store.serverVersion, baseline: this.store.baseline, positions };
  }

  private async prewarm(migrations: readonly MigrationFile[]): Promise<void> {
    if (this.warm) return;
    await this.replay(migrations, chainKeys(migrations));
  }

  /** Brings the warm database to `keys` and returns every position's catalog and errors. */
  private async replay(migrations: readonly MigrationFile[], keys: string[]): Promise<{ catalog: [string, string][]; errors: ShadowPosition['errors'] }[]> {
    const extensions = await this.extensionsOf(migrations);
    const warm = await this.warmFor(keys, extensions);
    const applied = [...warm.committed, ...warm.tail];
    let common = 0;
    while (common < applied.length && common < keys.length && applied[common] === keys[common]) common++;
    // Undo the tail from the first migration that differs (its savepoint), then replay from there.
    const fromTail = common - warm.committed.length;
    if (fromTail < warm.tail.length) {
      await warm.db.exec(`ROLLBACK TO SAVEPOINT shadow_step_${common}`);
      warm.tail.length = fromTail;
    }
    const parser = (this.parser ??= await loadParser());
    for (let i = common; i < keys.length; i++) {
      await warm.db.exec(`SAVEPOINT shadow_step_${i}`);
      const errors = await replayMigration(warm.db.session, parser, migrations[i]!, { skipExtensions: this.skip });
      this.store.setPosition(keys[i]!, await sortedCatalog(warm.db.session), errors);
      warm.tail.push(keys[i]!);
    }
    await this.snapshotAllButLast(warm, migrations, keys);
    return keys.map((k) => this.store.position(k)!);
  }

  /**
   * Stores the state before the last migration as a snapshot (when it is not stored yet), so that the next process
   * that sees the last migration edited, or a new one added, replays one or two migrations instead of all.
   */
  private async snapshotAllButLast(warm: WarmState, migrations: readonly MigrationFile[], keys: string[]): Promise<void> {
    const target = keys.length - 1;
    if (target < 1 || this.store.hasSnapshot(keys[target - 1]!) || target <= warm.committed.length) return;
    await warm.db.exec(`ROLLBACK TO SAVEPOINT shadow_step_${target}`);
    await warm.db.exec('COMMIT');
    this.store.writeSnapshot(keys[target - 1]!, await warm.db.dumpDataDir(), new Set(keys));
    warm.committed = keys.slice(0, target);
    warm.tail = [];
    await warm.db.exec('BEGIN');
    // Put the last migration back (its catalog is already stored).
    await warm.db.exec(`SAVEPOINT shadow_step_${target}`);
    await replayMigration(warm.db.session, this.parser!, migrations[target]!, { skipExtensions: this.skip });
    warm.tail = [keys[target]!];
  }

  /** A warm database whose committed part is a prefix of `keys` and that has the extensions' modules loaded. */
  private async warmFor(keys: string[], extensions: Set<string>): Promise<WarmState> {
    const w = this.warm;
    const fits = w && w.committed.every((k, i) => keys[i] === k) && [...extensions].every((e) => w.extensions.has(e));
    if (fits) return w!;
    await this.close();
    // The longest stored snapshot of a prefix whose positions are all known.
    const known = keys.findIndex((k) => !this.store.position(k));
    let start = 0;
    for (let i = known === -1 ? keys.length - 1 : known; i >= 1; i--) {
      if (this.store.hasSnapshot(keys[i - 1]!)) { start = i; break; }
    }
    const db = await openShadowDatabase(this.store, start > 0 ? keys[start - 1]! : null, [...extensions]);
    if (!this.store.serverVersion || db.fresh) this.store.setBase(db.serverVersion, await sortedCatalog(db.session));
    await db.exec('BEGIN');
    this.warm = { db, committed: keys.slice(0, start), tail: [], extensions };
    return this.warm;
  }

  /** The extensions the history creates; a clear error for those the embedded database does not ship. */
  private async extensionsOf(migrations: readonly MigrationFile[]): Promise<Set<string>> {
    const names = new Map<string, string>();
    for (const m of migrations) for (const n of await extensionsCreatedBy(m.up)) if (!this.skip.has(n) && !names.has(n)) names.set(n, m.file);
    const missing = unavailableExtensions(names.keys());
    if (missing.length) {
      const file = names.get(missing[0]!)!;
      throw new MigrationError('E_SHADOW_EXTENSION', unavailableExtensionsMessage(missing, path.relative(this.config.root, file) || file),
        `add ${missing.map((n) => `"${n}"`).join(', ')} to "shadow.skipExtensions" in the config`, { file });
    }
    return new Set(names.keys());
  }

  async close(): Promise<void> {
    const w = this.warm;
    this.warm = null;
    if (w) await w.db.close();
  }
}
