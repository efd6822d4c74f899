import { randomBytes } from 'node:crypto';
import type { Session } from './db/database';
import { isRepeatableVersion } from './migration-file';
import { assertMayWriteHistory, currentRole, historyPrivilegeError, readHistoryAccess } from './history-access';

/** Versions safe to write into SQL text unquoted-by-parameter: digits, dotted digits (Flyway), R_name (repeatable). */
const SAFE_VERSION = /^(\d+(\.\d+)*|R_[A-Za-z0-9][A-Za-z0-9_-]*)$/;

/** Double-quotes an identifier so configured schema and table names are always safe. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface HistoryNames {
  schema: string;
  table: string;
}

export interface HistoryRow {
  version: string;
  name: string;
  checksum: string;
  downSql: string | null;
  status: 'applied' | 'running';
  transactional: boolean;
  appliedAt: Date;
  appliedBy: string;
  durationMs: number | null;
  environment: string | null;
  batch: number;
  /** For a dirty migration: the statement it stopped at and why. */
  error?: string | null;
}

export type LogAction = 'up' | 'down' | 'seed' | 'failed' | 'resolve' | 'backup' | 'restore' | 'baseline' | 'repair' | 'slow' | 'maintenance' | 'import';

/** A row of the seeds history table: a seed file's last run. */
export interface SeedRecord {
  name: string;
  checksum: string;
  appliedAt: Date;
  appliedBy: string;
  environment: string | null;
}

export interface LogEntry {
  id: number;
  occurredAt: Date;
  action: LogAction;
  version: string | null;
  name: string | null;
  success: boolean;
  durationMs: number | null;
  environment: string | null;
  performedBy: string;
  message: string | null;
}

/**
 * A dollar-quote tag for `value`: "dm_" and random letters, chosen again until "$<tag>" does not occur in
 * the value. Why that is enough: the quoted text is `$T$value$T$`, and the server ends it at the first
 * "$T$" after the opening one. Suppose one starts inside the value, with k of its |T| + 2 characters in
 * the value. If k >= |T| + 1, the value contains "$T": excluded. Otherwise (1 <= k <= |T|) its character
 * number k (from 0) is the first character of the closing tag, "$", and it is also T's character k - 1;
 * but T has no "$". So the only "$T$" is the closing one, whatever the value holds (quotes, backslashes,
 * "$$", a trailing "$dm"), and no server setting changes how dollar quotes are read.
 */
export function dollarTag(value: string): string {
  // The proof needs no randomness, only the check: one tag per process serves every value that does not
  // hold it (a random draw per value cost ~0.1 ms per migration); a value that holds it gets fresh ones.
  processTag ??= randomTag();
  if (!value.includes(`$${processTag}`)) return processTag;
  for (;;) {
    const tag = randomTag();
    if (!value.includes(`$${tag}`)) return tag;
  }
}

let processTag: string | undefined;

function randomTag(): string {
  return `dm_${randomBytes(6).toString('hex').replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!)}`;
}

/**
 * A SQL literal for a value: NULL, a number, a boolean, or text dollar-quoted with a tag that cannot occur
 * in it (see dollarTag). Only for the one place bind parameters cannot go: the history row that rides in
 * the same simple-protocol query as a migration's statements (batchRecordSql). Everything else uses parameters.
 */
export function literal(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  const tag = dollarTag(value);
  return `$${tag}$${value}$${tag}$`;
}

export class HistoryStore {
  readonly table: string;
  readonly logTable: string;
  readonly seedsTable: string;

  constructor(readonly names: HistoryNames) {
    const s = quoteIdent(names.schema);
    this.table = `${s}.${quoteIdent(names.table)}`;
    this.logTable = `${s}.${quoteIdent(`${names.table}_log`)}`;
    this.seedsTable = `${s}.${quoteIdent(`${names.table}_seeds`)}`;
  }

  /** Advisory-lock key shared by every runner that records into the same history table. */
  lockKeySql(): { sql: string; params: string[] } {
    return { sql: `hashtext($1)::bigint`, params: [`database-migration:${this.names.schema}.${this.names.table}`] };
  }

