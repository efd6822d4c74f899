/**
 * Routine upkeep the portal needs between migrations: refreshing materialized
 * views in dependency order, and keeping monthly range partitions ahead of time
 * and within retention.
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

export interface PartitionPolicy {
  /** Months of partitions to keep ready ahead of the current month. */
  premakeMonths?: number;
  /** Partitions entirely older than this many months are detached (or dropped). */
  retentionMonths?: number;
  retentionAction?: 'detach' | 'drop';
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

export interface PartitionChange {
  table: string;
  action: 'created' | 'detached' | 'dropped';
  partition: string;
  bound: string;
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

function monthStart(d: Date, offset: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * For each configured range-partitioned table: create the monthly partitions from
 * this month to `premakeMonths` ahead (named <table>_pYYYY_MM), and detach (or drop)
 * partitions that end before now minus `retentionMonths`. Only monthly date/timestamp
 * ranges are managed; other partitions are left alone.
 */
export async function maintainPartitions(session: Session, policies: Record<string, PartitionPolicy>, now = new Date()): Promise<PartitionChange[]> {
  const tables = await listPartitionedTables(session);
  const changes: PartitionChange[] = [];
  for (const [table, policy] of Object.entries(policies)) {
    const t = tables.find((x) => x.table === table || `public.${x.table}` === table);
    if (!t) {
      throw new MigrationError('E_CONFIG_INVALID', `"partitions.${table}" names a table that is not partitioned (or does not exist)`,
        'check the table name in the config, or create it PARTITION BY RANGE first');
    }
    if (t.strategy !== 'range') {
      throw new MigrationError('E_CONFIG_INVALID', `"partitions.${table}" is partitioned by ${t.strategy}; only monthly RANGE partitions are maintained`,
        'remove it from "partitions" in the config');
    }
    const [schema, name] = t.table.includes('.') ? t.table.split('.') as [string, string] : ['public', t.table];
    const parent = `${quoteIdent(schema)}.${quoteIdent(name)}`;
    const premake = policy.premakeMonths ?? 3;
    for (let i = 0; i <= premake; i++) {
      const from = isoDate(monthStart(now, i));
      const to = isoDate(monthStart(now, i + 1));
      const exists = t.partitions.some((p) => p.from !== null && p.from.slice(0, 10) <= from && p.to !== null && p.to.slice(0, 10) >= to);
      if (exists) continue;
      const part = `${name}_p${from.slice(0, 4)}_${from.slice(5, 7)}`;
      const bound = `FROM ('${from}') TO ('${to}')`;
      await session.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(part)} PARTITION OF ${parent} FOR VALUES ${bound}`);
      changes.push({ table: t.table, action: 'created', partition: part, bound });
    }
    if (policy.retentionMonths !== undefined) {
      const cutoff = isoDate(monthStart(now, -policy.retentionMonths));
      for (const p of t.partitions) {
        if (p.isDefault || p.to === null || p.to.slice(0, 10) > cutoff) continue;
        await session.exec(`ALTER TABLE ${parent} DETACH PARTITION ${quoteIdent(schema)}.${quoteIdent(p.name)}`);
        if (policy.retentionAction === 'drop') {
          await session.exec(`DROP TABLE ${quoteIdent(schema)}.${quoteIdent(p.name)}`);
          changes.push({ table: t.table, action: 'dropped', partition: p.name, bound: p.bound });
        } else {
          changes.push({ table: t.table, action: 'detached', partition: p.name, bound: p.bound });
        }
      }
    }
  }
  return changes;
}
