/** The report layer (src/core/report): the text both shells show for engine results. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackupEntry } from '../../src/core/backups';
import type { ResolvedEnvironment } from '../../src/core/config';
import type { HistoryRow, LogEntry } from '../../src/core/history';
import type { MigrationStatus } from '../../src/core/planner';
import {
  describePool, describeWhere, formatBytes, plural, PLAIN_STYLE, renderBackupDone, renderBackups, renderBaseline, renderDryRun, renderEvent,
  renderEventForLog, renderLog, renderMigrationRun, renderPartitionChanges, renderPartitions, renderPerformance, describeStatStatements, renderRestore, renderSeedRun, describeSeeded,
  renderStatusReport, renderStatusSummary, renderStatusTable, renderVerify, renderViewRefresh, statusJson, type Style,
} from '../../src/core/report';
import { terminalStyle } from '../../src/cli/output';

/** Wraps each colour in a tag, so a test sees which text was coloured how. */
const TAGGED: Style = {
  green: (s) => `<green>${s}</green>`,
  yellow: (s) => `<yellow>${s}</yellow>`,
  red: (s) => `<red>${s}</red>`,
  cyan: (s) => `<cyan>${s}</cyan>`,
  dim: (s) => `<dim>${s}</dim>`,
  bold: (s) => `<bold>${s}</bold>`,
  table: (head, rows) => [head, ...rows].map((r) => r.join('|')).join('\n'),
};

const APPLIED_AT = new Date(2024, 0, 2, 3, 4, 5);

function history(version: string, name: string): HistoryRow {
  return { version, name, checksum: 'abc', downSql: null, status: 'applied', transactional: true, appliedAt: APPLIED_AT, appliedBy: 'ada', durationMs: 12, environment: 'test', batch: 1 };
}

const STATUSES: MigrationStatus[] = [
  { version: '001', name: 'create_space_objects', state: 'applied', outOfOrder: false, file: null, history: history('001', 'create_space_objects') },
  { version: '002', name: 'create_missions', state: 'pending', outOfOrder: true, file: null, history: null },
  { version: '003', name: 'gone', state: 'missing', outOfOrder: false, file: null, history: history('003', 'gone') },
];

const BACKUP: BackupEntry = {
  id: '20240102_030405_001', file: '20240102_030405_001.dump', createdAt: APPLIED_AT.toISOString(), environment: 'test', reason: 'up',
  versionBefore: '001', versionAfter: null, format: 'custom', tool: 'pg_dump 16.2', sizeBytes: 2048, sha256: 'f'.repeat(64), serverVersion: '16.2', database: 'postgres://db/x',
};

const SERVER_ENV: ResolvedEnvironment = { name: 'test', settings: { lockTimeoutMs: 5000, pool: { max: 4 } }, target: { kind: 'postgres', url: 'postgres://app:secret@db:5432/portal', source: 'test' } };

