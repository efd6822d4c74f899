/**
 * --partitions maintain on awkward real tables: rows already in the DEFAULT partition, sessions in other time
 * zones, existing naming schemes, and what the config hint names. Both backends.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type PartitionPolicy } from '../../src/core/config';
import { createMigration } from '../../src/core/create';
import { withTransaction } from '../../src/core/db/transaction';
import { restorePartitionBackup } from '../../src/core/partition-backup';
import { maintainPartitions } from '../../src/core/partition-maintain';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

/** The UTC calendar month `offset` months from now. */
export function utcMonth(offset: number): { from: string; to: string; y: string; m: string } {
  const now = new Date();
  const a = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  const b = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset + 1, 1));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { from: iso(a), to: iso(b), y: iso(a).slice(0, 4), m: iso(a).slice(5, 7) };
}

/**
 * --partitions maintain with the session in `zone`. PostgreSQL: the CLI, with the zone set on the database
 * (ALTER DATABASE ... SET TimeZone). PGlite ignores database-level settings, so there the engine's own
 * maintenance runs on a session given SET TimeZone.
 */
async function maintainInZone(p: TestProject, zone: string, policies: Record<string, PartitionPolicy>): Promise<{ code: number; stderr: string; changes: Change[] }> {
  if (p.backend === 'postgres') {
    await p.query(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), '${zone}'); END $$`);
    const r = await p.cli(['--partitions', 'maintain', '--json']);
    return { code: r.code, stderr: r.stderr, changes: r.code === 0 ? (JSON.parse(r.stdout) as { changes: Change[] }).changes : [] };
  }
  return p.withSession(async (s) => {
    await s.exec(`SET TimeZone = '${zone}'`);
    assert.equal((await s.query<{ tz: string }>('SELECT current_setting(\'TimeZone\') AS tz')).rows[0]!.tz, zone);
    try {
      const r = await withTransaction(s, () => maintainPartitions(s, policies, { backupDir: null }));
      return { code: 0, stderr: '', changes: r.changes };
    } catch (err) {
      return { code: 1, stderr: String((err as Error).stack), changes: [] };
    }
  });
}

interface Change { table: string; action: string; partition: string; bound: string; rowsMoved?: number }

const KEY_LITERAL: Record<string, (day: string) => string> = {
  timestamptz: (d) => `${d} 00:00:00+00`,
  timestamp: (d) => `${d} 00:00:00`,
  date: (d) => d,
};

/** The last value (an hour, or a day for dates) before the UTC midnight starting `day`, whatever the session's time zone. */
const JUST_BEFORE: Record<string, (day: string) => string> = {
  timestamptz: (d) => `'${d} 00:00:00+00'::timestamptz - interval '1 hour'`,
  timestamp: (d) => `'${d}'::timestamp - interval '1 hour'`,
  date: (d) => `'${d}'::date - 1`,
};

function hasPsql(): boolean {
  try { execFileSync('psql', ['--version']); return true; } catch { return false; }
}

for (const backend of BACKENDS) {
  describe(`--partitions maintain on ${backend}: default rows, time zones, names, hints`, function () {
    this.timeout(180000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('moves rows the DEFAULT partition holds for a month it creates into that month, in the same transaction, and says how many', async () => {
      const cur = utcMonth(0);
      const next = utcMonth(1);
      const far = utcMonth(30);
      p = await makeProject(backend, {
        'migrations/001_logs.sql': migration(`
CREATE TABLE request_log (id bigint GENERATED ALWAYS AS IDENTITY, requested_at timestamptz NOT NULL, route text NOT NULL, PRIMARY KEY (id, requested_at)) PARTITION BY RANGE (requested_at);
CREATE TABLE request_log_default PARTITION OF request_log DEFAULT;
INSERT INTO request_log (requested_at, route) SELECT '${cur.from} 00:00:00+00'::timestamptz + g * interval '1 hour', '/apod' FROM generate_series(0, 9) g;
INSERT INTO request_log (requested_at, route) SELECT '${next.from} 00:00:00+00'::timestamptz + g * interval '1 day', '/neo' FROM generate_series(0, 2) g;
INSERT INTO request_log (requested_at, route) VALUES ('${far.from} 12:00:00+00', '/future');`,
        'DROP TABLE request_log;'),
      }, { partitions: { request_log: { premakeMonths: 2 } } });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--partitions', 'maintain', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const changes = (JSON.parse(r.stdout) as { changes: Change[] }).changes;
      const created = changes.filter((c) => c.action === 'created');
      assert.deepEqual(created.map((c) => [c.partition, c.rowsMoved ?? 0]), [
        [`request_log_y${cur.y}m${cur.m}`, 10], [`request_log_y${next.y}m${next.m}`, 3], [`request_log_y${utcMonth(2).y}m${utcMonth(2).m}`, 0]]);
      const where = await p.query<{ part: string; n: number }>(`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM request_log GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(where.map((w) => [w.part, w.n]), [
        ['request_log_default', 1], [`request_log_y${cur.y}m${cur.m}`, 10], [`request_log_y${next.y}m${next.m}`, 3]]);
      const text = await p.cli(['--partitions', 'maintain', '--dry-run']);
      assert.match(text.stdout, /already in shape/);
      const dflt = await p.query<{ bound: string }>(`SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'request_log_default'`);
      assert.equal(dflt[0]?.bound, 'DEFAULT', 'the default partition is attached again');
    });

    it('the text report says how many rows moved out of the default partition', async () => {
      const cur = utcMonth(0);
      p = await makeProject(backend, {
        'migrations/001_logs.sql': migration(`
CREATE TABLE hits (at date NOT NULL, n int) PARTITION BY RANGE (at);
CREATE TABLE hits_default PARTITION OF hits DEFAULT;
INSERT INTO hits VALUES ('${cur.from}', 1), ('${cur.from}', 2);`, 'DROP TABLE hits;'),
      }, { partitions: { hits: { premakeMonths: 0 } } });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--partitions', 'maintain']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`created hits_y${cur.y}m${cur.m} .*moved 2 rows out of hits_default`));
    });

    for (const zone of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata']) {
      for (const keyType of ['timestamptz', 'timestamp', 'date']) {
        it(`session time zone ${zone}, ${keyType} key: new months abut the existing UTC months, no overlap, no gap`, async () => {
          const prev = utcMonth(-1);
          const cur = utcMonth(0);
          const lit = KEY_LITERAL[keyType]!;
          p = await makeProject(backend, {
            'migrations/001_events.sql': migration(`
CREATE TABLE events (id bigint NOT NULL, at ${keyType} NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_p${prev.y}_${prev.m} PARTITION OF events FOR VALUES FROM ('${lit(prev.from)}') TO ('${lit(prev.to)}');
CREATE TABLE events_p${cur.y}_${cur.m} PARTITION OF events FOR VALUES FROM ('${lit(cur.from)}') TO ('${lit(cur.to)}');
CREATE TABLE events_default PARTITION OF events DEFAULT;`, 'DROP TABLE events;'),
          }, { partitions: { events: { premakeMonths: 3 } } });
          assert.equal((await p.cli(['--up'])).code, 0);
          const { code, stderr, changes } = await maintainInZone(p, zone, { events: { premakeMonths: 3 } });
          assert.equal(code, 0, stderr);
          assert.deepEqual(changes.map((c) => c.partition), [1, 2, 3].map((i) => `events_p${utcMonth(i).y}_${utcMonth(i).m}`), 'the existing _pYYYY_MM names are followed');
          // A row at the first and last hour of every UTC month lands in that month's partition, never in DEFAULT.
          for (let i = -1; i <= 3; i++) {
            const m = utcMonth(i);
            await p.query(`INSERT INTO events VALUES (${i + 10}, '${lit(m.from)}'), (${i + 20}, ${JUST_BEFORE[keyType]!(m.to)})`);
          }
          const rows = await p.query<{ part: string; n: number }>(`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM events GROUP BY 1 ORDER BY 1`);
          assert.deepEqual(rows.map((x) => [x.part, x.n]), [-1, 0, 1, 2, 3].map((i) => [`events_p${utcMonth(i).y}_${utcMonth(i).m}`, 2]));
        });
      }
    }

    it('names new partitions like the existing ones (_yYYYYmMM as in the template), and _yYYYYmMM when there are none', async () => {
      const cur = utcMonth(0);
      p = await makeProject(backend, {
        'migrations/001_t.sql': migration(`
CREATE TABLE api_request_log (id bigint NOT NULL, requested_at timestamptz NOT NULL) PARTITION BY RANGE (requested_at);
CREATE TABLE api_request_log_y${cur.y}m${cur.m} PARTITION OF api_request_log FOR VALUES FROM ('${cur.from} 00:00+00') TO ('${cur.to} 00:00+00');
CREATE TABLE bare (at date NOT NULL) PARTITION BY RANGE (at);`, 'DROP TABLE api_request_log; DROP TABLE bare;'),
      }, { partitions: { api_request_log: { premakeMonths: 1 }, bare: { premakeMonths: 0 } } });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--partitions', 'maintain', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const names = (JSON.parse(r.stdout) as { changes: Change[] }).changes.map((c) => c.partition);
      assert.deepEqual(names, [`api_request_log_y${utcMonth(1).y}m${utcMonth(1).m}`, `bare_y${cur.y}m${cur.m}`]);
    });

    it('retentionAction drop saves each expired partition to a file first (restorable), and a protected environment refuses without --yes', async () => {
      const old = utcMonth(-15);
      p = await makeProject(backend, {
        'migrations/001_logs.sql': migration(`
CREATE TABLE api_request_log (id bigint NOT NULL, requested_at timestamptz NOT NULL, route text, PRIMARY KEY (id, requested_at)) PARTITION BY RANGE (requested_at);
CREATE TABLE api_request_log_y${old.y}m${old.m} PARTITION OF api_request_log FOR VALUES FROM ('${old.from} 00:00+00') TO ('${old.to} 00:00+00');
INSERT INTO api_request_log SELECT g, '${old.from} 00:00+00'::timestamptz + g * interval '1 minute', '/apod?date=' || g FROM generate_series(1, 1200) g;
INSERT INTO api_request_log VALUES (5000, '${old.from} 03:00+00', E'tab\\there, newline\\nthere, back\\\\slash'), (5001, '${old.from} 04:00+00', NULL);`,
        'DROP TABLE api_request_log;'),
      }, { partitions: { api_request_log: { premakeMonths: 0, retentionMonths: 12, retentionAction: 'drop' } }, environments: { test: { protected: true } } });
      assert.equal((await p.cli(['--up', '--yes'])).code, 0);
      const before = await p.query<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(string_agg(id || '|' || requested_at || '|' || coalesce(route, 'NULL'), ',' ORDER BY id)) AS h FROM api_request_log`);
      const refused = await p.cli(['--partitions', 'maintain']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /protected/);
      assert.equal((await p.query(`SELECT 1 FROM pg_class WHERE relname = 'api_request_log_y${old.y}m${old.m}'`)).length, 1, 'nothing dropped without --yes');
      const r = await p.cli(['--partitions', 'maintain', '--yes', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const dropped = (JSON.parse(r.stdout) as { changes: (Change & { backup?: string })[] }).changes.find((c) => c.action === 'dropped');
      assert.ok(dropped?.backup, `the drop names its backup: ${r.stdout}`);
      assert.ok(fs.existsSync(dropped.backup));
      assert.equal(fs.statSync(dropped.backup).mode & 0o777, 0o600);
      assert.equal((await p.query(`SELECT 1 FROM pg_class WHERE relname = 'api_request_log_y${old.y}m${old.m}'`)).length, 0, 'the partition is dropped');
      if (backend === 'postgres' && hasPsql()) {
        execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', p.url!, '-f', dropped.backup]);
      } else {
        assert.equal(await p.withSession((s) => restorePartitionBackup(s, dropped.backup!)), 1202);
      }
      await p.query(`ALTER TABLE api_request_log ATTACH PARTITION api_request_log_y${old.y}m${old.m} FOR VALUES FROM ('${old.from} 00:00+00') TO ('${old.to} 00:00+00')`);
      const after = await p.query<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(string_agg(id || '|' || requested_at || '|' || coalesce(route, 'NULL'), ',' ORDER BY id)) AS h FROM api_request_log`);
      assert.deepEqual(after, before, 'every row, tab, newline, backslash and NULL came back');
      const text = await p.cli(['--partitions', 'maintain', '--yes', '--dry-run']);
      assert.match(text.stdout, /already in shape|dropped/);
    });

    it('pg_partman: tables it manages are skipped, and the others get the call that hands them over', async function () {
      if (backend === 'pglite') { this.test!.title += ' (skipped: PGlite has no pg_partman)'; this.skip(); }
      p = await makeProject(backend, {});
      const avail = await p.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'`);
      if (!avail.length) { this.test!.title += ' (skipped: pg_partman is not installed on this server: apt-get install postgresql-15-partman)'; this.skip(); }
      await p.query('CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman');
      const version = (await p.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'pg_partman'`))[0]!.v;
      await p.query(`CREATE TABLE managed (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE plain (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at)`);
      await p.query(Number(version.split('.')[0]) >= 5
        ? `SELECT partman.create_parent(p_parent_table => 'public.managed', p_control => 'at', p_interval => '1 month')`
        : `SELECT partman.create_parent(p_parent_table => 'public.managed', p_control => 'at', p_type => 'native', p_interval => 'monthly')`);
      const managedBefore = await p.query<{ c: string }>(`SELECT inhrelid::regclass::text AS c FROM pg_inherits WHERE inhparent = 'managed'::regclass ORDER BY 1`);
      p.write('database-migration.config.json', JSON.stringify({ ...JSON.parse(fs.readFileSync(`${p.dir}/database-migration.config.json`, 'utf8')) as object, partitions: { managed: { premakeMonths: 2 }, plain: { premakeMonths: 2 } } }));
      const dry = await p.cli(['--partitions', 'maintain', '--dry-run', '--json']);
      assert.equal(dry.code, 0, dry.stderr);
      const out = JSON.parse(dry.stdout) as { changes: Change[]; notes: { kind: string; table: string; handover?: string; version: string }[] };
      assert.ok(out.changes.every((c) => c.table === 'plain'), 'nothing is done to the table pg_partman manages');
      assert.deepEqual(out.notes.map((n) => [n.kind, n.table, n.version]), [['partman-managed', 'managed', version], ['partman-available', 'plain', version]]);
      const text = await p.cli(['--partitions', 'maintain', '--dry-run']);
      assert.match(text.stdout, new RegExp(`pg_partman ${version.replace(/\./g, '\\.')} is installed: tables it manages are skipped; to hand plain over to it run: SELECT "partman"\\.create_parent\\(`));
      assert.match(text.stdout, /managed is managed by pg_partman .*: skipped/);
      const shown = await p.cli(['--partitions']);
      assert.match(shown.stdout, new RegExp(`managed partitioned by range RANGE \\(at\\), managed by pg_partman ${version.replace(/\./g, '\\.')}`));
      assert.doesNotMatch(shown.stdout, /plain partitioned by .*managed by/);
      // The call the report gives works as printed.
      await p.query(out.notes[1]!.handover!);
      const again = await p.cli(['--partitions', 'maintain', '--json']);
      assert.equal(again.code, 0, again.stderr);
      const after = JSON.parse(again.stdout) as { changes: Change[]; notes: { kind: string }[] };
      assert.deepEqual(after.changes, []);
      assert.deepEqual(after.notes.map((n) => n.kind), ['partman-managed', 'partman-managed']);
      assert.deepEqual(await p.query(`SELECT inhrelid::regclass::text AS c FROM pg_inherits WHERE inhparent = 'managed'::regclass ORDER BY 1`), managedBefore);
    });

    it('the partitioned-table template makes UTC months in any session time zone, and maintain carries on from them', async function () {
      if (backend === 'pglite') { this.test!.title += ' (skipped: PGlite ignores a database-level TimeZone, so the CLI cannot run in another zone)'; this.skip(); }
      p = await makeProject(backend, {});
      await p.query(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Kolkata'); END $$`);
      createMigration(loadConfig({ cwd: p.dir }), 'create_api_events', { template: 'partitioned-table' });
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      const cur = utcMonth(0);
      await p.query(`INSERT INTO api_events (created_at) VALUES ('${cur.from} 00:00:00+00'), ('${cur.from} 00:00:00+00'::timestamptz - interval '1 hour')`);
      const where = await p.query<{ part: string }>('SELECT tableoid::regclass::text AS part FROM api_events ORDER BY created_at');
      assert.deepEqual(where.map((w) => w.part), ['api_events_default', `api_events_y${cur.y}m${cur.m}`], 'the month starts at UTC midnight, not Kolkata midnight');
      p.write('database-migration.config.json', JSON.stringify({ ...JSON.parse(fs.readFileSync(`${p.dir}/database-migration.config.json`, 'utf8')) as object, partitions: { api_events: { premakeMonths: 3 } } }));
      const m = await p.cli(['--partitions', 'maintain', '--json']);
      assert.equal(m.code, 0, m.stderr);
      assert.deepEqual((JSON.parse(m.stdout) as { changes: Change[] }).changes.map((c) => c.partition), [`api_events_y${utcMonth(3).y}m${utcMonth(3).m}`]);
    });

    it('the example project: maintain follows its api_request_log_yYYYYmMM UTC months and moves rows out of its default partition', async () => {
      const dir = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal', 'migrations');
      const files = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => [`migrations/${f}`, fs.readFileSync(path.join(dir, f), 'utf8')]));
      const example = JSON.parse(fs.readFileSync(path.join(dir, '..', 'database-migration.config.json'), 'utf8')) as { partitions: Record<string, PartitionPolicy> };
      assert.equal(example.partitions['api_request_log']?.premakeMonths, 4, 'the example config maintains api_request_log four months ahead');
      p = await makeProject(backend, files, { partitions: example.partitions });
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      const m3 = utcMonth(3);
      await p.query(`INSERT INTO api_request_log (requested_at, method, route, path, status_code, duration_ms)
        SELECT '${m3.from} 00:00:00+00'::timestamptz + g * interval '1 hour', 'GET', '/planetary/apod', '/planetary/apod', 200, 12.5 FROM generate_series(0, 4) g`);
      const r = await p.cli(['--partitions', 'maintain', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const changes = (JSON.parse(r.stdout) as { changes: Change[] }).changes;
      assert.deepEqual(changes.map((c) => [c.action, c.partition, c.rowsMoved ?? 0]),
        [3, 4].map((i) => ['created', `api_request_log_y${utcMonth(i).y}m${utcMonth(i).m}`, i === 3 ? 5 : 0]));
      const moved = await p.query<{ part: string; n: number }>(`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM api_request_log GROUP BY 1`);
      assert.deepEqual(moved, [{ part: `api_request_log_y${m3.y}m${m3.m}`, n: 5 }]);
    });

    it('the hint for a missing "partitions" config names a real partitioned table, or none when there is none', async () => {
      p = await makeProject(backend, {
        'migrations/001_t.sql': migration(`CREATE TABLE telemetry (at timestamptz NOT NULL) PARTITION BY RANGE (at);`, 'DROP TABLE telemetry;'),
      });
      const empty = await p.cli(['--partitions', 'maintain']);
      assert.equal(empty.code, 2);
      assert.doesNotMatch(empty.stderr, /api_request_logs/);
      assert.match(empty.stderr, /there are no partitioned tables/);
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--partitions', 'maintain']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /"partitions": \{ "telemetry": \{ "premakeMonths": 3/);
      assert.doesNotMatch(r.stderr, /api_request_logs/);
    });
  });
}
