/**
 * "fastCommit": true (issue 13): --up commits every migration but the last with synchronous_commit off, and
 * the last one's synchronous commit flushes them all; a run that stops early flushes before it reports.
 * Each migration records the setting it ran under, so the tests see which commits were asynchronous.
 */
import assert from 'node:assert/strict';
import { makeProject, migration, type TestProject } from './harness';

const seen = (v: string) => `INSERT INTO seen (v, sc) VALUES ('${v}', current_setting('synchronous_commit'));`;

const FILES: Record<string, string> = {
  'migrations/001_seen.sql': migration(`CREATE TABLE seen (v text PRIMARY KEY, sc text NOT NULL);\n${seen('001')}`, 'DROP TABLE seen;'),
  'migrations/002_a.sql': migration(`CREATE TABLE a (id int);\n${seen('002')}`, `DROP TABLE a;\nDELETE FROM seen WHERE v = '002';`),
  // Autocommit, statement by statement: its commits are synchronous whatever the setting.
  'migrations/003_none.sql': migration(`CREATE INDEX a_id_idx ON a (id);\n${seen('003')}`, `DROP INDEX a_id_idx;\nDELETE FROM seen WHERE v = '003';`, '-- transaction: none\n'),
  'migrations/004_b.sql': migration(`CREATE TABLE b (id int);\n${seen('004')}`, `DROP TABLE b;\nDELETE FROM seen WHERE v = '004';`),
  'migrations/005_c.sql': migration(`CREATE TABLE c (id int);\n${seen('005')}`, `DROP TABLE c;\nDELETE FROM seen WHERE v = '005';`),
};

async function settings(p: TestProject): Promise<string[]> {
  return (await p.query<{ v: string; sc: string }>('SELECT v, sc FROM seen ORDER BY v')).map((r) => `${r.v}:${r.sc}`);
}

async function history(p: TestProject): Promise<string[]> {
  const rows = await p.query<{ version: string; status: string }>('SELECT version, status FROM database_migrations ORDER BY version');
  return rows.map((r) => `${r.version}:${r.status}`);
}

async function loggedUps(p: TestProject): Promise<string[]> {
  return (await p.query<{ version: string }>(`SELECT version FROM database_migrations_log WHERE action = 'up' AND success ORDER BY id`)).map((r) => r.version);
}

describe('fastCommit (asynchronous commits, one flush at the end)', function () {
  this.timeout(60000);

  it('postgres: every transactional migration but the last commits with synchronous_commit off; history and log as without it', async () => {
    const p = await makeProject('postgres', FILES, { fastCommit: true });
    try {
      const r = await p.cli(['--up']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(await settings(p), ['001:off', '002:off', '003:on', '004:off', '005:on']);
      assert.deepEqual(await history(p), ['001:applied', '002:applied', '003:applied', '004:applied', '005:applied']);
      assert.deepEqual(await loggedUps(p), ['001', '002', '003', '004', '005']);
      // The setting was for each migration's transaction only: nothing of it is left in the session afterwards.
      const down = await p.cli(['--down', '--steps', '2']);
      assert.equal(down.code, 0, down.stdout + down.stderr);
      assert.deepEqual(await history(p), ['001:applied', '002:applied', '003:applied']);
    } finally {
      await p.cleanup();
    }
  });

  it('postgres: without it (the default) every migration commits synchronously', async () => {
    const p = await makeProject('postgres', FILES);
    try {
      const r = await p.cli(['--up']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(await settings(p), ['001:on', '002:on', '003:on', '004:on', '005:on']);
    } finally {
      await p.cleanup();
    }
  });

  it('postgres: a failure after asynchronous commits keeps the migrations before it and flushes them before exit 1', async () => {
    const files = {
      'migrations/001_seen.sql': FILES['migrations/001_seen.sql']!,
      'migrations/002_a.sql': FILES['migrations/002_a.sql']!,
      'migrations/003_fails.sql': migration(`CREATE TABLE d (id int);\n${seen('003')}\nSELECT 1 / 0;`, 'DROP TABLE d;'),
      'migrations/004_b.sql': FILES['migrations/004_b.sql']!,
    };
    const p = await makeProject('postgres', files, { fastCommit: true });
    try {
      const r = await p.cli(['--up']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /003_fails/);
      assert.match(r.stderr, /division by zero/);
      assert.deepEqual(await settings(p), ['001:off', '002:off']);
      assert.deepEqual(await history(p), ['001:applied', '002:applied']);
      // The flush rewrote 002's history row in a transaction of its own (synchronous commit), after the
      // asynchronous one that applied 002 and wrote its "seen" row.
      const x = await p.query<{ h: string; s: string }>(`SELECT (SELECT xmin::text FROM database_migrations WHERE version = '002') AS h, (SELECT xmin::text FROM seen WHERE v = '002') AS s`);
      assert.notEqual(x[0]!.h, x[0]!.s, '002 was not flushed after the failure');
      assert.equal((await p.query<{ d: number }>(`SELECT duration_ms AS d FROM database_migrations WHERE version = '002'`))[0]!.d !== null, true);
    } finally {
      await p.cleanup();
    }
  });

  it('postgres: "fastCommit" must be true or false (exit 2)', async () => {
    const p = await makeProject('postgres', FILES, { fastCommit: 'yes' });
    try {
      const r = await p.cli(['--up']);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /fastCommit/);
      assert.deepEqual((await p.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`))[0]!.n, 0);
    } finally {
      await p.cleanup();
    }
  });
});
