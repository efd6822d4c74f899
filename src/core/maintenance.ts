/**
 * Routine upkeep the portal needs between migrations: refreshing materialized
 * views in dependency order, and listing partitioned tables (partition-maintain.ts
 * keeps monthly range partitions ahead of time and within retention).
 */
import type { Session } from './db/database';
import { MigrationError } from './errors';
import { quoteIdent } from './history';

export interface ViewRefresh {
  view: string;
  concurrently: boolean;
  durationMs: number;
  /** Why CONCURRENTLY was not used. */
  note?: string;
}

/** Materialized views with what they depend on, in an order where dependencies come first. */
async function matviewsInOrder(session: Session): Promise<{ schema: string; name: string; populated: boolean; hasUnique: boolean }[]> {
  const r = await session.query<{ oid: string; schema: string; name: string; populated: boolean; has_unique: boolean; deps: string[] | null }>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relispopulated AS populated,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL
                     AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) k WHERE k = 0)) AS has_unique,
            ARRAY(SELECT DISTINCT d.refobjid::text FROM pg_rewrite w JOIN pg_depend d ON d.objid = w.oid
                   JOIN pg_class dc ON dc.oid = d.refobjid
                  WHERE w.ev_class = c.oid AND dc.relkind = 'm' AND d.refobjid <> c.oid) AS deps
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY n.nspname, c.relname`);
  const byOid = new Map(r.rows.map((x) => [x.oid, x]));
  const done = new Set<string>();
  const out: typeof r.rows = [];
  const visit = (oid: string, stack: Set<string>) => {
    if (done.has(oid) || stack.has(oid)) return;
    stack.add(oid);
    for (const d of byOid.get(oid)?.deps ?? []) if (byOid.has(d)) visit(d, stack);
    stack.delete(oid);
    done.add(oid);
    out.push(byOid.get(oid)!);
  };
  for (const x of r.rows) visit(x.oid, new Set());
  return out.map((x) => ({ schema: x.schema, name: x.name, populated: x.populated, hasUnique: x.has_unique }));
}

/** REFRESH MATERIALIZED VIEW for every view (or the named ones), CONCURRENTLY where it is allowed. */
export async function refreshMaterializedViews(session: Session, only: string[] = []): Promise<ViewRefresh[]> {
  const views = await matviewsInOrder(session);
  const wanted = only.length ? views.filter((v) => only.includes(v.name) || only.includes(`${v.schema}.${v.name}`)) : views;
  if (only.length && wanted.length !== only.length) {
    const missing = only.filter((o) => !views.some((v) => v.name === o || `${v.schema}.${v.name}` === o));
    throw new MigrationError('E_USAGE', `no materialized view named ${missing.join(', ')}`, 'run --refresh-views without names to refresh them all');
  }
  const out: ViewRefresh[] = [];
  for (const v of wanted) {
    const name = `${quoteIdent(v.schema)}.${quoteIdent(v.name)}`;
    // CONCURRENTLY keeps the view readable but needs a unique index on plain columns and a populated view.
    const concurrently = v.hasUnique && v.populated;
    const note = !v.hasUnique ? 'no unique index on plain columns, so CONCURRENTLY is impossible (readers wait)'
      : !v.populated ? 'never populated, so the first refresh cannot be CONCURRENTLY' : undefined;
    const t0 = performance.now();
    await session.exec(`REFRESH MATERIALIZED VIEW ${concurrently ? 'CONCURRENTLY ' : ''}${name}`);
    out.push({ view: v.schema === 'public' ? v.name : `${v.schema}.${v.name}`, concurrently, durationMs: Math.round(performance.now() - t0), ...(note ? { note } : {}) });
  }
  return out;
}

export interface PartitionInfo {
  name: string;
  bound: string;
  from: string | null;
  to: string | null;
  rows: number | null;
  isDefault: boolean;
}

export interface PartitionedTable {
  table: string;
  strategy: string;
  key: string;
  partitions: PartitionInfo[];
}

export async function listPartitionedTables(session: Session): Promise<PartitionedTable[]> {
  const parents = await session.query<{ oid: string; schema: string; name: string; strategy: string; key: string }>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, p.partstrat::text AS strategy, pg_get_partkeydef(c.oid) AS key
       FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 2, 3`);
  const out: PartitionedTable[] = [];
  for (const p of parents.rows) {
    const parts = await session.query<{ name: string; bound: string; rows: string | null }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.reltuples::bigint::text AS rows
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::oid ORDER BY 2`, [p.oid]);
    out.push({
      table: p.schema === 'public' ? p.name : `${p.schema}.${p.name}`,
      strategy: { r: 'range', l: 'list', h: 'hash' }[p.strategy] ?? p.strategy,
      key: p.key,
      partitions: parts.rows.map((x) => {
        const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(x.bound);
        return { name: x.name, bound: x.bound, from: m?.[1] ?? null, to: m?.[2] ?? null, rows: x.rows === null || Number(x.rows) < 0 ? null : Number(x.rows), isDefault: x.bound === 'DEFAULT' };
      }),
    });
  }
  return out;
}