  /**
   * Whether the history table exists. Read from the catalog, which needs no privilege: a role that may not use the
   * schema learns that the table is missing (nothing applied) instead of a "permission denied", and is told which
   * GRANT it needs when the table is there but out of its reach.
   */
  async exists(session: Session): Promise<boolean> {
    const r = await session.query<{ found: boolean; can_use: boolean; role: string }>(
      `SELECT c.oid IS NOT NULL AS found, COALESCE(has_schema_privilege(n.oid, 'USAGE'), false) AS can_use, current_user::text AS role
         FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1 LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = $2`,
      [this.names.schema, this.names.table]);
    const row = r.rows[0];
    if (row?.found && !row.can_use) {
      throw historyPrivilegeError({ code: '42501', message: `permission denied for schema ${this.names.schema}` }, this.names, row.role);
    }
    return !!row?.found;
  }

  /** Runs a read or write of the history tables; a "permission denied" becomes a MigrationError naming the role and the GRANT. */
  async withPrivilegeCheck<T>(session: Session, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const mapped = historyPrivilegeError(err, this.names, null);
      if (mapped === err) throw err;
      throw historyPrivilegeError(err, this.names, await currentRole(session));
    }
  }

  /**
   * Creates the schema and the three history tables when missing (idempotent), after checking that the role may:
   * a role without the CREATE privilege is refused with the GRANT that fixes it. When the tables exist no DDL runs,
   * so a role that was granted their use (but may not create in the schema) records migrations fine.
   */
  async ensure(session: Session): Promise<void> {
    const access = await readHistoryAccess(session, this.names);
    const need = assertMayWriteHistory(access, this.names);
    await this.withPrivilegeCheck(session, async () => {
      if (need.createSchema) await session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.names.schema)}`);
      if (need.createTables) await this.createTables(session);
      else if (!access.hasErrorColumn) await session.exec(`ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS error text`);
    });
  }

  private async createTables(session: Session): Promise<void> {
    await session.exec(this.createTablesSql());
  }

  /** The three history tables, created when missing (the schema must exist). */
  createTablesSql(): string {
    return `
CREATE TABLE IF NOT EXISTS ${this.table} (
  version       text PRIMARY KEY,
  name          text NOT NULL,
  checksum      text NOT NULL,
  down_sql      text,
  status        text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'running')),
  transactional boolean NOT NULL DEFAULT true,
  applied_at    timestamptz NOT NULL DEFAULT now(),
  applied_by    text NOT NULL DEFAULT current_user,
  duration_ms   integer,
  environment   text,
  batch         integer NOT NULL,
  error         text
);
CREATE TABLE IF NOT EXISTS ${this.logTable} (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  action       text NOT NULL,
  version      text,
  name         text,
  success      boolean NOT NULL,
  duration_ms  integer,
  environment  text,
  performed_by text NOT NULL DEFAULT current_user,
  message      text
);
CREATE TABLE IF NOT EXISTS ${this.seedsTable} (
  name        text PRIMARY KEY,
  checksum    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  applied_by  text NOT NULL DEFAULT current_user,
  environment text
);
ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS error text;`;
  }

  /** Where a non-transactional migration stopped: shown while it is dirty. */
  async recordError(session: Session, version: string, error: string): Promise<void> {
    await session.query(`UPDATE ${this.table} SET error = $2 WHERE version = $1`, [version, error]);
  }

  async updateChecksum(session: Session, version: string, checksum: string, downSql: string | null): Promise<void> {
    await session.query(`UPDATE ${this.table} SET checksum = $2, down_sql = $3 WHERE version = $1`, [version, checksum, downSql]);
  }

  async read(session: Session, options: { withDownSql?: boolean } = {}): Promise<HistoryRow[]> {
    if (!(await this.exists(session))) return [];
    // down_sql can be large and only a rollback needs it.
    const r = await this.withPrivilegeCheck(session, () => session.query<Record<string, unknown>>(options.withDownSql === false
      ? `SELECT version, name, checksum, NULL AS down_sql, status, transactional, applied_at, applied_by, duration_ms, environment, batch, error FROM ${this.table}`
      : `SELECT * FROM ${this.table}`));
    return r.rows.map((row) => ({
      version: String(row['version']),
      name: String(row['name']),
      checksum: String(row['checksum']),
      downSql: (row['down_sql'] as string | null) ?? null,
      status: row['status'] === 'running' ? 'running' : 'applied',
      transactional: row['transactional'] !== false,
      appliedAt: new Date(row['applied_at'] as string | Date),
      appliedBy: String(row['applied_by']),
      durationMs: row['duration_ms'] == null ? null : Number(row['duration_ms']),
      environment: (row['environment'] as string | null) ?? null,
      batch: Number(row['batch']),
      error: (row['error'] as string | null | undefined) ?? null,
    }));
  }

  /**
   * The rows a status shows: no down_sql, the error only of a running (dirty) migration, and applied_at as epoch
   * milliseconds (truncated, as the driver's own timestamp parsing does), which costs a Number instead of parsing a
   * timestamp text per row.
   */
  async readForStatus(session: Session): Promise<HistoryRow[]> {
    if (!(await this.exists(session))) return [];
    const r = await this.withPrivilegeCheck(session, () => session.query<Record<string, unknown>>(
      `SELECT version, name, checksum, status, transactional, trunc(extract(epoch FROM applied_at) * 1000)::float8 AS applied_ms, applied_by,
              duration_ms, environment, batch, CASE WHEN status = 'running' THEN error END AS error FROM ${this.table}`));
    const rows = r.rows;
    const out: HistoryRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      out[i] = {
        version: String(row['version']),
        name: String(row['name']),
        checksum: String(row['checksum']),
        downSql: null,
        status: row['status'] === 'running' ? 'running' : 'applied',
        transactional: row['transactional'] !== false,
        appliedAt: new Date(Number(row['applied_ms'])),
        appliedBy: String(row['applied_by']),
        durationMs: row['duration_ms'] == null ? null : Number(row['duration_ms']),
        environment: (row['environment'] as string | null) ?? null,
        batch: Number(row['batch']),
        error: (row['error'] as string | null | undefined) ?? null,
      };
    }
    return out;
  }

  async nextBatch(session: Session): Promise<number> {
    const r = await session.query<{ b: number | string | null }>(`SELECT max(batch) AS b FROM ${this.table}`);
    return Number(r.rows[0]?.b ?? 0) + 1;
  }

  async insert(session: Session, row: Omit<HistoryRow, 'appliedAt' | 'appliedBy'> & { appliedBy: string }): Promise<void> {
    await this.replaceRepeatable(session, row.version);
    await session.query(
      `INSERT INTO ${this.table} (version, name, checksum, down_sql, status, transactional, applied_by, duration_ms, environment, batch)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [row.version, row.name, row.checksum, row.downSql, row.status, row.transactional, row.appliedBy, row.durationMs, row.environment, row.batch]);
  }

  /**
   * Records a migration another tool applied (--import-history): when, by whom and how long come from that tool's
   * table where it kept them (now() and the importing user otherwise), a dirty one with the reason in "error".
   */
  async insertImported(session: Session, row: Omit<HistoryRow, 'appliedAt'> & { appliedAt: Date | null }): Promise<void> {
    await session.query(
      `INSERT INTO ${this.table} (version, name, checksum, down_sql, status, transactional, applied_at, applied_by, duration_ms, environment, batch, error)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, now()), $8, $9, $10, $11, $12)`,
      [row.version, row.name, row.checksum, row.downSql, row.status, row.transactional, row.appliedAt ? row.appliedAt.toISOString() : null,
        row.appliedBy, row.durationMs, row.environment, row.batch, row.error ?? null]);
  }

  /** A repeatable migration applied again replaces its row: the old one goes first (in the caller's transaction, when there is one). */
  private async replaceRepeatable(session: Session, version: string): Promise<void> {
    if (isRepeatableVersion(version)) await session.query(`DELETE FROM ${this.table} WHERE version = $1`, [version]);
  }

  /** Records an applied migration and its log entry in one statement, with bind parameters. */
  async insertWithLog(session: Session, row: Omit<HistoryRow, 'appliedAt' | 'appliedBy'> & { appliedBy: string }, action: LogAction): Promise<void> {
    await this.replaceRepeatable(session, row.version);
    await session.query(
      `WITH h AS (
  INSERT INTO ${this.table} (version, name, checksum, down_sql, status, transactional, applied_by, duration_ms, environment, batch)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING version, name, duration_ms)
INSERT INTO ${this.logTable} (action, version, name, success, duration_ms, environment, performed_by)
SELECT $11, version, name, true, duration_ms, $9, $7 FROM h`,
      [row.version, row.name, row.checksum, row.downSql, row.status, row.transactional, row.appliedBy, row.durationMs, row.environment, row.batch, action]);
  }

  /**
   * SQL text (no parameters) that records an applied migration and its log entry in the same query as the
   * migration's statements (and COMMIT), saving a round trip per migration. A multi-statement simple query
   * cannot take bind parameters, so:
   *  - `before` goes ahead of the statements, at a point where nothing is open (no string, comment or
   *    quote), and holds every value, each dollar-quoted with a tag that cannot occur in it (dollarTag):
   *    nothing in a value, and nothing in the migration (which comes after), can end one early;
   *  - `after` follows the statements and holds no text from any file or user: identifiers, constants, the
   *    server-measured duration and the version, which is digits only. It finishes the row and writes the log.
   */
  batchRecordSql(row: Omit<HistoryRow, 'appliedAt' | 'appliedBy'> & { appliedBy: string }, action: LogAction,
    options: { commit: boolean }): { before: string; after: string } {
    if (!SAFE_VERSION.test(row.version)) throw new Error(`migration version ${JSON.stringify(row.version)} is not digits, dotted digits or R_name`);
    const v = [row.version, row.name, row.checksum, row.downSql, row.status, row.transactional, row.appliedBy, row.durationMs, row.environment, row.batch].map(literal);
    // A repeatable migration applied again replaces its row.
    const before = `${isRepeatableVersion(row.version) ? `DELETE FROM ${this.table} WHERE version = ${v[0]};\n` : ''}INSERT INTO ${this.table} (version, name, checksum, down_sql, status, transactional, applied_by, duration_ms, environment, batch)
VALUES (${v.join(', ')});\n`;
    // The server measures the time: clock_timestamp() advances, statement_timestamp() is when the query arrived.
    const after = `WITH h AS (
  UPDATE ${this.table} SET duration_ms = ${HistoryStore.SERVER_ELAPSED_MS} WHERE version = '${row.version}'
  RETURNING version, name, duration_ms, environment, applied_by)
INSERT INTO ${this.logTable} (action, version, name, success, duration_ms, environment, performed_by)
SELECT '${action}', version, name, true, duration_ms, environment, applied_by FROM h
RETURNING duration_ms${options.commit ? ';\nCOMMIT' : ';'}`;
    return { before, after };
  }

  /** SQL for the server-measured time since this query arrived, in whole milliseconds. */
  static readonly SERVER_ELAPSED_MS = `(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer`;

  /**
   * Waits until every earlier commit of this session is on disk ("fastCommit" runs that stopped after an
   * asynchronous commit): a transaction that writes (the row is rewritten unchanged) commits with the
   * server's synchronous_commit, and flushing its commit record flushes all WAL before it.
   */
  async flushCommits(session: Session, version: string): Promise<void> {
    await session.query(`UPDATE ${this.table} SET duration_ms = duration_ms WHERE version = $1`, [version]);
  }

  async markApplied(session: Session, version: string, durationMs: number): Promise<void> {
    await session.query(`UPDATE ${this.table} SET status = 'applied', duration_ms = $2, applied_at = now(), error = NULL WHERE version = $1`, [version, durationMs]);
  }

  /** Marks a running (non-transactional) migration applied and logs it in one statement, so no crash separates the two. */
  async markAppliedWithLog(session: Session, version: string, durationMs: number, environment: string, performedBy: string): Promise<void> {
    await session.query(
      `WITH h AS (UPDATE ${this.table} SET status = 'applied', duration_ms = $2, applied_at = now(), error = NULL WHERE version = $1 RETURNING version, name)
       INSERT INTO ${this.logTable} (action, version, name, success, duration_ms, environment, performed_by)
       SELECT 'up', version, name, true, $2, $3, $4 FROM h`, [version, durationMs, environment, performedBy]);
  }

  /** Forgets a rolled-back migration and logs it in one statement. */
  async removeWithLog(session: Session, version: string, durationMs: number, environment: string, performedBy: string, message: string | null = null): Promise<void> {
    await session.query(
      `WITH h AS (DELETE FROM ${this.table} WHERE version = $1 RETURNING version, name)
       INSERT INTO ${this.logTable} (action, version, name, success, duration_ms, environment, performed_by, message)
       SELECT 'down', version, name, true, $2, $3, $4, $5 FROM h`, [version, durationMs, environment, performedBy, message]);
  }

  async markRunning(session: Session, version: string): Promise<void> {
    await session.query(`UPDATE ${this.table} SET status = 'running' WHERE version = $1`, [version]);
  }

  async remove(session: Session, version: string): Promise<void> {
    await session.query(`DELETE FROM ${this.table} WHERE version = $1`, [version]);
  }

  async log(session: Session, entry: { action: LogAction; version?: string | null; name?: string | null; success: boolean; durationMs?: number | null; environment: string; performedBy: string; message?: string | null }): Promise<void> {
    await session.query(
      `INSERT INTO ${this.logTable} (action, version, name, success, duration_ms, environment, performed_by, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.action, entry.version ?? null, entry.name ?? null, entry.success, entry.durationMs ?? null, entry.environment, entry.performedBy, entry.message ?? null]);
  }

  async readLog(session: Session, limit = 100): Promise<LogEntry[]> {
    if (!(await this.exists(session))) return [];
    const r = await this.withPrivilegeCheck(session, () => session.query<Record<string, unknown>>(
      `SELECT id, occurred_at, action, version, name, success, duration_ms, environment, performed_by, message
         FROM ${this.logTable} ORDER BY id DESC LIMIT $1`, [limit]));
    return r.rows.map((row) => ({
      id: Number(row['id']),
      occurredAt: new Date(row['occurred_at'] as string | Date),
      action: row['action'] as LogAction,
      version: (row['version'] as string | null) ?? null,
      name: (row['name'] as string | null) ?? null,
      success: row['success'] === true,
      durationMs: row['duration_ms'] == null ? null : Number(row['duration_ms']),
      environment: (row['environment'] as string | null) ?? null,
      performedBy: String(row['performed_by']),
      message: (row['message'] as string | null) ?? null,
    }));
  }

  /** The seeds history (each seed file's last run), empty when the table is not there yet; oldest name first. */
  async readSeeds(session: Session): Promise<SeedRecord[]> {
    const found = await session.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [this.seedsTable]);
    if (!found.rows[0]?.t) return [];
    const r = await this.withPrivilegeCheck(session, () => session.query<Record<string, unknown>>(
      `SELECT name, checksum, applied_at, applied_by, environment FROM ${this.seedsTable} ORDER BY name`));
    return r.rows.map((row) => ({
      name: String(row['name']), checksum: String(row['checksum']), appliedAt: new Date(row['applied_at'] as string | Date),
      appliedBy: String(row['applied_by']), environment: (row['environment'] as string | null) ?? null,
    }));
  }

  /** When a successful "seed" log entry named `name` was last written (the sample data set is logged under its directory), or null. */
  async lastSeedLog(session: Session, name: string): Promise<{ occurredAt: Date; environment: string | null; performedBy: string } | null> {
    if (!(await this.exists(session))) return null;
    const r = await this.withPrivilegeCheck(session, () => session.query<{ occurred_at: string | Date; environment: string | null; performed_by: string }>(
      `SELECT occurred_at, environment, performed_by FROM ${this.logTable} WHERE action = 'seed' AND success AND name = $1 ORDER BY id DESC LIMIT 1`, [name]));
    const row = r.rows[0];
    return row ? { occurredAt: new Date(row.occurred_at), environment: row.environment, performedBy: String(row.performed_by) } : null;
  }

  async recordSeed(session: Session, name: string, checksum: string, appliedBy: string, environment: string): Promise<void> {
    await session.query(
      `INSERT INTO ${this.seedsTable} (name, checksum, applied_by, environment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now(), applied_by = EXCLUDED.applied_by, environment = EXCLUDED.environment`,
      [name, checksum, appliedBy, environment]);
  }
}
