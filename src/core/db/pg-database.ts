import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { EnvironmentConfig } from '../config';
import { MigrationError } from '../errors';
import { redactUrl } from '../redact';
import type { Database, QueryResult, Session } from './database';

/** A PostgreSQL server reached through a node-postgres Pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private pool: Pool | null = null;

  constructor(private readonly url: string, private readonly settings: EnvironmentConfig = {}, private readonly root = process.cwd()) {
    this.description = redactUrl(url);
  }

  private async getPool(): Promise<Pool> {
    if (this.pool) return this.pool;
    const pg = await import('pg');
    const PoolCtor = (pg.default?.Pool ?? (pg as unknown as { Pool: typeof Pool }).Pool);
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

  async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
    const r = await this.client.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.client.release();
  }
}

/** Turns a failure to connect into a message naming the server (redacted) and the fix. */
export function connectionError(err: unknown, where: string): MigrationError {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  const raw = String(e?.message ?? err);
  if (code === '28P01' || code === '28000') {
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
