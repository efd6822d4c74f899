/**
 * What monthly partition maintenance needs to know about one range-partitioned table, read so that the
 * session's time zone cannot change it: the key column and its type, each partition's bounds as numbers
 * (seconds since 1970 in the key's own type), the time zone its months start in, and how its partitions
 * are named. Bounds of new partitions are written as literals that mean the same in every time zone.
 */
import type { Session } from './db/database';
import { MigrationError } from './errors';
import { quoteIdent } from './history';

export type KeyKind = 'date' | 'timestamp' | 'timestamptz';

export interface BoundedPartition {
  name: string;
  bound: string;
  /** Lower and upper bound in seconds (null: MINVALUE / MAXVALUE). */
  from: number | null;
  to: number | null;
}

export interface TableFacts {
  schema: string;
  name: string;
  /** Schema-qualified, quoted. */
  parent: string;
  keyColumn: string;
  keyKind: KeyKind;
  /** The key's type as the catalog spells it (for casts). */
  keyType: string;
  partitions: BoundedPartition[];
  /** The DEFAULT partition's name, if there is one. */
  defaultPartition: string | null;
}

export interface Month { year: number; month: number }

/** Reads the key and the bounds of `schema.name` (a range-partitioned table). */
export async function readTableFacts(session: Session, schema: string, name: string, label: string): Promise<TableFacts> {
  const parent = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const key = await session.query<{ col: string | null; type: string | null; n: number }>(
    `SELECT a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, p.partnatts::int AS n
       FROM pg_partitioned_table p LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
      WHERE p.partrelid = $1::regclass`, [parent]);
  const k = key.rows[0];
  const kind = k?.type ? keyKind(k.type) : null;
  if (!k || k.n !== 1 || !k.col || !kind) {
    throw new MigrationError('E_CONFIG_INVALID', `"partitions.${label}" is partitioned on ${k?.type ?? 'an expression'}${k && k.n > 1 ? ' (several columns)' : ''}; only one date, timestamp or timestamptz column is maintained`,
      'remove it from "partitions" in the config and maintain its partitions by hand');
  }
  const parts = await session.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`, [parent]);
  const literals: string[] = [];
  const ranges = parts.rows.filter((r) => r.bound !== 'DEFAULT').map((r) => {
    const m = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/.exec(r.bound);
    const lit = (s: string | undefined) => { const q = /^'(.*)'$/.exec(s ?? ''); if (!q) return -1; literals.push(q[1]!); return literals.length - 1; };
    return { name: r.name, bound: r.bound, fromAt: lit(m?.[1]), toAt: lit(m?.[2]) };
  });
  // The literals pg_get_expr prints carry their offset (timestamptz), so the session's time zone cannot change these numbers.
  const epochs = literals.length
    ? (await session.query<{ e: number | string }>(`SELECT extract(epoch FROM v::${k.type})::float8 AS e FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i`, [literals])).rows.map((r) => Number(r.e))
    : [];
  return {
    schema, name, parent, keyColumn: k.col, keyKind: kind, keyType: k.type!,
    partitions: ranges.map((r) => ({ name: r.name, bound: r.bound, from: r.fromAt < 0 ? null : epochs[r.fromAt]!, to: r.toAt < 0 ? null : epochs[r.toAt]! })),
    defaultPartition: parts.rows.find((r) => r.bound === 'DEFAULT')?.name ?? null,
  };
}

function keyKind(type: string): KeyKind | null {
  if (type === 'date') return 'date';
  if (/^timestamp(\(\d\))? with time zone$/.test(type)) return 'timestamptz';
  if (/^timestamp(\(\d\))? without time zone$/.test(type)) return 'timestamp';
  return null;
}

export function addMonths(m: Month, n: number): Month {
  const i = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function monthDay(m: Month): string {
  return `${pad(m.year, 4)}-${pad(m.month)}-01`;
}

/** The month `now` falls in, in `zone`. */
export async function currentMonth(session: Session, now: Date, zone: string): Promise<Month> {
  const r = await session.query<{ y: number; m: number }>(
    `SELECT extract(year FROM t)::int AS y, extract(month FROM t)::int AS m FROM (SELECT $1::timestamptz AT TIME ZONE $2 AS t) x`, [now.toISOString(), zone]);
  return { year: r.rows[0]!.y, month: r.rows[0]!.m };
}

/**
 * The first instant of each month in the key's type: the number (comparable with the bounds) and a literal
 * that means it in any session (timestamptz: in UTC with an explicit +00 offset).
 */
export async function monthStarts(session: Session, facts: TableFacts, months: Month[], zone: string): Promise<{ at: number; literal: string }[]> {
  if (facts.keyKind !== 'timestamptz') {
    return months.map((m) => ({ at: Date.UTC(m.year, m.month - 1, 1) / 1000, literal: facts.keyKind === 'date' ? monthDay(m) : `${monthDay(m)} 00:00:00` }));
  }
  const r = await session.query<{ e: number | string }>(
    `SELECT extract(epoch FROM (d::timestamp AT TIME ZONE $2))::float8 AS e FROM unnest($1::text[]) WITH ORDINALITY AS u(d, i) ORDER BY i`, [months.map(monthDay), zone]);
  return r.rows.map((x) => {
    const at = Number(x.e);
    return { at, literal: `${new Date(at * 1000).toISOString().slice(0, 19).replace('T', ' ')}+00` };
  });
}

/**
 * The time zone whose months the table's partitions follow (timestamptz keys): `configured` when set, else
 * the first of UTC and the session's zone in which the newest bounded partition starts at midnight on the 1st;
 * UTC when there is none.
 */
export async function monthZone(session: Session, facts: TableFacts, configured: string | undefined): Promise<string> {
  if (configured) {
    const known = await session.query(`SELECT 1 FROM pg_timezone_names WHERE name = $1 UNION ALL SELECT 1 FROM pg_timezone_abbrevs WHERE abbrev = $1 LIMIT 1`, [configured]);
    if (!known.rows.length) {
      throw new MigrationError('E_CONFIG_INVALID', `"partitions.${facts.schema === 'public' ? facts.name : `${facts.schema}.${facts.name}`}.timeZone" is "${configured}", which this server does not know as a time zone`,
        'use an IANA name such as "UTC", "Europe/Berlin" or "America/Los_Angeles" (SELECT name FROM pg_timezone_names lists them)');
    }
    return configured;
  }
  const newest = newestMonthly(facts);
  if (facts.keyKind !== 'timestamptz' || !newest) return 'UTC';
  const r = await session.query<{ tz: string }>(
    `SELECT tz FROM unnest(ARRAY['UTC', current_setting('TimeZone')]) WITH ORDINALITY AS u(tz, i)
      WHERE date_trunc('month', to_timestamp($1) AT TIME ZONE tz) = to_timestamp($1) AT TIME ZONE tz ORDER BY i LIMIT 1`, [newest.from]);
  return r.rows[0]?.tz ?? 'UTC';
}

function newestMonthly(facts: TableFacts): BoundedPartition | undefined {
  return [...facts.partitions].filter((p) => p.from !== null && p.to !== null).sort((a, b) => b.from! - a.from!)[0];
}

/**
 * How partitions of this table are named: the newest partition's name with its year and month replaced
 * (`api_request_log_y{Y}m{M}`, `events_p{Y}_{M}`, ...), or `<table>_y{Y}m{M}` as the template names them.
 */
export async function namingScheme(session: Session, facts: TableFacts, zone: string): Promise<string> {
  const fallback = `${facts.name}_y{Y}m{M}`;
  const newest = newestMonthly(facts);
  if (!newest) return fallback;
  const r = await session.query<{ y: number; m: number }>(
    facts.keyKind === 'timestamptz'
      ? `SELECT extract(year FROM t)::int AS y, extract(month FROM t)::int AS m FROM (SELECT to_timestamp($1) AT TIME ZONE $2 AS t) x`
      : `SELECT extract(year FROM t)::int AS y, extract(month FROM t)::int AS m FROM (SELECT to_timestamp($1) AT TIME ZONE 'UTC' AS t, $2::text AS z) x`,
    [newest.from, zone]);
  const y = pad(r.rows[0]!.y, 4);
  const m = pad(r.rows[0]!.m);
  const at = newest.name.lastIndexOf(y);
  const mAt = at < 0 ? -1 : newest.name.indexOf(m, at + 4);
  if (mAt < 0 || /\d/.test(newest.name.slice(mAt + 2, mAt + 3))) return fallback;
  return `${newest.name.slice(0, at)}{Y}${newest.name.slice(at + 4, mAt)}{M}${newest.name.slice(mAt + 2)}`;
}

export function partitionName(scheme: string, m: Month): string {
  return scheme.replace('{Y}', pad(m.year, 4)).replace('{M}', pad(m.month));
}
