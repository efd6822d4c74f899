/**
 * Routine upkeep the portal needs between migrations: refreshing materialized
 * views in dependency order, and listing partitioned tables (partition-maintain.ts
 * keeps monthly range partitions ahead of time and within retention).
 */
import type { Session } from './db/database';
import { MigrationError } from './errors';
import { quoteIdent } from './history';
import { readPartman } from './partman';

export interface ViewRefresh {
  view: string;
  concurrently: boolean;
  durationMs: number;
  /** Why CONCURRENTLY was not used. */
  note?: string;
  /** Set when the view was not named but is read by these named views: refreshed first so they are not refreshed from stale data. */
  upstreamOf?: string[];
}

interface ViewNode { oid: string; schema: string; name: string; kind: string; populated: boolean; has_unique: boolean; deps: string[] | null }

/**
 * Materialized views with the materialized views they read (directly, or through plain views: from the
 * rewrite rules in pg_rewrite and their pg_depend entries), in an order where dependencies come first.
 */
async function matviewsInOrder(session: Session): Promise<{ schema: string; name: string; populated: boolean; hasUnique: boolean; upstream: string[] }[]> {
  const r = await session.query<ViewNode>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relispopulated AS populated,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL
                     AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) k WHERE k = 0)) AS has_unique,
            ARRAY(SELECT DISTINCT d.refobjid::text FROM pg_rewrite w JOIN pg_depend d ON d.objid = w.oid AND d.classid = 'pg_rewrite'::regclass
                   JOIN pg_class dc ON dc.oid = d.refobjid
                  WHERE w.ev_class = c.oid AND dc.relkind IN ('m', 'v') AND d.refobjid <> c.oid) AS deps
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('m', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY n.nspname, c.relname`);
  const byOid = new Map(r.rows.map((x) => [x.oid, x]));
  // The materialized views a view reads, looking through plain views.
  const upstreamOf = (oid: string, seen = new Set<string>()): string[] => {
    const out: string[] = [];
    for (const d of byOid.get(oid)?.deps ?? []) {
      if (seen.has(d) || !byOid.has(d)) continue;
      seen.add(d);
      if (byOid.get(d)!.kind === 'm') out.push(d);
      else out.push(...upstreamOf(d, seen));
    }
    return out;
  };
  const done = new Set<string>();
  const out: ViewNode[] = [];
  const visit = (oid: string, stack: Set<string>) => {
    if (done.has(oid) || stack.has(oid)) return;
    stack.add(oid);
    for (const d of upstreamOf(oid)) visit(d, stack);
    stack.delete(oid);
    done.add(oid);
    out.push(byOid.get(oid)!);
  };
  for (const x of r.rows) if (x.kind === 'm') visit(x.oid, new Set());
  return out.map((x) => ({ schema: x.schema, name: x.name, populated: x.populated, hasUnique: x.has_unique, upstream: upstreamOf(x.oid).map((o) => label(byOid.get(o)!)) }));
}

function label(v: { schema: string; name: string }): string {
  return v.schema === 'public' ? v.name : `${v.schema}.${v.name}`;
}

/** The named views and every materialized view they read, transitively (in the order `views` has: dependencies first). */
function withUpstream<T extends { schema: string; name: string; upstream: string[] }>(views: T[], named: T[]): { view: T; upstreamOf: string[] }[] {
  const namedLabels = new Set(named.map(label));
  const byLabel = new Map(views.map((v) => [label(v), v]));
  const readers = new Map<string, Set<string>>();
  const walk = (v: T, root: string, seen: Set<string>) => {
    for (const u of v.upstream) {
      if (seen.has(u) || !byLabel.has(u)) continue;
      seen.add(u);
      if (!namedLabels.has(u)) readers.set(u, (readers.get(u) ?? new Set()).add(root));
      walk(byLabel.get(u)!, root, seen);
    }
  };
  for (const v of named) walk(v, label(v), new Set());
  return views.filter((v) => namedLabels.has(label(v)) || readers.has(label(v)))
    .map((v) => ({ view: v, upstreamOf: [...(readers.get(label(v)) ?? [])] }));
}

/**
 * REFRESH MATERIALIZED VIEW for every view (or the named ones and the materialized views they read, which
 * are refreshed first: a view refreshed from a stale one would be stale too), CONCURRENTLY where allowed.
 */
export async function refreshMaterializedViews(session: Session, only: string[] = []): Promise<ViewRefresh[]> {
  const views = await matviewsInOrder(session);
  const named = only.length ? views.filter((v) => only.includes(v.name) || only.includes(`${v.schema}.${v.name}`)) : views;
  if (only.length && named.length !== only.length) {
    const missing = only.filter((o) => !views.some((v) => v.name === o || `${v.schema}.${v.name}` === o));
    throw new MigrationError('E_USAGE', `no materialized view named ${missing.join(', ')}`, 'run --refresh-views without names to refresh them all');
  }
  const out: ViewRefresh[] = [];
  for (const { view: v, upstreamOf } of withUpstream(views, named)) {
    const name = `${quoteIdent(v.schema)}.${quoteIdent(v.name)}`;
    // CONCURRENTLY keeps the view readable but needs a unique index on plain columns and a populated view.
    const concurrently = v.hasUnique && v.populated;
    const note = !v.hasUnique ? 'no unique index on plain columns, so CONCURRENTLY is impossible (readers wait)'
      : !v.populated ? 'never populated, so the first refresh cannot be CONCURRENTLY' : undefined;
    const t0 = performance.now();
    await session.exec(`REFRESH MATERIALIZED VIEW ${concurrently ? 'CONCURRENTLY ' : ''}${name}`);
    out.push({ view: label(v), concurrently, durationMs: Math.round(performance.now() - t0), ...(note ? { note } : {}), ...(upstreamOf.length ? { upstreamOf } : {}) });
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
  /** "pg_partman <version>" when pg_partman manages this table (--partitions maintain leaves it alone). */
  managedBy?: string;
}

export async function listPartitionedTables(session: Session): Promise<PartitionedTable[]> {
  const parents = await session.query<{ oid: string; schema: string; name: string; strategy: string; key: string }>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, p.partstrat::text AS strategy, pg_get_partkeydef(c.oid) AS key
       FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 2, 3`);
  const out: PartitionedTable[] = [];
  const partman = parents.rows.length ? await readPartman(session) : null;
  for (const p of parents.rows) {
    const parts = await session.query<{ name: string; bound: string; rows: string | null }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.reltuples::bigint::text AS rows
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::oid ORDER BY 2`, [p.oid]);
    out.push({
      ...(partman?.managed.includes(`${p.schema}.${p.name}`) ? { managedBy: `pg_partman ${partman.version}` } : {}),
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
