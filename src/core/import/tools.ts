/**
 * The history tables other migration tools keep in PostgreSQL, exactly as each tool creates them, and reading
 * their rows (read only: nothing here writes to another tool's table). Interpreting the rows is tool-history.ts.
 *
 * golang-migrate (database/postgres driver, default table "schema_migrations" in the connection's schema):
 *   CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)
 *   One row: the current version (everything at or below it is applied); dirty = it stopped partway through.
 *   A migration down to nothing leaves the table empty.
 * dbmate (pkg/driver/postgres, default table "schema_migrations"):
 *   create table if not exists schema_migrations (version varchar(128) primary key)
 *   One row per applied migration: the leading digits of its file name (usually a timestamp).
 * Flyway (flyway-core, PostgreSQL createMetaDataTable.sql, default table "flyway_schema_history" in the first of
 * "schemas" or the connection's default schema):
 *   CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50),
 *     "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL,
 *     "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
 *     "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
 *   ALTER TABLE ... ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
 *   CREATE INDEX "flyway_schema_history_s_idx" ON ... ("success");
 *   Append-only: every run, baseline, undo and repair is a row; the latest by installed_rank says the state.
 *   "checksum" is the CRC32 of the script's lines (see checksums.ts), NULL for baselines and Java migrations.
 * node-pg-migrate (runner.ts, default table "pgmigrations" in the "public" schema):
 *   CREATE TABLE pgmigrations (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL)
 *   One row per applied migration: its file name without the extension; run_on = now() in the session's time zone.
 * Sqitch (lib/App/Sqitch/Engine/pg.sql, registry schema "sqitch"), the table read here:
 *   CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL,
 *     project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '',
 *     committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL,
 *     committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL,
 *     planner_email TEXT NOT NULL, UNIQUE(project, script_hash))
 *   One row per change deployed now (a revert deletes it; the full story is in sqitch.events);
 *   script_hash = SHA-1 of the deploy script's bytes (pg-1.0.sql: "Deploy script SHA-1 hash").
 */
import type { Session } from '../db/database';
import { MigrationError } from '../errors';
import { quoteIdent } from '../history';

export const IMPORT_TOOLS = ['golang-migrate', 'dbmate', 'flyway', 'node-pg-migrate', 'sqitch'] as const;
export type ImportTool = (typeof IMPORT_TOOLS)[number];

export interface ToolTable {
  tool: ImportTool;
  schema: string;
  table: string;
}

/** Where each tool keeps its history by default. */
export const DEFAULT_TABLES: Record<ImportTool, { schema: string; table: string }> = {
  'golang-migrate': { schema: 'public', table: 'schema_migrations' },
  dbmate: { schema: 'public', table: 'schema_migrations' },
  flyway: { schema: 'public', table: 'flyway_schema_history' },
  'node-pg-migrate': { schema: 'public', table: 'pgmigrations' },
  sqitch: { schema: 'sqitch', table: 'changes' },
};

/** The columns the import reads from each tool's table. */
const COLUMNS: Record<ImportTool, string[]> = {
  'golang-migrate': ['version', 'dirty'],
  dbmate: ['version'],
  flyway: ['installed_rank', 'version', 'description', 'type', 'script', 'checksum', 'installed_by', 'installed_on', 'execution_time', 'success'],
  'node-pg-migrate': ['id', 'name', 'run_on'],
  sqitch: ['change_id', 'script_hash', 'change', 'project', 'committed_at', 'committer_name'],
};

export function isImportTool(value: string): value is ImportTool {
  return (IMPORT_TOOLS as readonly string[]).includes(value);
}

/** "schema"."table" as messages show it. */
export function tableLabel(t: { schema: string; table: string }): string {
  return `${t.schema}.${t.table}`;
}

/**
 * The tool (and table) a --import-history value names: "flyway", "flyway:app" (schema) or
 * "flyway:app.flyway_history" (schema and table). Undefined: nothing named (auto-detection).
 */
export function parseToolSpec(spec: string): ToolTable {
  const [toolPart, where] = spec.split(/:(.*)/s) as [string, string | undefined];
  const tool = toolPart.trim().toLowerCase();
  if (!isImportTool(tool)) {
    throw new MigrationError('E_USAGE', `"${toolPart}" is not a tool whose history can be imported`,
      `name one of ${IMPORT_TOOLS.join(', ')} (optionally TOOL:SCHEMA or TOOL:SCHEMA.TABLE), or leave it out to detect it`);
  }
  const defaults = DEFAULT_TABLES[tool];
  if (where === undefined || where.trim() === '') return { tool, ...defaults };
  const dot = where.indexOf('.');
  const schema = (dot === -1 ? where : where.slice(0, dot)).trim();
  const table = dot === -1 ? defaults.table : where.slice(dot + 1).trim();
  if (!schema || !table) {
    throw new MigrationError('E_USAGE', `"${spec}" does not name a schema and table`, `write ${tool}:SCHEMA or ${tool}:SCHEMA.TABLE, e.g. ${tool}:${defaults.schema}.${defaults.table}`);
  }
  return { tool, schema, table };
}

