import assert from 'node:assert/strict';
import { splitStatements } from '../../src/sql/split';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

function month(offset: number): { from: string; to: string; suffix: string } {
  const now = new Date();
  const a = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  const b = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset + 1, 1));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { from: iso(a), to: iso(b), suffix: `${iso(a).slice(0, 4)}_${iso(a).slice(5, 7)}` };
}

for (const backend of BACKENDS) {
  describe(`views, partitions and performance on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('--refresh-views refreshes in dependency order, concurrently where a unique index allows', async () => {
      p = await makeProject(backend, {
        'migrations/001_views.sql': migration(`
CREATE TABLE observations (id bigint PRIMARY KEY, object_id bigint NOT NULL, magnitude real);
INSERT INTO observations SELECT g, g % 7, g / 10.0 FROM generate_series(1, 500) g;
CREATE MATERIALIZED VIEW z_object_stats AS SELECT object_id, count(*) AS n, avg(magnitude) AS mean_mag FROM observations GROUP BY object_id;
CREATE UNIQUE INDEX z_object_stats_pk ON z_object_stats (object_id);
CREATE MATERIALIZED VIEW a_busiest AS SELECT object_id FROM z_object_stats ORDER BY n DESC LIMIT 3;`,
        'DROP MATERIALIZED VIEW a_busiest;\nDROP MATERIALIZED VIEW z_object_stats;\nDROP TABLE observations;'),
      });
      assert.equal((await p.cli(['--up'])).code, 0);
      await p.query('INSERT INTO observations SELECT g, 99, 1 FROM generate_series(501, 600) g');
      const r = await p.cli(['--refresh-views', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { refreshed: { view: string; concurrently: boolean; note?: string }[] };
      assert.deepEqual(out.refreshed.map((v) => [v.view, v.concurrently]), [['z_object_stats', true], ['a_busiest', false]],
        'the view a_busiest depends on is refreshed first, although it sorts later by name');
      assert.match(out.refreshed[1]!.note!, /no unique index/);
      const busiest = await p.query<{ object_id: string }>('SELECT object_id::text FROM a_busiest');
      assert.ok(busiest.some((b) => b.object_id === '99'), 'the refreshed data is there');
    });

    it('--refresh-views a_top refreshes the materialized views a_top reads first (also through a plain view), then a_top', async () => {
      p = await makeProject(backend, {
        'migrations/001_views.sql': migration(`
CREATE TABLE observations (id bigint PRIMARY KEY, object_id bigint NOT NULL);
INSERT INTO observations SELECT g, g % 5 FROM generate_series(1, 100) g;
CREATE MATERIALIZED VIEW z_counts AS SELECT object_id, count(*) AS n FROM observations GROUP BY object_id;
CREATE UNIQUE INDEX z_counts_pk ON z_counts (object_id);
CREATE VIEW m_ranked AS SELECT object_id, n, rank() OVER (ORDER BY n DESC, object_id) AS r FROM z_counts;
CREATE MATERIALIZED VIEW a_top AS SELECT object_id, n FROM m_ranked WHERE r = 1;
CREATE MATERIALIZED VIEW b_unrelated AS SELECT count(*) AS n FROM observations;`,
        'DROP MATERIALIZED VIEW b_unrelated; DROP MATERIALIZED VIEW a_top; DROP VIEW m_ranked; DROP MATERIALIZED VIEW z_counts; DROP TABLE observations;'),
      });
      assert.equal((await p.cli(['--up'])).code, 0);
      await p.query('INSERT INTO observations SELECT g, 42 FROM generate_series(101, 400) g');
      const r = await p.cli(['--refresh-views', 'a_top', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { refreshed: { view: string; upstreamOf?: string[] }[] };
      assert.deepEqual(out.refreshed.map((v) => [v.view, v.upstreamOf ?? []]), [['z_counts', ['a_top']], ['a_top', []]]);
      const top = await p.query<{ object_id: string; n: string }>('SELECT object_id::text, n::text FROM a_top');
      assert.deepEqual(top, [{ object_id: '42', n: '300' }], 'a_top is computed from the refreshed upstream view');
      const unrelated = await p.query<{ n: string }>('SELECT n::text FROM b_unrelated');
      assert.deepEqual(unrelated, [{ n: '100' }], 'views the named one does not read are left alone');
      await p.query('INSERT INTO observations SELECT g, 43 FROM generate_series(401, 1000) g');
      const text = await p.cli(['--refresh-views', 'a_top']);
      assert.match(text.stdout, /z_counts .*\(read by a_top: refreshed first\)/);
    });

    it('--partitions shows partitions and maintain creates upcoming months and detaches expired ones', async () => {
      const old = month(-14);
      const prev = month(-1);
      p = await makeProject(backend, {
        'migrations/001_logs.sql': migration(`
CREATE TABLE api_request_logs (id bigint NOT NULL, requested_at timestamptz NOT NULL, endpoint text NOT NULL) PARTITION BY RANGE (requested_at);
CREATE TABLE api_request_logs_p${old.suffix} PARTITION OF api_request_logs FOR VALUES FROM ('${old.from}') TO ('${old.to}');
CREATE TABLE api_request_logs_p${prev.suffix} PARTITION OF api_request_logs FOR VALUES FROM ('${prev.from}') TO ('${prev.to}');
CREATE TABLE api_request_logs_default PARTITION OF api_request_logs DEFAULT;`,
        'DROP TABLE api_request_logs;'),
      }, { partitions: { api_request_logs: { premakeMonths: 2, retentionMonths: 12, retentionAction: 'detach' } } });
      assert.equal((await p.cli(['--up'])).code, 0);
      const show = await p.cli(['--partitions']);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /api_request_logs partitioned by range RANGE \(requested_at\)/);
      assert.match(show.stdout, new RegExp(`api_request_logs_p${old.suffix}\\s+FOR VALUES FROM \\('${old.from}`));
      const m = await p.cli(['--partitions', 'maintain', '--json']);
      assert.equal(m.code, 0, m.stderr);
      const changes = (JSON.parse(m.stdout) as { changes: { action: string; partition: string }[] }).changes;
      assert.deepEqual(changes.map((c) => `${c.action} ${c.partition}`), [
        `created api_request_logs_p${month(0).suffix}`, `created api_request_logs_p${month(1).suffix}`, `created api_request_logs_p${month(2).suffix}`,
        `detached api_request_logs_p${old.suffix}`,
      ]);
      const attached = await p.query<{ c: string }>(`SELECT c.relname AS c FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'api_request_logs'::regclass ORDER BY 1`);
      assert.ok(!attached.some((a) => a.c.endsWith(old.suffix)), 'the expired partition is detached');
      const still = await p.query(`SELECT 1 FROM pg_class WHERE relname = 'api_request_logs_p${old.suffix}'`);
      assert.equal(still.length, 1, 'detach keeps the table');
      const again = await p.cli(['--partitions', 'maintain']);
      assert.match(again.stdout, /already in shape/);
    });

    it('--perf without pg_stat_statements lists statements one by one, batched migrations as migrations, and says how to enable it', async () => {
      p = await makeProject(backend, {
        'migrations/001_batched.sql': migration(`CREATE TABLE a (id bigint);\nSELECT pg_sleep(0.08);\nCREATE TABLE b (id bigint);`, 'DROP TABLE b;\nDROP TABLE a;'),
        'migrations/002_alone.sql': migration(`SELECT pg_sleep(0.08);\nCREATE TABLE c (id bigint);`, 'DROP TABLE c;', '-- transaction: none\n'),
      }, { slowStatementMs: 40 });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--perf', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const perf = JSON.parse(r.stdout) as { statementsSource: string; statStatements: string; topStatements: { query: string }[]; slowMigrations: { migration: string; statements: number | null }[] };
      assert.equal(perf.statementsSource, 'migration log');
      for (const s of perf.topStatements) {
        const sql = s.query.replace(/^\S+ line \d+: /, '');
        assert.equal((await splitStatements(sql)).length, 1, `one statement per row, not a migration body: ${s.query}`);
      }
      assert.deepEqual(perf.topStatements.map((s) => s.query), ['002_alone line 3: SELECT pg_sleep(0.08);']);
      assert.deepEqual(perf.slowMigrations.map((m) => [m.migration, m.statements]), [['001_batched', 3]]);
      const text = await p.cli(['--perf']);
      assert.match(text.stdout, /Slow migrations \(statements ran as one batch, so only the whole migration was timed\)/);
      assert.match(text.stdout, backend === 'postgres'
        ? /pg_stat_statements is not enabled.*add pg_stat_statements to shared_preload_libraries in postgresql\.conf .*restart the server, then run CREATE EXTENSION pg_stat_statements;/
        : /embedded PGlite has no pg_stat_statements/);
    });

    it('--perf reports real numbers after a workload', async () => {
      p = await makeProject(backend, {
        'migrations/001_objects.sql': migration(`
CREATE TABLE space_objects (id bigint PRIMARY KEY, kind text NOT NULL, name text NOT NULL);
CREATE INDEX space_objects_kind_idx ON space_objects (kind);
CREATE INDEX space_objects_name_idx ON space_objects (name);
INSERT INTO space_objects SELECT g, CASE WHEN g % 1000 = 0 THEN 'asteroid' ELSE 'comet' END, 'object ' || g FROM generate_series(1, 5000) g;`,
        'DROP TABLE space_objects;'),
      }, { slowStatementMs: 0 });
      assert.equal((await p.cli(['--up'])).code, 0);
      await p.query('ANALYZE space_objects');
      await p.query(`SELECT count(*) FROM space_objects WHERE kind = 'asteroid'`);
      await p.query('DELETE FROM space_objects WHERE id <= 1000');
      if (backend === 'postgres') await p.query('SELECT pg_stat_force_next_flush()').catch(() => {});
      const r = await p.cli(['--perf', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const perf = JSON.parse(r.stdout) as { statementsSource: string; topStatements: { query: string; totalMs: number }[]; tables: { table: string; liveRows: number; deadRows: number; estimatedRows: number; sizeBytes: number }[]; indexes: { index: string; scans: number }[]; unusedIndexes: { index: string }[] };
      assert.ok(perf.topStatements.length > 0, 'statements are reported');
      if (perf.statementsSource === 'migration log') assert.ok(perf.topStatements.some((s) => /INSERT INTO space_objects/.test(s.query)));
      const t = perf.tables.find((x) => x.table === 'space_objects');
      assert.ok(t, `space_objects is listed: ${JSON.stringify(perf.tables)}`);
      assert.ok(t.sizeBytes > 100000, 'its size is real');
      assert.ok(t.liveRows + t.deadRows > 0 || t.estimatedRows > 0, 'row counts are real');
      const text = await p.cli(['--perf']);
      assert.match(text.stdout, /Top statements \((pg_stat_statements|migration log)\)/);
      if (backend === 'pglite') {
        // Activity counters live in the PGlite process that ran the workload: say so rather than show zeros as facts.
        assert.match(text.stdout, /Note: embedded PGlite: scan and row counters only cover the current process/);
        assert.ok(perf.indexes.some((i) => i.index === 'space_objects_kind_idx'));
        return;
      }
      const kind = perf.indexes.find((i) => i.index === 'space_objects_kind_idx');
      assert.ok(kind && kind.scans > 0, 'the kind index was used by the workload');
      assert.ok(perf.unusedIndexes.some((i) => i.index === 'space_objects_name_idx'), 'the name index was never scanned');
      assert.match(text.stdout, /Never scanned \(candidates to drop\): .*space_objects_name_idx/);
    });
  });
}
