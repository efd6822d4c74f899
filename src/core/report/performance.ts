/** --perf: top statements, slow migrations, table health and index usage; each section says where its numbers come from. */
import type { PerformanceReport, StatStatementsState } from '../performance';
import { formatBytes } from './format';
import type { Style } from './style';

const ENABLE = 'To enable it: add pg_stat_statements to shared_preload_libraries in postgresql.conf (keep the libraries already listed there), '
  + 'restart the server, then run CREATE EXTENSION pg_stat_statements; in this database.';

/** What the state of pg_stat_statements means for --perf and, when it is not in use, how to turn it on. */
export function describeStatStatements(state: StatStatementsState): string | null {
  switch (state) {
    case 'ok': return null;
    case 'embedded': return 'embedded PGlite has no pg_stat_statements: the statements below are the slow ones recorded while migrating.';
    case 'not-available': return `pg_stat_statements is not available on this server: install the PostgreSQL contrib modules of the server's version (e.g. the postgresql-contrib package). ${ENABLE}`;
    case 'not-installed': return 'pg_stat_statements is loaded (shared_preload_libraries) but not created in this database: run CREATE EXTENSION pg_stat_statements; (no restart needed).';
    case 'not-preloaded': return `pg_stat_statements is not enabled, so the statements below are only the slow ones recorded while migrating. ${ENABLE}`;
  }
}

const STATEMENT_WIDTH = 90;

/** Top statements, slow migrations, table health and index usage. */
export function renderPerformance(report: PerformanceReport, style: Style): string {
  const r = report;
  const lines = [style.bold(`Top statements (${r.statementsSource})`)];
  if (r.statementsNote) lines.push(style.dim(`  ${r.statementsNote}`));
  lines.push(r.topStatements.length ? style.table(['total ms', 'calls', 'mean ms', 'rows', 'statement'], r.topStatements.map((t) => [
    String(t.totalMs), String(t.calls), String(t.meanMs), String(t.rows), t.query.length > STATEMENT_WIDTH ? `${t.query.slice(0, STATEMENT_WIDTH - 3)}...` : t.query,
  ])) : '  none recorded');
  if (r.slowMigrations.length) {
    lines.push(style.bold('Slow migrations (statements ran as one batch, so only the whole migration was timed)'));
    lines.push(style.table(['total ms', 'migration', 'statements'], r.slowMigrations.map((m) => [String(m.durationMs), m.migration, m.statements === null ? '' : String(m.statements)])));
    lines.push(style.dim('  To time each statement of a migration, set "slowStatementMs": 0 in the config (statements then run one by one) or enable pg_stat_statements.'));
  }
  if (r.countersNote) lines.push(style.yellow(`Note: ${r.countersNote}`));
  lines.push(style.bold('Tables (dead rows = bloat estimate)'));
  lines.push(r.tables.length ? style.table(['table', 'live rows', 'dead rows', 'dead %', 'estimated rows', 'size', 'seq scans', 'index scans'], r.tables.map((t) => [
    t.table, String(t.liveRows), String(t.deadRows), (t.deadRatio * 100).toFixed(1), String(t.estimatedRows), formatBytes(t.sizeBytes), String(t.seqScans), String(t.indexScans),
  ])) : '  none');
  lines.push(style.bold('Indexes'));
  lines.push(r.indexes.length ? style.table(['table', 'index', 'scans', 'size'], r.indexes.map((i) => [i.table, i.index, String(i.scans), formatBytes(i.sizeBytes)])) : '  none');
  if (r.unusedIndexes.length) lines.push(style.yellow(`Never scanned (candidates to drop): ${r.unusedIndexes.map((i) => i.index).join(', ')}`));
  return lines.join('\n');
}
