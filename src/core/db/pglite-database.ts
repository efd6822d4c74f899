import * as fs from 'node:fs';
import type { Extensions } from '@electric-sql/pglite';
import type { EnvironmentConfig } from '../config';
import { lastRows, type Database, type DumpResult, type QueryResult, type RestoreOptions, type Session } from './database';
import { sqlDumpExtensions } from './pg-restore';
import { wipeUserObjectsSql } from './wipe';
import { DataDirLock } from './file-lock';
import { needsModule, pgliteExtensionModules } from '../shadow/extensions';

/** The part of PGlite's API the engine uses. */
interface PGlite {
  waitReady: Promise<void>;
  query<Row>(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: Row[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The embedded database: PostgreSQL compiled to WASM, stored in a directory.
 * One connection in one process, so its data directory is guarded by a file lock.
 */
export class PGliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly description: string;
  private db: PGlite | null = null;
  private lock: DataDirLock | null = null;
  private opening: Promise<PGlite> | null = null;

  /**
   * `extensions` names the extensions the project's migrations create: PGlite loads a bundled extension's module
   * only when it starts, so they are asked for before the first query.
   */
  constructor(readonly dataDir: string, private readonly settings: EnvironmentConfig = {}, private readonly lockWaitMs = 10000, label?: string,
    private readonly extensions: () => Promise<string[]> = async () => []) {
    this.description = label ?? `embedded PGlite (${dataDir})`;
  }

  private open(): Promise<PGlite> {
    if (this.db) return Promise.resolve(this.db);
    if (this.opening) return this.opening;
    {
      this.opening = (async () => {
        this.lock = await DataDirLock.acquire(this.dataDir, this.lockWaitMs);
        try {
          fs.mkdirSync(this.dataDir, { recursive: true });
          const db = await this.start(await this.extensions().catch(() => []));
          await this.applySessionSettings(db);
          this.db = db;
          return db;
        } catch (err) {
          this.lock.releaseSync();
          this.lock = null;
          throw err;
        } finally {
          this.opening = null;
        }
      })();
    }
    return this.opening!;
  }

  /** Starts PGlite with the modules of `wanted`, and again with more when the data directory already has other extensions installed. */
  private async start(wanted: string[]): Promise<PGlite> {
    const { PGlite } = await import('@electric-sql/pglite');
    const open = async (names: string[]) => {
      const extensions = (await pgliteExtensionModules(names)) as Extensions;
      const db = new PGlite(this.dataDir, { extensions }) as unknown as PGlite;
      await db.waitReady;
      return db;
    };
    const db = await open(wanted);
    const installed = (await db.query<{ extname: string }>('SELECT extname FROM pg_extension')).rows.map((r) => r.extname);
    const loaded = new Set(wanted);
    if (installed.every((n) => loaded.has(n) || !needsModule(n))) return db;
    await db.close();
    return open([...wanted, ...installed]);
  }

  /** Back to a fresh session's settings: what a new process would see (used when one instance serves many runs). */
  async resetSession(): Promise<void> {
    const db = await this.open();
    await db.exec('RESET ALL');
    await this.applySessionSettings(db);
  }

  private async applySessionSettings(db: PGlite): Promise<void> {
    if (this.settings.statementTimeoutMs !== undefined) await db.exec(`SET statement_timeout = ${Math.trunc(this.settings.statementTimeoutMs)}`);
    if (this.settings.lockTimeoutMs !== undefined) await db.exec(`SET lock_timeout = ${Math.trunc(this.settings.lockTimeoutMs)}`);
    for (const [name, value] of Object.entries(this.settings.sessionSettings ?? {})) {
      await db.query('SELECT set_config($1, $2, false)', [name, value]);
    }
  }

  async session(): Promise<Session> {
    return new PGliteSession(await this.open(), () => this.resetSession());
  }

  /** PGlite's own pg_dump (from @electric-sql/pglite-tools, pinned to the same PGlite version): a plain SQL script. */
  async dump(file: string): Promise<DumpResult> {
    const db = await this.open();
    const { pgDump } = (await import('@electric-sql/pglite-tools/pg_dump')) as unknown as {
      pgDump(o: { pg: unknown; args?: string[] }): Promise<{ text(): Promise<string> }>;
    };
    const dumped = await pgDump({ pg: db, args: ['--no-owner', '--no-privileges'] });
    fs.writeFileSync(file, await dumped.text(), { mode: 0o600 });
    // PGlite's pg_dump shares our one connection and leaves its read-only snapshot transaction open and its
    // session settings (empty search_path, zero timeouts) behind: end it and put our settings back.
    await db.exec('ROLLBACK');
    await db.exec('RESET ALL');
    await this.applySessionSettings(db);
    return { format: 'sql', tool: 'pglite-tools pg_dump' };
  }

  /**
   * Runs the wipe, the dump and `options` in one transaction. PGlite executes a script given as one
   * string, and its own pg_dump produced the dump as one string in memory too: an embedded database's
   * dump is therefore read whole (the limit is the size PGlite can dump at all).
   */
  async restore(file: string, _format?: DumpResult['format'], _serverMajor?: number, options: RestoreOptions = {}): Promise<void> {
    const db = await this.open();
    const extensions = await sqlDumpExtensions(file);
    const sql = fs.readFileSync(file, 'utf8');
    await db.exec('BEGIN');
    try {
      if (options.before) await db.exec(options.before);
      await db.exec(wipeUserObjectsSql(extensions));
      await db.exec(sql);
      await db.exec('RESET search_path');
      if (options.after) await db.exec(options.after);
      await db.exec('COMMIT');
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      await db.exec('RESET search_path').catch(() => {});
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    try {
      if (db) await db.close();
    } finally {
      this.lock?.releaseSync();
      this.lock = null;
    }
  }
}

class PGliteSession implements Session {
  constructor(private readonly db: PGlite, private readonly reset: () => Promise<void>) {}

  resetSettings(): Promise<void> {
    return this.reset();
  }

  async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
    const r = await this.db.query<Row>(sql, params);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  async exec(sql: string): Promise<Record<string, unknown>[]> {
    return lastRows((await this.db.exec(sql)) as { rows?: Record<string, unknown>[] }[]);
  }

  /** PGlite reads COPY input from its virtual /dev/blob device, given as one Blob per statement. */
  async copyFrom(target: string, lines: Iterable<string> | AsyncIterable<string>): Promise<number> {
    const parts: string[] = [];
    for await (const chunk of lines) parts.push(chunk);
    const r = await this.db.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob(parts) });
    return r.affectedRows ?? 0;
  }

  async release(): Promise<void> {
    // The single PGlite connection stays open until the database is closed.
  }
}
