/**
 * Every path agrees (issue 11): --up, --down, --dry-run, --verify, --lint, --status and --history plan, refuse
 * and report the same way. Each test here failed before the engine was restructured around one plan.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, migration, tables as allTables, type TestProject } from './harness';

const A = migration('CREATE TABLE a1 (id int);', 'DROP TABLE a1;');
const B = migration('CREATE TABLE b1 (id int);', 'DROP TABLE b1;');
const C = migration('CREATE TABLE c1 (id int);', 'DROP TABLE c1;');

/** The project's own tables (not the tool's history tables). */
async function tables(p: TestProject): Promise<string[]> {
  return (await allTables(p)).filter((t) => !t.startsWith('database_migrations'));
}

async function exists(p: TestProject, table: string): Promise<boolean> {
  return (await p.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]))[0]!.t !== null;
}

async function logRows(p: TestProject): Promise<number> {
  if (!(await exists(p, 'database_migrations_log'))) return 0;
  return Number((await p.query<{ n: string }>('SELECT count(*)::text AS n FROM database_migrations_log'))[0]!.n);
}

async function applied(p: TestProject): Promise<string[]> {
  if (!(await exists(p, 'database_migrations'))) return [];
  return (await p.query<{ v: string }>('SELECT version AS v FROM database_migrations ORDER BY version')).map((r) => r.v);
}