/** The columns of `schema.table`, or null when there is no such table. */
export async function tableColumns(session: Session, t: { schema: string; table: string }): Promise<string[] | null> {
  const r = await session.query<{ found: boolean; columns: string[] | null }>(
    `SELECT c.oid IS NOT NULL AS found,
            (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1 LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [t.schema, t.table]);
  const row = r.rows[0];
  return row?.found ? (row.columns ?? []) : null;
}

/** Refuses a table that is missing or lacks a column the tool's table has. */
export async function assertToolTable(session: Session, t: ToolTable): Promise<void> {
  const columns = await tableColumns(session, t);
  if (columns === null) {
    throw new MigrationError('E_IMPORT_NO_TABLE', `no ${t.tool} history table ${tableLabel(t)} in this database`,
      `check the environment (--env / --url), or name where ${t.tool} keeps it: --import-history ${t.tool}:SCHEMA.TABLE`);
  }
  if (t.tool === 'dbmate' && columns.includes('dirty')) {
    throw new MigrationError('E_IMPORT_TABLE_SHAPE', `${tableLabel(t)} has a "dirty" column: it is golang-migrate's history table, not dbmate's`,
      'import it with --import-history golang-migrate (it holds the current version only, not one row per migration)');
  }
  const missing = COLUMNS[t.tool].filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new MigrationError('E_IMPORT_TABLE_SHAPE', `${tableLabel(t)} is not ${t.tool}'s history table: it has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`,
      `name the tool that made it (--import-history ${IMPORT_TOOLS.filter((x) => x !== t.tool).join(' | ')}), or the right table with ${t.tool}:SCHEMA.TABLE`);
  }
}

/**
 * The tool whose history table this database holds, for --import-history without a tool: the tables at their
 * default places; schema_migrations is golang-migrate's when it has a "dirty" column, else dbmate's.
 */
export async function detectToolTables(session: Session): Promise<ToolTable[]> {
  const found: ToolTable[] = [];
  const shared = await tableColumns(session, DEFAULT_TABLES.dbmate);
  if (shared) {
    const tool: ImportTool = shared.includes('dirty') ? 'golang-migrate' : 'dbmate';
    found.push({ tool, ...DEFAULT_TABLES[tool] });
  }
  for (const tool of ['flyway', 'node-pg-migrate', 'sqitch'] as const) {
    if (await tableColumns(session, DEFAULT_TABLES[tool])) found.push({ tool, ...DEFAULT_TABLES[tool] });
  }
  return found;
}

export interface GolangMigrateRow { version: string; dirty: boolean }
export interface DbmateRow { version: string }
export interface FlywayRow {
  installedRank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installedBy: string;
  installedOn: Date;
  executionTime: number;
  success: boolean;
}
export interface NodePgMigrateRow { id: number; name: string; runOn: Date }
export interface SqitchRow { changeId: string; scriptHash: string | null; change: string; project: string; committedAt: Date; committerName: string }

export type ToolRows =
  | { tool: 'golang-migrate'; rows: GolangMigrateRow[] }
  | { tool: 'dbmate'; rows: DbmateRow[] }
  | { tool: 'flyway'; rows: FlywayRow[] }
  | { tool: 'node-pg-migrate'; rows: NodePgMigrateRow[] }
  | { tool: 'sqitch'; rows: SqitchRow[] };

/** A "timestamp without time zone" the tool wrote with now(): read back as the instant it was in the session's time zone. */
const LOCAL_TS = (col: string) => `(${quoteIdent(col)} AT TIME ZONE current_setting('TimeZone'))`;

/** Every row of the tool's table, in the tool's own order (read only). */
export async function readToolRows(session: Session, t: ToolTable): Promise<ToolRows> {
  const from = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
  switch (t.tool) {
    case 'golang-migrate': {
      const r = await session.query<{ version: string; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${from} ORDER BY version`);
      return { tool: t.tool, rows: r.rows.map((x) => ({ version: String(x.version), dirty: x.dirty === true })) };
    }
    case 'dbmate': {
      const r = await session.query<{ version: string }>(`SELECT version::text AS version FROM ${from} ORDER BY version`);
      return { tool: t.tool, rows: r.rows.map((x) => ({ version: String(x.version) })) };
    }
    case 'flyway': {
      const r = await session.query<Record<string, unknown>>(
        `SELECT installed_rank, version, description, type, script, checksum, installed_by, ${LOCAL_TS('installed_on')} AS installed_on, execution_time, success
           FROM ${from} ORDER BY installed_rank`);
      return { tool: t.tool, rows: r.rows.map((x) => ({
        installedRank: Number(x['installed_rank']), version: x['version'] == null ? null : String(x['version']), description: String(x['description'] ?? ''),
        type: String(x['type']), script: String(x['script']), checksum: x['checksum'] == null ? null : Number(x['checksum']),
        installedBy: String(x['installed_by']), installedOn: new Date(x['installed_on'] as string | Date), executionTime: Number(x['execution_time'] ?? 0),
        success: x['success'] === true,
      })) };
    }
    case 'node-pg-migrate': {
      const r = await session.query<Record<string, unknown>>(`SELECT id, name, ${LOCAL_TS('run_on')} AS run_on FROM ${from} ORDER BY run_on, id`);
      return { tool: t.tool, rows: r.rows.map((x) => ({ id: Number(x['id']), name: String(x['name']), runOn: new Date(x['run_on'] as string | Date) })) };
    }
    case 'sqitch': {
      const r = await session.query<Record<string, unknown>>(
        `SELECT change_id, script_hash, change, project, committed_at, committer_name FROM ${from} ORDER BY committed_at, change_id`);
      return { tool: t.tool, rows: r.rows.map((x) => ({
        changeId: String(x['change_id']), scriptHash: x['script_hash'] == null ? null : String(x['script_hash']), change: String(x['change']),
        project: String(x['project']), committedAt: new Date(x['committed_at'] as string | Date), committerName: String(x['committer_name']),
      })) };
    }
  }
}
