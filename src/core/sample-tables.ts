/** Schema introspection and the idempotent upsert the sample-data loader and generator share. */
import type { Session } from './db/database';
import type { SampleDataFile, SampleRecord } from './sample-data';
// ---------- schema introspection ------------------------------------------------

export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Identity ALWAYS or generated: never written. */
  readOnly: boolean;
}

export async function tableColumns(session: Session, table: string): Promise<Map<string, ColumnInfo> | null> {
  const r = await session.query<{ name: string; type: string; not_null: boolean; has_default: boolean; read_only: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            (a.atthasdef OR a.attidentity <> '') AS has_default,
            (a.attidentity = 'a' OR a.attgenerated <> '') AS read_only
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`, [quoteIdent(table)]);
  if (r.rows.length === 0) return null;
  return new Map(r.rows.map((c) => [c.name, { name: c.name, type: c.type, notNull: c.not_null, hasDefault: c.has_default, readOnly: c.read_only }]));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ---------- idempotent upsert ------------------------------------------------------

/**
 * One row for `table`: `values` maps a column to its value; `extra` is what has no column of its own and goes
 * into the `metadata` JSONB column when the table has one.
 */
export interface PlannedRow {
  values: Record<string, unknown>;
  extra: Record<string, unknown>;
}

/**
 * Inserts the row when no row has the same natural key, updates it only when a stored value differs, and
 * leaves it untouched otherwise: loading twice writes nothing the second time (no updated_at churn).
 * Works without a unique constraint on the key, so it adapts to any version of the schema.
 */
export async function upsertRow(session: Session, table: string, columns: Map<string, ColumnInfo>, key: string[], row: PlannedRow): Promise<'inserted' | 'updated' | 'unchanged'> {
  const values: Record<string, unknown> = {};
  const extra: Record<string, unknown> = { ...row.extra };
  for (const [col, v] of Object.entries(row.values)) {
    const info = columns.get(col);
    if (info && !info.readOnly) values[col] = v;
    else if (v !== null && v !== undefined) extra[col] = v;
  }
  const meta = columns.get('metadata');
  if (meta && !meta.readOnly && Object.keys(extra).length > 0 && !('metadata' in values)) values['metadata'] = JSON.stringify(extra);
  for (const k of key) {
    if (!(k in values)) throw new Error(`natural key column ${table}.${k} is missing`);
  }
  const cols = Object.keys(values);
  const params = cols.map((c) => values[c]);
  const cast = (c: string, i: number) => `$${i + 1}::${columns.get(c)!.type}`;
  const keyWhere = key.map((k) => `${quoteIdent(k)} = ${cast(k, cols.indexOf(k))}`).join(' AND ');
  const t = quoteIdent(table);
  // Only the key's parameters, numbered $1..$k: PostgreSQL rejects parameters a statement never uses.
  const exists = await session.query(`SELECT 1 FROM ${t} WHERE ${key.map((k, i) => `${quoteIdent(k)} = $${i + 1}::${columns.get(k)!.type}`).join(' AND ')} LIMIT 1`,
    key.map((k) => values[k]));
  if (exists.rows.length === 0) {
    await session.query(`INSERT INTO ${t} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(cast).join(', ')})`, params);
    return 'inserted';
  }
  const rest = cols.filter((c) => !key.includes(c));
  if (rest.length === 0) return 'unchanged';
  const r = await session.query(
    `UPDATE ${t} SET ${rest.map((c) => `${quoteIdent(c)} = ${cast(c, cols.indexOf(c))}`).join(', ')}
      WHERE ${keyWhere} AND (${rest.map(quoteIdent).join(', ')}) IS DISTINCT FROM (${rest.map((c) => cast(c, cols.indexOf(c))).join(', ')})`,
    params);
  return r.rowCount > 0 ? 'updated' : 'unchanged';
}

export function citations(file: SampleDataFile, rec: SampleRecord): string[] {
  return rec.source.map((s) => file.sources[s]!);
}

export async function idsBy(session: Session, table: string, keyColumn: string): Promise<Map<string, unknown>> {
  const r = await session.query<{ k: string; id: unknown }>(`SELECT ${quoteIdent(keyColumn)}::text AS k, id FROM ${quoteIdent(table)}`);
  return new Map(r.rows.map((x) => [x.k, x.id]));
}

// ---------- public API ---------------------------------------------------------------

export interface LoadedTable {
  table: string;
  /** Sample rows the table holds after the load (inserted + updated + unchanged). */
  rows: number;
  inserted: number;
  updated: number;
  /** Set when the table does not exist in this schema, so nothing was loaded into it. */
  skipped?: string;
}

export interface SampleDataOptions {
  /** false when the caller already opened a transaction (the engine's seed run); default true: BEGIN ... COMMIT here. */
  ownTransaction?: boolean;
}

/** Tables the sample data goes into, in load order (parents before children). */
export const SAMPLE_TABLES = ['agencies', 'space_objects', 'space_object_classes', 'orbital_elements', 'missions', 'mission_agencies',
  'mission_targets', 'astronauts', 'mission_crew', 'spacecraft', 'instruments', 'milestones'] as const;

/** Tables generateScale fills; the first one that exists of each list is used. */
export const OBSERVATION_TABLES = ['observations'];
export const API_LOG_TABLES = ['api_request_log', 'api_request_logs', 'api_requests', 'api_logs'];
