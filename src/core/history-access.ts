/**
 * What the connecting role may do with the history tables, read from the catalog before anything is created or
 * written, so a missing privilege is a MigrationError naming the schema, the role and the GRANT that fixes it
 * (PostgreSQL 15 and later: only the database owner may create in "public" unless granted) — never a raw
 * "permission denied" halfway through a run.
 */
import { asServerError, type Session } from './db/database';
import { MigrationError } from './errors';

export interface HistoryTableNames {
  schema: string;
  table: string;
}

/** The privileges each history table needs for every command that writes: main table, log, seeds. */
const NEEDED: [suffix: string, privileges: string[]][] = [
  ['', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']],
  ['_log', ['SELECT', 'INSERT']],
  ['_seeds', ['SELECT', 'INSERT', 'UPDATE']],
];

export interface HistoryAccess {
  role: string;
  database: string;
  schemaExists: boolean;
  canUseSchema: boolean;
  canCreateInSchema: boolean;
  canCreateSchema: boolean;
  /** Existing history tables by name, with the needed privileges the role lacks on each. */
  tables: Map<string, string[]>;
  /** Whether the main table already has the "error" column (added by a later version). */
  hasErrorColumn: boolean;
}

/** An identifier as it would be typed in a GRANT: bare when it is a plain lower-case name, else double-quoted. */
export function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export async function readHistoryAccess(session: Session, names: HistoryTableNames): Promise<HistoryAccess> {
  const tableNames = NEEDED.map(([suffix]) => `${names.table}${suffix}`);
  const checks = NEEDED.flatMap(([suffix, privileges]) => privileges.map((p) =>
    `CASE WHEN c.relname = '${names.table.replace(/'/g, "''")}${suffix}' AND NOT has_table_privilege(c.oid, '${p}') THEN '${p}' END`));
  const r = await session.query<{ role: string; db: string; schema_exists: boolean; can_use: boolean; can_create: boolean; can_create_schema: boolean;
    tables: { name: string; missing: (string | null)[] }[]; has_error_column: boolean }>(
    `SELECT current_user::text AS role, current_database()::text AS db, n.oid IS NOT NULL AS schema_exists,
            COALESCE(has_schema_privilege(n.oid, 'USAGE'), false) AS can_use,
            COALESCE(has_schema_privilege(n.oid, 'CREATE'), false) AS can_create,
            has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
            (SELECT COALESCE(json_agg(json_build_object('name', c.relname, 'missing', ARRAY[${checks.join(', ')}])), '[]'::json)
               FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = ANY($2::text[])) AS tables,
            EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                     WHERE c.relnamespace = n.oid AND c.relname = $3 AND a.attname = 'error' AND NOT a.attisdropped) AS has_error_column
       FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1`, [names.schema, tableNames, names.table]);
  const row = r.rows[0]!;
  const tables = new Map<string, string[]>();
  for (const t of row.tables) tables.set(t.name, t.missing.filter((m): m is string => !!m));
  return {
    role: row.role, database: row.db, schemaExists: row.schema_exists, canUseSchema: row.can_use, canCreateInSchema: row.can_create,
    canCreateSchema: row.can_create_schema, tables, hasErrorColumn: row.has_error_column,
  };
}

const OR_CONFIGURE = (role: string) => `or set "history.schema" in database-migration.config.json to a schema ${role} owns`;

/**
 * Refuses, before anything changes, a write command whose role cannot create the missing history schema or tables,
 * or lacks a privilege on the existing ones. Returns whether any table is missing (so they must be created).
 */
export function assertMayWriteHistory(a: HistoryAccess, names: HistoryTableNames): { createSchema: boolean; createTables: boolean } {
  const role = sqlName(a.role);
  const schema = sqlName(names.schema);
  if (!a.schemaExists) {
    if (!a.canCreateSchema) {
      throw new MigrationError('E_HISTORY_PRIVILEGE',
        `history schema "${names.schema}" does not exist, and role "${a.role}" may not create it (no CREATE privilege on database "${a.database}")`,
        `as the database owner run CREATE SCHEMA ${schema} AUTHORIZATION ${role}; (or GRANT CREATE ON DATABASE ${sqlName(a.database)} TO ${role};), ${OR_CONFIGURE(a.role)}`);
    }
    return { createSchema: true, createTables: true };
  }
  if (!a.canUseSchema) {
    throw new MigrationError('E_HISTORY_PRIVILEGE', `role "${a.role}" has no USAGE privilege on history schema "${names.schema}"`,
      `as the schema owner run GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}; ${OR_CONFIGURE(a.role)}`);
  }
  const createTables = a.tables.size < NEEDED.length;
  if (createTables && !a.canCreateInSchema) {
    throw new MigrationError('E_HISTORY_PRIVILEGE',
      `role "${a.role}" may not create the history tables in schema "${names.schema}" (no CREATE privilege on the schema${names.schema === 'public' ? '; since PostgreSQL 15 only the database owner may create in "public" unless granted' : ''})`,
      `as the schema owner run GRANT CREATE ON SCHEMA ${schema} TO ${role}; ${OR_CONFIGURE(a.role)}`);
  }
  for (const [name, missing] of a.tables) {
    if (missing.length === 0) continue;
    const grants = NEEDED.map(([suffix, p]) => `GRANT ${p.join(', ')} ON ${schema}.${sqlName(`${names.table}${suffix}`)} TO ${role};`).join(' ');
    throw new MigrationError('E_HISTORY_PRIVILEGE', `role "${a.role}" lacks ${missing.join(', ')} on history table "${names.schema}"."${name}"`,
      `as the owner of the history tables run ${grants} — or run as the role that owns them`);
  }
  return { createSchema: false, createTables };
}

/** A "permission denied" (SQLSTATE 42501) from reading or writing the history tables, as a MigrationError; anything else unchanged. */
export function historyPrivilegeError(err: unknown, names: HistoryTableNames, role: string | null): unknown {
  const se = asServerError(err);
  if (!se || se.code !== '42501') return err;
  const who = role ? `role "${role}"` : 'the connecting role';
  return new MigrationError('E_HISTORY_PRIVILEGE', `${who} may not use the history tables in schema "${names.schema}": ${se.message}`,
    `as their owner grant ${role ? sqlName(role) : 'the role'} USAGE on schema ${sqlName(names.schema)} and SELECT, INSERT, UPDATE, DELETE on ${sqlName(names.table)} and its _log and _seeds tables, ${OR_CONFIGURE(role ?? 'the role')}`,
    {}, { cause: err });
}

/** The current role, or null when the session cannot tell (e.g. inside an aborted transaction). */
export async function currentRole(session: Session): Promise<string | null> {
  try {
    return (await session.query<{ r: string }>('SELECT current_user::text AS r')).rows[0]?.r ?? null;
  } catch {
    return null;
  }
}
