import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { EnvironmentConfig } from '../config';
import { MigrationError } from '../errors';
import { redactUrl } from '../redact';
import { findPgTool } from '../pg-tools';
import { clientConnection, runTool, type ClientConnection } from './client-tools';
import { lastRows, type Database, type DumpResult, type QueryResult, type RestoreOptions, type Session } from './database';
import { loadPg } from './load-pg';
import { restoreWithTools, type InstalledExtensions } from './pg-restore';

/** A PostgreSQL server reached through a node-postgres Pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private pool: Pool | null = null;

  constructor(private readonly url: string, private readonly settings: EnvironmentConfig = {}, private readonly root = process.cwd()) {
    this.description = redactUrl(url);
  }

  /** Connection for client programs: no secret on their command line (see clientConnection). */
  private client(purpose: string): ClientConnection {
    return clientConnection(this.url, this.settings, this.root, purpose);
  }

  async dump(file: string, serverMajor: number): Promise<DumpResult> {
    const tool = findPgTool('pg_dump', serverMajor, this.settings.backups?.pgBinDir);
    const conn = this.client('backup');
    try {
      fs.writeFileSync(file, '', { mode: 0o600 });
      await runTool(tool.path, ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${conn.dbname}`], conn.env, 'pg_dump');
      fs.chmodSync(file, 0o600);
    } finally {
      conn.cleanup();
    }
    return { format: 'custom', tool: `pg_dump ${tool.version}` };
  }

  /** pg_restore writes the archive's SQL to a file; psql runs the wipe, it and `options` in ONE transaction (see pg-restore.ts). */
  async restore(file: string, format: DumpResult['format'], serverMajor: number, options: RestoreOptions = {}): Promise<void> {
    const tools = {
      pgRestore: findPgTool('pg_restore', serverMajor, this.settings.backups?.pgBinDir).path,
      psql: findPgTool('psql', Math.min(serverMajor, 9), this.settings.backups?.pgBinDir).path,
    };
    const installed = await this.installedExtensions();
    const conn = this.client('restore');
    try {
      await restoreWithTools(tools, conn, file, format, installed, options);
    } finally {
      conn.cleanup();
    }
  }

  private async installedExtensions(): Promise<InstalledExtensions> {
    const s = await this.session();
    try {
      const r = await s.query<{ extname: string; nspname: string }>('SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace');
      return new Map(r.rows.map((x) => [x.extname, x.nspname]));
    } finally {
      await s.release();
    }
  }

  private async getPool(): Promise<Pool> {
    if (this.pool) return this.pool;
    // Loaded on first use with require() (a dynamic import() would start Node's ESM loader just for a CommonJS package),
    // without pg's Cloudflare probe (load-pg.ts).
    const PoolCtor = loadPg().Pool;
    const s = this.settings;
    const config: PoolConfig = {
      connectionString: this.url,
      max: s.pool?.max ?? 10,
      idleTimeoutMillis: s.pool?.idleTimeoutMillis ?? 10000,
      connectionTimeoutMillis: s.pool?.connectionTimeoutMillis ?? 10000,
      application_name: s.applicationName ?? 'database-migration',
    };
    if (s.statementTimeoutMs !== undefined) config.statement_timeout = s.statementTimeoutMs;
    if (s.lockTimeoutMs !== undefined) config.lock_timeout = s.lockTimeoutMs;
    if (s.sessionSettings) {
      // node-postgres lets the URL's own "options" replace the config's: merge them (a later -c wins).
      const u = new URL(this.url);
      const fromUrl = u.searchParams.get('options');
      if (fromUrl !== null) {
        u.searchParams.delete('options');
        config.connectionString = u.toString();
      }
      config.options = [fromUrl, startupOptions(s.sessionSettings)].filter(Boolean).join(' ');
    }
    if (s.ssl !== undefined) {
      if (typeof s.ssl === 'boolean') config.ssl = s.ssl;
      else {
        config.ssl = {
          rejectUnauthorized: s.ssl.rejectUnauthorized ?? true,
          ...(s.ssl.ca ? { ca: fs.readFileSync(path.resolve(this.root, s.ssl.ca), 'utf8') } : {}),
          ...(s.ssl.servername ? { servername: s.ssl.servername } : {}),
        };
      }
    }
    const pool = new PoolCtor(config);
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => {});
    this.pool = pool;
    return pool;
  }

  async session(): Promise<Session> {
    const pool = await this.getPool();
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw connectionError(err, this.description);
    }
    client.on('error', () => {});
    return new PostgresSession(client);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.end();
  }
}

class PostgresSession implements Session {
  private released = false;
  constructor(private readonly client: PoolClient) {}

  /** RESET ALL returns to the connection's defaults, which include the timeouts sent at connect time. */
  async resetSettings(): Promise<void> {
    await this.client.query('RESET ALL');
  }

  async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
    const r = await this.client.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<Record<string, unknown>[]> {
    // A multi-statement query answers with one result per statement.
    const r = (await this.client.query(sql)) as unknown as { rows?: Record<string, unknown>[] } | { rows?: Record<string, unknown>[] }[];
    return lastRows(Array.isArray(r) ? r : [r]);
  }

  /** COPY ... FROM STDIN through pg-copy-streams: the lines are streamed, never held in memory at once. */
  async copyFrom(target: string, lines: Iterable<string> | AsyncIterable<string>): Promise<number> {
    const { from } = await import('pg-copy-streams');
    const { Readable } = await import('node:stream');
    const { pipeline } = await import('node:stream/promises');
    const copy = this.client.query(from(`COPY ${target} FROM STDIN`));
    await pipeline(Readable.from(lines), copy);
    return copy.rowCount;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.client.release();
  }
}

/**
 * Settings sent in the startup packet (`-c name=value`, spaces and backslashes escaped as libpq's "options" wants):
 * they are the session's defaults, so the RESET ALL after a migration keeps them.
 */
export function startupOptions(settings: Record<string, string>): string {
  return Object.entries(settings).map(([k, v]) => `-c ${k}=${v.replace(/[\\ ]/g, (c) => `\\${c}`)}`).join(' ');
}

/** Turns a failure to connect into a message naming the server (redacted) and the fix. */
export function connectionError(err: unknown, where: string): MigrationError {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  const raw = String(e?.message ?? err);
  // Without any password node-postgres fails before the server answers ("client password must be a string"): an auth failure too.
  if (code === '28P01' || code === '28000' || /client password must be a (non-empty )?string|password authentication failed/i.test(raw)) {
    return new MigrationError('E_AUTH', `authentication failed connecting to ${where}: ${raw}`,
      'check the user name, and supply the password through PGPASSWORD, ~/.pgpass or an ${env:VAR} in the url — never in the config file',
      {}, { cause: err });
  }
  if (code === '3D000') {
    return new MigrationError('E_DATABASE_MISSING', `${raw} (${where})`,
      'create it first (createdb NAME, or CREATE DATABASE) or correct the database name in the url', {}, { cause: err });
  }
  const reason = code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host name not found'
    : code === 'ETIMEDOUT' || /timeout/i.test(raw) ? 'timed out'
    : raw;
  return new MigrationError('E_CONNECTION', `cannot connect to ${where}: ${reason}`,
    'check that PostgreSQL is running and that host, port and database in the url are right (see --env / --url / DATABASE_URL)',
    {}, { cause: err });
}

