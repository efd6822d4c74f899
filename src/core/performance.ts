/**
 * Query performance monitoring: the top statements from pg_stat_statements when
 * the extension is loaded, otherwise the slow statements recorded while
 * migrating; plus index usage and table bloat estimates from the statistics
 * views. Every section says where its numbers come from.
 */
import { splitStatements } from '../sql/split';
import type { Session } from './db/database';
import type { HistoryStore } from './history';
import { describeStatStatements } from './report/performance';

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

/** A migration whose statements ran as one batch (the default): its time is known, not each statement's. */
export interface SlowMigration {
  migration: string;
  durationMs: number;
  /** How many statements it ran (null: not recorded, an entry from an older version). */
  statements: number | null;
}

/** Where pg_stat_statements stands on this server (report/performance.ts says what to do about it). */
export type StatStatementsState = 'ok' | 'embedded' | 'not-available' | 'not-installed' | 'not-preloaded';

export interface PerformanceReport {
  /** 'pg_stat_statements' or 'migration log'. */
  statementsSource: string;
  statStatements: StatStatementsState;
  /** What the state means and, when it is not 'ok', how to enable pg_stat_statements. */
  statementsNote: string | null;
  /** Set when activity counters (scans, live/dead rows) cannot be trusted on this backend. */
  countersNote: string | null;
  topStatements: TopStatement[];
  /** Without pg_stat_statements: slow migrations whose statements ran as one batch (never listed as statements). */
  slowMigrations: SlowMigration[];
  indexes: IndexUsage[];
  unusedIndexes: IndexUsage[];
  tables: TableHealth[];
}

/** The message of a 'slow' log row for a migration that ran as one batch (performance.ts reads it back). */
export function slowBatchMessage(id: string, statements: number): string {
  return `${id}: ${statements} statement${statements === 1 ? '' : 's'} ran as one batch`;
}

async function statStatementsState(session: Session, embedded: boolean): Promise<StatStatementsState> {
  if (embedded) return 'embedded';
  const r = await session.query<{ installed: boolean; available: boolean; preload: string }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS installed,
            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
            current_setting('shared_preload_libraries') AS preload`);
  const x = r.rows[0]!;
  const preloaded = x.preload.split(',').map((l) => l.trim().replace(/^"|"$/g, '')).includes('pg_stat_statements');
  if (!x.installed) return !x.available ? 'not-available' : preloaded ? 'not-installed' : 'not-preloaded';
  try {
    await session.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return 'ok';
  } catch {
    return 'not-preloaded';
  }
}

/**
 * The slow statements recorded while migrating. Rows for migrations that ran as one batch are whole
 * migrations, not statements: they go to `slowMigrations` (older versions wrote them as the statements
 * joined together; those are recognised by holding more than one statement).
 */
async function fromMigrationLog(session: Session, store: HistoryStore, limit: number): Promise<{ statements: TopStatement[]; migrations: SlowMigration[] }> {
  if (!(await store.exists(session))) return { statements: [], migrations: [] };
  const r = await session.query<{ message: string; ms: number | string }>(
    `SELECT message, duration_ms AS ms FROM ${store.logTable} WHERE action = 'slow' ORDER BY duration_ms DESC LIMIT $1`, [limit * 4]);
  const statements: TopStatement[] = [];
  const migrations: SlowMigration[] = [];
  for (const row of r.rows) {
    const ms = Number(row.ms);
    const batch = /^(\S+): (\d+) statements? ran as one batch$/.exec(row.message);
    const stmt = /^(\S+) line \d+: ([\s\S]*)$/.exec(row.message);
    if (batch) migrations.push({ migration: batch[1]!, durationMs: ms, statements: Number(batch[2]) });
    else if (stmt && (await splitStatements(stmt[2]!).catch(() => [])).length > 1) migrations.push({ migration: stmt[1]!, durationMs: ms, statements: null });
    else statements.push({ query: row.message, calls: 1, totalMs: ms, meanMs: ms, rows: 0 });
  }
  return { statements: statements.slice(0, limit), migrations: migrations.slice(0, limit) };
}

export async function performanceReport(session: Session, store: HistoryStore, limit = 10, embedded = false): Promise<PerformanceReport> {
  const state = await statStatementsState(session, embedded);
  let topStatements: TopStatement[] = [];
  let slowMigrations: SlowMigration[] = [];
  let statementsSource = 'pg_stat_statements';
  if (state === 'ok') {
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
    ({ statements: topStatements, migrations: slowMigrations } = await fromMigrationLog(session, store, limit));
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
  return { statementsSource, statStatements: state, statementsNote: describeStatStatements(state), countersNote, topStatements, slowMigrations, indexes, unusedIndexes: embedded ? [] : unusedIndexes, tables };
}

function qualified(schema: unknown, name: unknown): string {
  return schema === 'public' ? String(name) : `${String(schema)}.${String(name)}`;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
