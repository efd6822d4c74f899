/** What --seed --scale reads from the catalog about a table it fills: columns, types, keys and simple checks. */
import type { Session } from './db/database';
import { quoteIdent } from './history';
import { sqlName } from './history-access';

export interface ScaleColumn {
  name: string;
  /** As format_type prints it (domains by their own name). */
  type: string;
  /** pg_type.typname of the base type (a domain's underlying type): int4, text, timestamptz, ... */
  base: string;
  /** typcategory of the base type: A array, B boolean, D date/time, E enum, N numeric, S string, U user, ... */
  category: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Identity ALWAYS or generated: never written. */
  readOnly: boolean;
  /** varchar(n) / char(n): n. */
  maxLength: number | null;
  /** numeric(p, s): the largest whole part it holds (10^(p-s) - 1), else null. */
  maxWhole: number | null;
  /** numeric(p, s): s. */
  scale: number | null;
  enumLabels: string[] | null;
  /** A single-column foreign key: the referenced table (regclass text) and column. */
  references: { table: string; column: string } | null;
  /** The column alone is unique (primary key, unique constraint or unique index). */
  unique: boolean;
  /** A CHECK of the form col IN (...) / col = ANY (ARRAY[...]): the values it allows. */
  allowed: string[] | null;
  /** Some CHECK constraint mentions the column. */
  checked: boolean;
}

export interface ScaleTable {
  /** As the config names it. */
  name: string;
  /** Quoted, schema-qualified: what COPY and SELECT use. */
  qualified: string;
  columns: ScaleColumn[];
}

/** "schema.table" or "table" as a quoted identifier. */
export function qualify(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

interface ColumnRow {
  name: string; attnum: number; type: string; base: string; category: string; not_null: boolean; has_default: boolean;
  read_only: boolean; typmod: number; enum_labels: string[] | null;
}

/** The table's columns with what generators need to know, or null when the table does not exist. */
export async function readScaleTable(session: Session, name: string): Promise<ScaleTable | null> {
  const qualified = qualify(name);
  const cols = await session.query<ColumnRow>(
    `SELECT a.attname AS name, a.attnum::int AS attnum, format_type(a.atttypid, a.atttypmod) AS type, bt.typname::text AS base,
            bt.typcategory::text AS category, (a.attnotnull OR t.typnotnull) AS not_null,
            (a.atthasdef OR a.attidentity <> '' OR t.typdefault IS NOT NULL) AS has_default,
            (a.attidentity = 'a' OR a.attgenerated <> '') AS read_only,
            CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END::int AS typmod,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid) AS enum_labels
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`, [qualified]);
  if (cols.rows.length === 0) return null;
  const fks = await session.query<{ attnum: number; ref_table: string; ref_column: string }>(
    `SELECT c.conkey[1]::int AS attnum, c.confrelid::regclass::text AS ref_table, ra.attname::text AS ref_column
       FROM pg_constraint c JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
      WHERE c.conrelid = to_regclass($1) AND c.contype = 'f' AND cardinality(c.conkey) = 1`, [qualified]);
  const uniques = await session.query<{ attnum: number }>(
    `SELECT i.indkey[0]::int AS attnum FROM pg_index i
      WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnkeyatts = 1 AND i.indexprs IS NULL AND i.indpred IS NULL`, [qualified]);
  const checks = await session.query<{ conkey: number[]; def: string }>(
    `SELECT c.conkey::int[] AS conkey, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      WHERE c.conrelid = to_regclass($1) AND c.contype = 'c'`, [qualified]);
  const columns = cols.rows.map((c): ScaleColumn => {
    const fk = fks.rows.find((f) => f.attnum === c.attnum);
    const own = checks.rows.filter((k) => (k.conkey ?? []).includes(c.attnum));
    const numeric = c.base === 'numeric' && c.typmod >= 4 ? { p: ((c.typmod - 4) >> 16) & 0xffff, s: (c.typmod - 4) & 0xffff } : null;
    return {
      name: c.name, type: c.type, base: c.base, category: c.category, notNull: c.not_null, hasDefault: c.has_default, readOnly: c.read_only,
      maxLength: ['varchar', 'bpchar'].includes(c.base) && c.typmod > 4 ? c.typmod - 4 : null,
      maxWhole: numeric ? 10 ** (numeric.p - numeric.s) - 1 : null, scale: numeric ? numeric.s : null,
      enumLabels: c.enum_labels, references: fk ? { table: fk.ref_table, column: fk.ref_column } : null,
      unique: uniques.rows.some((u) => u.attnum === c.attnum),
      allowed: own.filter((k) => k.conkey.length === 1).map((k) => allowedValues(k.def, c.name)).find((v) => v !== null) ?? null,
      checked: own.length > 0,
    };
  });
  return { name, qualified, columns };
}

/**
 * The values of "CHECK ((col = ANY (ARRAY['a'::text, 'b'::text])))" (how PostgreSQL prints col IN ('a', 'b')), or
 * null for any other check.
 */
export function allowedValues(def: string, column: string): string[] | null {
  const col = sqlName(column);
  const esc = col.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^CHECK \\(+${esc}(?:\\)?::[a-z ]+)? = ANY \\(+ARRAY\\[(.*)\\]\\)(?:::[a-z ]+\\[\\])?\\)+$`).exec(def);
  if (!m) return null;
  const values: string[] = [];
  const item = /'((?:[^']|'')*)'(?:::[a-z ]+)?|(-?\d+(?:\.\d+)?)/g;
  for (const v of m[1]!.matchAll(item)) values.push(v[1] !== undefined ? v[1].replace(/''/g, "'") : v[2]!);
  return values.length > 0 ? values : null;
}