describe('every path agrees (postgres)', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  describe('--down pops the stack of applications', () => {
    it('after an out-of-order apply, rolls back the migration applied last, not the highest version', async () => {
      p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'migrations/003_c.sql': C }, { allowOutOfOrder: true });
      assert.equal((await p.cli(['--up'])).code, 0);
      p.write('migrations/002_b.sql', B);
      const late = await p.cli(['--up']);
      assert.equal(late.code, 0, late.stderr);
      const down = await p.cli(['--down']);
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(await tables(p), ['a1', 'c1'], '002 was applied last, so it is rolled back first');
      assert.deepEqual(await applied(p), ['001', '003']);
    });

    it('--to V rolls back everything applied after V in reverse order of application', async () => {
      p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'migrations/003_c.sql': C }, { allowOutOfOrder: true });
      assert.equal((await p.cli(['--up'])).code, 0);
      p.write('migrations/002_b.sql', B);
      assert.equal((await p.cli(['--up'])).code, 0);
      const down = await p.cli(['--down', '--to', '1', '--json']);
      assert.equal(down.code, 0, down.stderr);
      const order = (JSON.parse(down.stdout) as { rolledBack: { version: string }[] }).rolledBack.map((m) => m.version);
      assert.deepEqual(order, ['002', '003']);
      assert.deepEqual(await tables(p), ['a1']);
    });
  });

  describe('flags that do not apply are refused, never ignored', () => {
    for (const args of [['--restore', 'latest', '--dry-run'], ['--refresh-views', '--dry-run'], ['--backup', '--dry-run'], ['--status', '--steps', '3'], ['--history', '--to', '2'], ['--seed', '--single-transaction']]) {
      it(`${args.join(' ')}: exit 2 naming the flag`, async () => {
        p = await makeProject('postgres', { 'migrations/001_a.sql': A });
        const r = await p.cli(args);
        assert.equal(r.code, 2, r.stderr);
        const flag = args.find((a, i) => i > 0 && a.startsWith('--'))!;
        assert.match(r.stderr, new RegExp(`${flag}.*does not apply to ${args[0]}`));
        assert.deepEqual(await tables(p), []);
      });
    }

    it('--seed --dry-run rehearses the seed and leaves nothing behind', async () => {
      p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'seeds/001_rows.sql': 'INSERT INTO a1 VALUES (1), (2), (3);' });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--seed', '--dry-run']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /rolled back/i);
      assert.match(r.stdout, /001_rows\.sql/);
      const n = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM a1');
      assert.equal(n[0]!.n, '0');
      if (await exists(p, 'database_migrations_seeds')) {
        const seeds = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM database_migrations_seeds');
        assert.equal(seeds[0]!.n, '0', 'a rehearsal records no seed');
      }
    });

    it('--partitions maintain --dry-run reports the changes and makes none', async () => {
      p = await makeProject('postgres', {
        'migrations/001_logs.sql': migration(`CREATE TABLE api_request_logs (id bigint NOT NULL, requested_at timestamptz NOT NULL) PARTITION BY RANGE (requested_at);
CREATE TABLE api_request_logs_default PARTITION OF api_request_logs DEFAULT;`, 'DROP TABLE api_request_logs;'),
      }, { partitions: { api_request_logs: { premakeMonths: 1, retentionMonths: 12, retentionAction: 'detach' } } });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--partitions', 'maintain', '--dry-run', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { dryRun: boolean; changes: { action: string }[] };
      assert.equal(out.dryRun, true);
      assert.equal(out.changes.filter((c) => c.action === 'created').length, 2, 'this month and the next');
      const children = await p.query(`SELECT 1 FROM pg_inherits WHERE inhparent = 'api_request_logs'::regclass`);
      assert.equal(children.length, 1, 'only the default partition exists after the rehearsal');
    });
  });

  describe('the whole plan is checked before the first migration runs', () => {
    it('a syntax error in the third pending migration: exit 2, nothing applied, no log row', async () => {
      p = await makeProject('postgres', {
        'migrations/001_a.sql': A, 'migrations/002_b.sql': B,
        'migrations/003_c.sql': migration('CREATE TABLE c1 (id int);\nCREATE TABEL c2 (id int);', 'DROP TABLE c1;'),
      });
      const r = await p.cli(['--up']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /migrations\/003_c\.sql:3:\d+: syntax error in 003_c \(up section\)/);
      assert.match(r.stderr, /nothing was run/);
      assert.deepEqual(await tables(p), []);
      assert.deepEqual(await applied(p), []);
      assert.equal(await logRows(p), 0, 'a refused run writes no log row');
      const dry = await p.cli(['--up', '--dry-run']);
      assert.equal(dry.code, 2, '--dry-run refuses what --up refuses');
    });

    it('COMMIT inside a transactional migration is refused, and nothing before it is left behind', async () => {
      p = await makeProject('postgres', { 'migrations/001_c.sql': migration('CREATE TABLE c1 (id int);\nCOMMIT;\nCREATE TABLE c2 (id int);', 'DROP TABLE c2;\nDROP TABLE c1;') });
      const r = await p.cli(['--up']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /migrations\/001_c\.sql:3: .*COMMIT/);
      assert.deepEqual(await tables(p), [], 'c1 was never created');
      const dry = await p.cli(['--up', '--dry-run']);
      assert.equal(dry.code, 2);
    });

    it('a statement PostgreSQL refuses in a transaction is refused before the first migration runs (--up and --dry-run)', async () => {
      p = await makeProject('postgres', {
        'migrations/001_a.sql': A,
        'migrations/002_idx.sql': migration('CREATE INDEX CONCURRENTLY a1_id ON a1 (id);', 'DROP INDEX CONCURRENTLY a1_id;'),
      });
      for (const args of [['--up'], ['--up', '--dry-run'], ['--verify']]) {
        const r = await p.cli(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /002_idx.*CREATE INDEX CONCURRENTLY/);
      }
      assert.deepEqual(await tables(p), []);
      assert.equal(await logRows(p), 0);
    });

    it('--down refuses a syntax error in a later down section before the first rollback', async () => {
      p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'migrations/002_b.sql': B, 'migrations/003_c.sql': C });
      assert.equal((await p.cli(['--up'])).code, 0);
      p.write('migrations/001_a.sql', migration('CREATE TABLE a1 (id int);', 'DROP TABEL a1;'));
      const r = await p.cli(['--down', '--to', '0']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /syntax error in 001_a \(down section\)/);
      assert.deepEqual(await tables(p), ['a1', 'b1', 'c1'], '003 and 002 were not rolled back first');
    });

    it('--single-transaction refused for a non-transactional migration writes no log row', async () => {
      p = await makeProject('postgres', {
        'migrations/001_a.sql': A,
        'migrations/002_idx.sql': migration('CREATE INDEX CONCURRENTLY a1_id ON a1 (id);', 'DROP INDEX CONCURRENTLY a1_id;', '-- transaction: none\n'),
      });
      const r = await p.cli(['--up', '--single-transaction']);
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(await tables(p), []);
      assert.equal(await logRows(p), 0);
    });
  });

  describe('drift', () => {
    it('a renamed applied migration is refused as a rename (E_DRIFT, exit 4), not applied twice', async () => {
      p = await makeProject('postgres', { 'migrations/001_a.sql': A });
      assert.equal((await p.cli(['--up'])).code, 0);
      fs.renameSync(path.join(p.dir, 'migrations/001_a.sql'), path.join(p.dir, 'migrations/002_a.sql'));
      const r = await p.cli(['--up']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /002_a .*same checksum.*001_a|renamed/);
      assert.deepEqual(await applied(p), ['001']);
      const forced = await p.cli(['--up', '--allow-drift']);
      assert.equal(forced.code, 4, 'a rename is refused even with --allow-drift: applying it would run it twice');
    });

    it('--up refuses while an applied migration file is missing, unless --allow-drift', async () => {
      p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'migrations/002_b.sql': B });
      assert.equal((await p.cli(['--up'])).code, 0);
      p.remove('migrations/002_b.sql');
      p.write('migrations/003_c.sql', C);
      const r = await p.cli(['--up']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /002_b is recorded as applied, but its file is gone/);
      assert.deepEqual(await tables(p), ['a1', 'b1']);
      const forced = await p.cli(['--up', '--allow-drift']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.deepEqual(await tables(p), ['a1', 'b1', 'c1']);
    });
  });

  it('--seed --scale without the example tables: exit 2 naming them, nothing loaded', async () => {
    p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'seeds/001_rows.sql': 'INSERT INTO a1 VALUES (1);' });
    assert.equal((await p.cli(['--up'])).code, 0);
    const r = await p.cli(['--seed', '--scale', '10']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /observations/);
    assert.match(r.stderr, /api_request_log/);
    const n = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM a1');
    assert.equal(n[0]!.n, '0');
  });

  describe('protected environments ask before every command that changes the database', () => {
    const cases: [string, string[], (p: TestProject) => Promise<void>][] = [
      ['--mark-applied', ['--mark-applied', '2'], async () => {}],
      ['--mark-rolled-back', ['--mark-rolled-back', '2'], async () => {}],
      ['--repair-checksum', ['--repair-checksum', '1'], async (q) => { q.write('migrations/001_a.sql', migration('CREATE TABLE a1 (id int); -- edited', 'DROP TABLE a1;')); }],
      ['--baseline', ['--baseline', '2'], async () => {}],
    ];
    for (const [name, args, prepare] of cases) {
      it(`${name} without --yes on a non-TTY: exit 2, nothing recorded`, async () => {
        p = await makeProject('postgres', { 'migrations/001_a.sql': A, 'migrations/002_b.sql': B }, { environments: { test: { protected: true } } });
        if (name !== '--baseline') {
          assert.equal((await p.cli(['--up', '--to', '1', '--yes'])).code, 0);
          // A dirty 002 for the mark commands.
          await p.query("INSERT INTO database_migrations (version, name, checksum, status, transactional, batch) VALUES ('002', 'b', 'x', 'running', false, 2)");
        }
        await prepare(p);
        const before = { applied: await applied(p), log: await logRows(p) };
        const r = await p.cli(args);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /environment "test" is protected; refusing to .* without confirmation/);
        assert.match(r.stderr, /--yes/);
        assert.deepEqual({ applied: await applied(p), log: await logRows(p) }, before);
      });
    }
  });

  it('durations agree: what the console prints is what --status and --history show', async () => {
    p = await makeProject('postgres', {
      'migrations/001_a.sql': A,
      'migrations/002_slow.sql': migration('SELECT pg_sleep(0.05);\nCREATE TABLE s1 (id int);', 'DROP TABLE s1;'),
    });
    const up = await p.cli(['--up']);
    assert.equal(up.code, 0, up.stderr);
    const printed = new Map([...up.stdout.matchAll(/(\d{3})_\w+ (\d+ ms|\d+\.\d\d s)/g)].map((m) => [m[1]!, m[2]!]));
    assert.equal(printed.size, 2, up.stdout);
    const status = JSON.parse((await p.cli(['--status', '--json'])).stdout) as { migrations: { version: string; durationMs: number }[] };
    const history = JSON.parse((await p.cli(['--history', '--json'])).stdout) as { log: { version: string | null; action: string; durationMs: number }[] };
    const fmt = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);
    for (const m of status.migrations) {
      assert.equal(printed.get(m.version), fmt(m.durationMs), `console and --status agree for ${m.version}`);
      const logged = history.log.find((e) => e.version === m.version && e.action === 'up');
      assert.ok(logged, `log row for ${m.version}`);
      assert.equal(logged.durationMs, m.durationMs, `--history and --status agree for ${m.version}`);
    }
    assert.ok(status.migrations.find((m) => m.version === '002')!.durationMs >= 50, 'the measured duration includes the migration body');
  });
});
