/**
 * Query performance monitoring: the top statements from pg_stat_statements when
 * the extension is loaded, otherwise the slow statements recorded while
 * migrating; plus index usage and table bloat estimates from the statistics
 * views. Every section says where its numbers come from.
 */
import type { Session } from './db/database';
import type { HistoryStore } from './history';

export interface TopStatement {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export interface IndexUsage {
  table: string;
  index: string;
  scans: number;
  sizeBytes: number;
  unique: boolean;
}

export interface TableHealth {
  table: string;
  liveRows: number;
  deadRows: number;
  /** The planner's row estimate (pg_class.reltuples, from the last ANALYZE/VACUUM): available where statistics counters are not. */
  estimatedRows: number;
  /** Dead rows as a share of all rows: a simple bloat estimate. */
  deadRatio: number;
  sizeBytes: number;
  seqScans: number;
  indexScans: number;
  lastAutovacuum: string | null;
}

export interface PerformanceReport {
  /** 'pg_stat_statements' or 'migration log'. */
  statementsSource: string;
  statementsNote: string | null;
  /** Set when activity counters (scans, live/dead rows) cannot be trusted on this backend. */
  countersNote: string | null;
  topStatements: TopStatement[];
  indexes: IndexUsage[];
  unusedIndexes: IndexUsage[];
  tables: TableHealth[];
}

async function hasStatStatements(session: Session): Promise<{ ok: boolean; note: string | null }> {
  const ext = await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  if (!ext.rows[0]?.n) {
    const avail = await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pg_stat_statements'`).catch(() => ({ rows: [{ n: 0 }] }));
    return { ok: false, note: avail.rows[0]?.n
      ? 'pg_stat_statements is available but not installed: CREATE EXTENSION pg_stat_statements (and add it to shared_preload_libraries)'
      : 'pg_stat_statements is not available on this server' };
  }
  try {
    await session.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return { ok: true, note: null };
  } catch {
    return { ok: false, note: 'pg_stat_statements is installed but not loaded: add it to shared_preload_libraries and restart the server' };
  }
}

export async function performanceReport(session: Session, store: HistoryStore, limit = 10, embedded = false): Promise<PerformanceReport> {
  const stat = await hasStatStatements(session);
  let topStatements: TopStatement[] = [];
  let statementsSource = 'pg_stat_statements';
  if (stat.ok) {
    const r = await session.query<Record<string, unknown>>(
      `SELECT query, calls, total_exec_time AS total, mean_exec_time AS mean, rows
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT $1`, [limit]);
    topStatements = r.rows.map((x) => ({
      query: String(x['query']).replace(/\s+/g, ' ').trim(), calls: Number(x['calls']), totalMs: round(Number(x['total'])),
      meanMs: round(Number(x['mean'])), rows: Number(x['rows']),
    }));
  } else {
    statementsSource = 'migration log';
    const r = (await store.exists(session))
      ? await session.query<Record<string, unknown>>(
        `SELECT message, duration_ms FROM ${store.logTable} WHERE action = 'slow' ORDER BY duration_ms DESC LIMIT $1`, [limit])
      : { rows: [] };
    topStatements = r.rows.map((x) => ({ query: String(x['message']), calls: 1, totalMs: Number(x['duration_ms']), meanMs: Number(x['duration_ms']), rows: 0 }));
  }

  const idx = await session.query<Record<string, unknown>>(
    `SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, pg_relation_size(s.indexrelid) AS size, i.indisunique OR i.indisprimary AS uniq
       FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
      ORDER BY s.idx_scan DESC, s.indexrelname`);
  const indexes: IndexUsage[] = idx.rows.map((x) => ({
    table: qualified(x['schemaname'], x['relname']), index: String(x['indexrelname']), scans: Number(x['idx_scan'] ?? 0),
    sizeBytes: Number(x['size'] ?? 0), unique: x['uniq'] === true,
  }));
  // Unique indexes enforce constraints, so "unused" only means a plain index nobody scans.
  const unusedIndexes = indexes.filter((i) => i.scans === 0 && !i.unique);

  const tbl = await session.query<Record<string, unknown>>(
    `SELECT s.schemaname, s.relname, s.n_live_tup, s.n_dead_tup, s.seq_scan, s.idx_scan, s.last_autovacuum, pg_total_relation_size(s.relid) AS size,
            greatest(c.reltuples, 0)::bigint AS estimate
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid ORDER BY pg_total_relation_size(s.relid) DESC`);
  const tables: TableHealth[] = tbl.rows.map((x) => {
    const live = Number(x['n_live_tup'] ?? 0);
    const dead = Number(x['n_dead_tup'] ?? 0);
    return {
      table: qualified(x['schemaname'], x['relname']), liveRows: live, deadRows: dead, estimatedRows: Number(x['estimate'] ?? 0), deadRatio: live + dead > 0 ? round(dead / (live + dead), 3) : 0,
      sizeBytes: Number(x['size'] ?? 0), seqScans: Number(x['seq_scan'] ?? 0), indexScans: Number(x['idx_scan'] ?? 0),
      lastAutovacuum: x['last_autovacuum'] ? new Date(x['last_autovacuum'] as string).toISOString() : null,
    };
  });
  const countersNote = embedded
    ? 'embedded PGlite: scan and row counters only cover the current process (they start at zero each time the database is opened); sizes and row estimates are real'
    : null;
  return { statementsSource, statementsNote: stat.note, countersNote, topStatements, indexes, unusedIndexes: embedded ? [] : unusedIndexes, tables };
}

function qualified(schema: unknown, name: unknown): string {
  return schema === 'public' ? String(name) : `${String(schema)}.${String(name)}`;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
