import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { EnvironmentConfig } from '../config';
import { MigrationError } from '../errors';
import { redactText, redactUrl } from '../redact';
import { spawn } from 'node:child_process';
import { findPgTool } from '../pg-tools';
import { lastRows, type Database, type DumpResult, type QueryResult, type Session } from './database';
import { WIPE_USER_OBJECTS_SQL } from './wipe';

/** A PostgreSQL server reached through a node-postgres Pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private pool: Pool | null = null;

  constructor(private readonly url: string, private readonly settings: EnvironmentConfig = {}, private readonly root = process.cwd()) {
    this.description = redactUrl(url);
  }

  /** Connection for client programs: the URL without its password, which goes in PGPASSWORD instead of the process list. */
  private clientConnection(): { dbname: string; env: NodeJS.ProcessEnv } {
    const u = new URL(this.url);
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (u.password) env['PGPASSWORD'] = decodeURIComponent(u.password);
    u.password = '';
    const ssl = this.settings.ssl;
    if (ssl === true || (typeof ssl === 'object' && ssl.rejectUnauthorized !== false)) env['PGSSLMODE'] = env['PGSSLMODE'] ?? 'require';
    if (typeof ssl === 'object' && ssl.ca) env['PGSSLROOTCERT'] = path.resolve(this.root, ssl.ca);
    env['PGAPPNAME'] = `${this.settings.applicationName ?? 'database-migration'} backup`;
    return { dbname: u.toString(), env };
  }

  async dump(file: string, serverMajor: number): Promise<DumpResult> {
    const tool = findPgTool('pg_dump', serverMajor, this.settings.backups?.pgBinDir);
    const conn = this.clientConnection();
    fs.writeFileSync(file, '', { mode: 0o600 });
    await runTool(tool.path, ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${conn.dbname}`], conn.env, 'pg_dump');
    fs.chmodSync(file, 0o600);
    return { format: 'custom', tool: `pg_dump ${tool.version}` };
  }

  /**
   * pg_restore turns the archive into SQL; psql runs it after dropping every user
   * object, all in ONE transaction: objects created after the backup disappear,
   * and a failure leaves the database untouched.
   */
  async restore(file: string, format: DumpResult['format'], serverMajor: number): Promise<void> {
    const restoreTool = findPgTool('pg_restore', serverMajor, this.settings.backups?.pgBinDir);
    const psql = findPgTool('psql', Math.min(serverMajor, 9), this.settings.backups?.pgBinDir);
    const conn = this.clientConnection();
    const script = `${file}.restore.sql`;
    try {
      let sql = fs.readFileSync(file, 'utf8');
      if (format === 'custom') sql = await runTool(restoreTool.path, ['--file=-', file], conn.env, 'pg_restore', true);
      fs.writeFileSync(script, `${WIPE_USER_OBJECTS_SQL}\n${sql}`, { mode: 0o600 });
      await runTool(psql.path, ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', script, `--dbname=${conn.dbname}`], conn.env, 'psql');
    } finally {
      fs.rmSync(script, { force: true });
    }
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

function runTool(binary: string, args: string[], env: NodeJS.ProcessEnv, name: string, captureStdout = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => reject(new MigrationError('E_BACKUP_FAILED', `could not run ${name}: ${e.message}`, 'check "backups.pgBinDir" and the PostgreSQL client installation')));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else {
        const code2 = name === 'psql' ? 'E_RESTORE_FAILED' : 'E_BACKUP_FAILED';
        reject(new MigrationError(code2, `${name} failed (exit ${code}): ${redactText(err.trim().split('\n').slice(-3).join(' '))}`,
          name === 'psql' ? 'nothing was changed (the restore runs in one transaction); fix the cause above and run --restore again'
            : 'fix the cause above, or run with --no-backup to skip the backup (not recommended on shared databases)'));
      }
    });
  });
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