describe('report layer (src/core/report)', () => {
  it('formats sizes and counts as the CLI always did', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 kB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
    assert.equal(plural(1, 'migration'), '1 migration');
    assert.equal(plural(0, 'source'), '0 sources');
  });

  it('renders the status table, its summary and the whole status report', () => {
    assert.equal(renderStatusTable([], PLAIN_STYLE), 'No migrations found.');
    const table = renderStatusTable(STATUSES, PLAIN_STYLE).split('\n');
    assert.match(table[0]!, /^version\s+name\s+state\s+applied at\s+duration$/);
    assert.match(table[1]!, /^001\s+create_space_objects\s+applied\s+2024-01-02 03:04:05\s+12 ms$/);
    assert.match(table[2]!, /^002\s+create_missions\s+pending \(out of order\)$/);
    assert.equal(renderStatusSummary(STATUSES, PLAIN_STYLE), '1 applied, 1 pending, 1 missing — drift detected');
    const report = renderStatusReport(STATUSES.slice(0, 1), 'test (db)', SERVER_ENV, PLAIN_STYLE).split('\n');
    assert.equal(report[0], 'Environment: test (db)');
    assert.match(report[1]!, /^Connection: pool max 4, /);
    assert.equal(report.at(-1), '1 applied');
  });

  it('colours states and warnings through the style', () => {
    const table = renderStatusTable(STATUSES, TAGGED).split('\n');
    assert.equal(table[1], '001|create_space_objects|<green>applied</green>|2024-01-02 03:04:05|12 ms');
    assert.equal(table[2], '002|create_missions|<yellow>pending (out of order)</yellow>||');
    assert.equal(table[3], '003|gone|<red>missing</red>|2024-01-02 03:04:05|12 ms');
    assert.equal(renderStatusSummary(STATUSES, TAGGED), '1 applied, 1 pending, 1 missing<red> — drift detected</red>');
    assert.equal(renderMigrationRun({ direction: 'up', migrations: [{ version: '001', name: 'a', durationMs: 1 }] }, 'test', TAGGED), '<green>Applied 1 migration to test.</green>');
  });

  it('keeps the JSON status shape', () => {
    const [first] = statusJson(STATUSES) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(first!), ['version', 'name', 'id', 'state', 'outOfOrder', 'file', 'checksum', 'appliedChecksum', 'appliedAt', 'appliedBy',
      'durationMs', 'batch', 'depends', 'transactional', 'environments']);
    assert.equal(first!['id'], '001_create_space_objects');
    assert.equal(first!['appliedAt'], APPLIED_AT.toISOString());
  });

  it('renders the history log, failures in red', () => {
    assert.equal(renderLog([], PLAIN_STYLE), 'The history log is empty.');
    const entry: LogEntry = { id: 7, occurredAt: APPLIED_AT, action: 'up', version: '001', name: 'a', success: false, durationMs: 1500, environment: 'test', performedBy: 'ada', message: 'boom' };
    assert.equal(renderLog([entry], TAGGED), 'id|time|action|migration|duration|by|message\n7|2024-01-02 03:04:05|<red>up</red>|001_a|1.50 s|ada|boom');
  });

  it('renders a dry run with each statement and the locks it took', () => {
    const lines = renderDryRun([
      { id: '001_a', direction: 'up', statements: [{ sql: 'CREATE TABLE a (\n  id bigint\n)', line: 2, durationMs: 3, rows: 1, locks: [{ mode: 'AccessExclusiveLock', object: 'a' }, { mode: 'ShareLock', object: 'b' }] }] },
      { id: '002_b', direction: 'down', statements: null, skippedReason: 'runs outside a transaction' },
    ], 'test (db)', TAGGED);
    assert.deepEqual(lines, [
      'Dry run on test (db): everything below was rolled back.',
      '↑ 001_a',
      '  line 2  3 ms  1 row  CREATE TABLE a ( id bigint )',
      '      <red>AccessExclusiveLock</red> on a',
      '      ShareLock on b',
      '↓ 002_b',
      '<yellow>  not run: it runs outside a transaction</yellow>',
    ]);
    assert.deepEqual(renderDryRun([], 'test', PLAIN_STYLE), ['Dry run on test: everything below was rolled back.', 'Nothing to run.']);
    const long = renderDryRun([{ id: '001_a', direction: 'up', statements: [{ sql: `SELECT ${'x'.repeat(100)}`, line: 1, durationMs: 0, rows: 0, locks: [] }] }], 'test', PLAIN_STYLE);
    assert.equal(long[2], `  line 1  0 ms  0 rows  SELECT ${'x'.repeat(60)}...`);
  });

  it('renders rollback verification and its verdict', () => {
    const passed = renderVerify([{ id: '001_a', downDifferences: [], reapplyDifferences: [], ok: true, note: 'checked with CONCURRENTLY removed' },
      { id: '002_b', downDifferences: [], reapplyDifferences: [], ok: true, skippedReason: 'runs outside a transaction' }], PLAIN_STYLE);
    assert.equal(passed.ok, true);
    assert.deepEqual(passed.lines, [
      '  ✓ 001_a: down undoes up, and up applies again identically (checked with CONCURRENTLY removed)',
      '  - 002_b: not verified, it runs outside a transaction',
      'Rollback verification passed; nothing was changed.',
    ]);
    const failed = renderVerify([{ id: '003_c', ok: false, reapplyError: 'relation "c" already exists',
      downDifferences: [{ key: 'index public.c_idx', kind: 'extra', expected: null, actual: 'CREATE INDEX c_idx ON c (x)' }],
      reapplyDifferences: [{ key: 'table public.c', kind: 'missing', expected: 'c(x int)', actual: null }] }], TAGGED);
    assert.equal(failed.ok, false);
    assert.deepEqual(failed.lines, [
      '  <red>✗</red> 003_c',
      '      after down: index public.c_idx is still there (CREATE INDEX c_idx ON c (x))',
      '      after down and up again: table public.c is gone (was c(x int))',
      '      up fails when run again after down: relation "c" already exists',
      '<red>Rollback verification failed; nothing was changed.</red>',
    ]);
    assert.deepEqual(renderVerify([], PLAIN_STYLE), { lines: ['Nothing to verify: no pending migrations.', 'Rollback verification passed; nothing was changed.'], ok: true });
  });

  it('renders engine events for the terminal and for a log', () => {
    assert.equal(renderEvent({ type: 'migration-start', direction: 'up', id: '001_a' }, PLAIN_STYLE), null);
    assert.deepEqual(renderEvent({ type: 'migration-start', direction: 'down', id: '001_a' }, PLAIN_STYLE, { starts: true }), { stream: 'out', text: '  ↓ 001_a …' });
    assert.deepEqual(renderEvent({ type: 'migration-done', direction: 'up', id: '001_a', durationMs: 12 }, TAGGED), { stream: 'out', text: '  ↑ 001_a <dim>12 ms</dim>' });
    assert.deepEqual(renderEvent({ type: 'lock-wait', message: 'waiting for the lock' }, TAGGED), { stream: 'err', text: '<yellow>… waiting for the lock</yellow>' });
    assert.deepEqual(renderEvent({ type: 'backup-skipped', reason: '--no-backup' }, PLAIN_STYLE), { stream: 'err', text: '  ! no backup taken (--no-backup)' });
    assert.deepEqual(renderEvent({ type: 'seed-done', file: 'seeds/001_x.sql', durationMs: 2000 }, PLAIN_STYLE), { stream: 'out', text: '  • seeds/001_x.sql 2.00 s' });
    assert.deepEqual(renderEvent({ type: 'statement-done', id: '001_a', line: 4, durationMs: 5 }, PLAIN_STYLE), { stream: 'out', text: '      line 4 done 5 ms' });
    assert.deepEqual(renderEvent({ type: 'backup-done', entry: BACKUP }, PLAIN_STYLE), { stream: 'out', text: `  ⛁ backup ${BACKUP.id} 2.0 kB, pg_dump 16.2` });
    assert.equal(renderEvent({ type: 'seed-progress', table: 't', rows: 1, total: 2 }, PLAIN_STYLE), null);
    assert.equal(renderEventForLog({ type: 'migration-start', direction: 'up', id: '001_a' }), '  ↑ 001_a …');
    assert.equal(renderEventForLog({ type: 'lock-wait', message: 'waiting' }), '… waiting');
    // A format's warning (a dbmate "x.sql.sql" name) goes to stderr as file: message, then the fix.
    assert.deepEqual(renderEvent({ type: 'warning', file: 'db/20240101_a.sql.sql', message: 'ends in ".sql.sql"', hint: 'rename it' }, TAGGED),
      { stream: 'err', text: '<yellow>warning:</yellow> db/20240101_a.sql.sql: ends in ".sql.sql"\n  fix: rename it' });
    assert.equal(renderEventForLog({ type: 'warning', file: 'a.sql', line: 3, message: 'm', hint: 'h' }), 'warning: a.sql:3: m\n  fix: h');
  });

  it('describes where a run goes and how it connects', () => {
    assert.equal(describeWhere(SERVER_ENV), 'test (postgres://app:***@db:5432/portal)');
    assert.equal(describePool(SERVER_ENV), 'Connection: pool max 4, idle 10000 ms, connect timeout 10000 ms, statement_timeout server default, lock_timeout 5000 ms, application_name database-migration, ssl default');
    assert.equal(describePool({ name: 'dev', settings: {}, target: { kind: 'pglite', dataDir: '/p/.migrations/pglite/dev', source: 'default' } }), null);
  });

  it('a seed run counts the seed files apart from the sample data set, whose rows it gives (issue 17: "3 file(s)" while the Seeds view lists 2)', () => {
    const files = [{ name: '001_a.sql', file: 'seeds/001_a.sql', durationMs: 1, kind: 'file' as const }, { name: '002_b.sql', file: 'seeds/002_b.sql', durationMs: 1, kind: 'file' as const }];
    const data = { name: 'data', file: 'data', durationMs: 5, kind: 'sample-data' as const };
    const tables = [{ table: 'planets', rows: 9, inserted: 9, updated: 0 }, { table: 'missions', rows: 1200, inserted: 1200, updated: 0 }, { table: 'x', rows: 0, inserted: 0, updated: 0, skipped: 'no such table' }];
    assert.equal(renderSeedRun({ seeds: [data, ...files], tables, sampleData: null, scaled: null, skipped: [], dryRun: false }, 'test', PLAIN_STYLE),
      'Seeded test with 2 seed files and the sample data set (1,209 rows).');
    assert.equal(renderSeedRun({ seeds: [data], tables, sampleData: null, scaled: null, skipped: [], dryRun: false }, 'test', PLAIN_STYLE), 'Seeded test with the sample data set (1,209 rows).');
    assert.equal(renderSeedRun({ seeds: [data, files[0]!], tables, sampleData: null, scaled: null, skipped: [], dryRun: true }, 'test', PLAIN_STYLE),
      'Dry run on test: would seed 1 seed file and the sample data set (1,209 rows); everything was rolled back.');
    assert.equal(describeSeeded({ seeds: [files[0]!], tables: [] }), '1 seed file');
    const scaled = { rows: 600, seconds: 0.1, rowsPerSecond: 6000, tables: [{ table: 'events', rows: 600 }] };
    assert.equal(renderSeedRun({ seeds: [], tables: [], sampleData: null, scaled, skipped: [], dryRun: false }, 'test', PLAIN_STYLE),
      'Seeded test with synthetic rows only (no seed files or sample data).\nGenerated 600 synthetic rows with COPY in 0.10 s (6000 rows/s): events 600.');
  });

  it('renders up, down and seed runs', () => {
    const one = [{ version: '001', name: 'a', durationMs: 1 }];
    assert.equal(renderMigrationRun({ direction: 'up', migrations: [] }, 'test', PLAIN_STYLE), 'Nothing to apply: test is up to date.');
    assert.equal(renderMigrationRun({ direction: 'up', migrations: [...one, ...one] }, 'test', PLAIN_STYLE), 'Applied 2 migrations to test.');
    assert.equal(renderMigrationRun({ direction: 'down', migrations: [] }, 'test', PLAIN_STYLE), 'Nothing to roll back on test.');
    assert.equal(renderMigrationRun({ direction: 'down', migrations: one }, 'test', PLAIN_STYLE), 'Rolled back 1 migration on test.');
    assert.equal(renderMigrationRun({ direction: 'up', migrations: one, statuses: STATUSES }, 'test', PLAIN_STYLE, { stopped: true }), 'Applied 1 migration to test, then stopped as asked; 1 still pending.');
    assert.equal(renderMigrationRun({ direction: 'down', migrations: one }, 'test', PLAIN_STYLE, { stopped: true }), 'Rolled back 1 migration on test, then stopped as asked.');
    const seeds = [{ name: 'a', file: 'a.sql', durationMs: 1 }, { name: 'b', file: 'b.sql', durationMs: 1 }];
    assert.equal(renderSeedRun({ seeds, tables: [], sampleData: null, scaled: null, skipped: ['c.sql'], dryRun: false }, 'test', TAGGED), '<green>Seeded test with 2 seed files.</green> Skipped (other environments): c.sql.');
    assert.equal(renderSeedRun({ seeds, tables: [], sampleData: null, skipped: [], dryRun: false, scaled: { rows: 10000, seconds: 0.5, rowsPerSecond: 20000.4, tables: [{ table: 'observations', rows: 10000 }] } }, 'test', PLAIN_STYLE),
      'Seeded test with 2 seed files.\nGenerated 10000 synthetic rows with COPY in 0.50 s (20000 rows/s): observations 10000.');
    const files = [{ file: 'a.json', asOf: '2025-01', stale: true }, { file: 'b.json', asOf: '2025-01', stale: true }];
    assert.equal(renderSeedRun({ seeds, tables: [], sampleData: { dir: 'data', files }, skipped: [], dryRun: false, scaled: null }, 'test', PLAIN_STYLE),
      'Seeded test with 2 seed files.\nSample data (data) as of 2025-01.');
    assert.equal(renderSeedRun({ seeds, tables: [], sampleData: { dir: 'data', files: [...files, { file: 'c.json', asOf: '2026-03-02', stale: false }, { file: 'd.json', asOf: null, stale: true }] },
      skipped: [], dryRun: false, scaled: null }, 'test', PLAIN_STYLE),
    'Seeded test with 2 seed files.\nSample data (data) as of no date (d.json); 2026-03-02 (c.json); 2025-01 (a.json, b.json).');
    const warning = renderEvent({ type: 'data-stale', dir: 'data', files: [{ file: 'a.json', asOf: '2025-01' }] }, PLAIN_STYLE);
    assert.equal(warning?.stream, 'err');
    assert.match(warning!.text, /^warning: data: the sample data was last checked against its sources more than a year ago \(as of 2025-01\);/);
  });

  it('renders maintenance results: views, partitions, performance', () => {
    assert.equal(renderViewRefresh([], 'test', PLAIN_STYLE), 'No materialized views to refresh.');
    assert.equal(renderViewRefresh([{ view: 'mv_a', concurrently: true, durationMs: 3 }, { view: 'mv_b', concurrently: false, durationMs: 4, note: 'no unique index' }], 'test', PLAIN_STYLE),
      '  mv_a 3 ms, concurrently\n  mv_b 4 ms — no unique index\nRefreshed 2 materialized views on test.');
    assert.equal(renderPartitions([], PLAIN_STYLE), 'No partitioned tables.');
    assert.equal(renderPartitions([{ table: 'api_log', strategy: 'range', key: 'requested_at', partitions: [{ name: 'api_log_2024_01', bound: 'FROM (a) TO (b)', from: 'a', to: 'b', rows: null, isDefault: false }] }], TAGGED),
      '<bold>api_log</bold> <dim>partitioned by range requested_at</dim>\npartition|bounds|rows (estimate)\napi_log_2024_01|FROM (a) TO (b)|');
    assert.equal(renderPartitionChanges([], PLAIN_STYLE), 'Partitions are already in shape.');
    assert.equal(renderPartitionChanges([{ table: 'api_log', action: 'created', partition: 'api_log_2024_02', bound: 'FROM (b) TO (c)' }], PLAIN_STYLE), '  created api_log_2024_02 (api_log: FROM (b) TO (c))');
    const perf = renderPerformance({ statementsSource: 'migration log', statStatements: 'not-available', statementsNote: 'pg_stat_statements is not available', countersNote: null, topStatements: [], slowMigrations: [],
      tables: [], indexes: [{ table: 't', index: 't_idx', scans: 0, sizeBytes: 8192, unique: false }], unusedIndexes: [{ table: 't', index: 't_idx', scans: 0, sizeBytes: 8192, unique: false }] }, TAGGED);
    assert.equal(perf, ['<bold>Top statements (migration log)</bold>', '<dim>  pg_stat_statements is not available</dim>', '  none recorded', '<bold>Tables (dead rows = bloat estimate)</bold>', '  none',
      '<bold>Indexes</bold>', 'table|index|scans|size', 't|t_idx|0|8.0 kB', '<yellow>Never scanned (candidates to drop): t_idx</yellow>'].join('\n'));
    const batched = renderPerformance({ statementsSource: 'migration log', statStatements: 'not-preloaded', statementsNote: null, countersNote: null, topStatements: [],
      slowMigrations: [{ migration: '001_a', durationMs: 1200, statements: 3 }], tables: [], indexes: [], unusedIndexes: [] }, TAGGED);
    assert.match(batched, /<bold>Slow migrations \(statements ran as one batch, so only the whole migration was timed\)<\/bold>\ntotal ms\|migration\|statements\n1200\|001_a\|3\n/);
    assert.match(batched, /"slowStatementMs": 0/);
    for (const state of ['not-available', 'not-preloaded'] as const) {
      assert.match(describeStatStatements(state)!, /shared_preload_libraries in postgresql\.conf .*restart the server, then run CREATE EXTENSION pg_stat_statements;/);
    }
    assert.match(describeStatStatements('not-installed')!, /CREATE EXTENSION pg_stat_statements; \(no restart needed\)/);
    assert.equal(describeStatStatements('ok'), null);
  });

  it('renders backups, restores and history repairs', () => {
    assert.equal(renderBackups([], PLAIN_STYLE, '.migrations/backups/test', 'test'), 'No backups for test yet (.migrations/backups/test).');
    assert.equal(renderBackups([BACKUP], TAGGED, 'x'), `id|taken|reason|version|size|format\n${BACKUP.id}|2024-01-02 03:04:05|up|001 → -|2.0 kB|custom`);
    assert.equal(renderBackupDone(BACKUP, 'test', 'b/x.dump', PLAIN_STYLE), 'Backed up test to b/x.dump (2.0 kB).');
    assert.equal(renderRestore({ restored: BACKUP, safety: { ...BACKUP, id: 'safety' } }, 'test', PLAIN_STYLE), `Restored ${BACKUP.id} on test; the state before was saved as safety.`);
    assert.equal(renderBaseline(STATUSES, 'test'), 'Recorded 1 migration as applied on test without running them.');
  });

  it('is the only report module: src/core/report.ts would shadow the directory', () => {
    assert.equal(fs.existsSync(path.resolve(__dirname, '..', '..', '..', 'src', 'core', 'report.ts')), false);
  });
});

describe('terminal tables (src/cli/output)', () => {
  it('a terminal gets a box table (cli-table3, loaded on first use); a pipe gets plain columns', () => {
    const box = terminalStyle(true).table(['version', 'name'], [['001', 'create_space_objects']]);
    assert.match(box, /┌/);
    assert.match(box, /│ 001 +│ create_space_objects │/);
    const plain = terminalStyle(false).table(['version', 'name'], [['001', 'create_space_objects']]);
    assert.doesNotMatch(plain, /┌/);
    assert.match(plain, /001 +create_space_objects/);
  });
});
