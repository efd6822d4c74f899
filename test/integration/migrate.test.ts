import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { BACKENDS, makeProject, migration, tables, type TestProject } from './harness';

const FIVE = {
  'migrations/001_create_agencies.sql': migration(
    'CREATE TABLE agencies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);',
    'DROP TABLE agencies;'),
  'migrations/002_create_missions.sql': migration(
    'CREATE TABLE missions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, agency_id bigint REFERENCES agencies (id), name text NOT NULL);\nCREATE INDEX missions_agency_idx ON missions (agency_id);',
    'DROP TABLE missions;'),
  'migrations/003_create_spacecraft.sql': migration(
    'CREATE TABLE spacecraft (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\nINSERT INTO spacecraft (name) VALUES (\'Voyager 1\');',
    'DROP TABLE spacecraft;'),
  'migrations/004_create_targets.sql': migration('CREATE TABLE targets (id bigint PRIMARY KEY);', 'DROP TABLE targets;'),
  'migrations/005_create_instruments.sql': migration('CREATE TABLE instruments (id bigint PRIMARY KEY);', 'DROP TABLE instruments;'),
};

const USER_TABLES = ['agencies', 'missions', 'spacecraft', 'targets', 'instruments'];

function userTables(all: string[]): string[] {
  return all.filter((t) => USER_TABLES.includes(t)).sort();
}

interface StatusJson {
  drift: boolean;
  migrations: { version: string; name: string; state: string; appliedAt: string | null; durationMs: number | null; checksum: string }[];
}

async function statusOf(p: TestProject): Promise<StatusJson> {
  const r = await p.cli(['--status', '--json']);
  return JSON.parse(r.stdout) as StatusJson;
}

for (const backend of BACKENDS) {
  describe(`migrations on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('runs up, status and down as a round trip', async () => {
      p = await makeProject(backend, FIVE);
      const before = await statusOf(p);
      assert.deepEqual(before.migrations.map((m) => m.state), ['pending', 'pending', 'pending', 'pending', 'pending']);

      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /Applied 5 migrations to test/);
      assert.deepEqual(userTables(await tables(p)), [...USER_TABLES].sort());

      const status = await p.cli(['--status']);
      assert.equal(status.code, 0);
      assert.match(status.stdout, /^001\s+create_agencies\s+applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ ms$/m);
      assert.match(status.stdout, /5 applied/);

      const history = await p.query<{ version: string; name: string; batch: number; checksum: string; down_sql: string }>(
        'SELECT version, name, batch, checksum, down_sql FROM database_migrations ORDER BY version');
      assert.equal(history.length, 5);
      assert.ok(history.every((h) => h.batch === 1));
      assert.match(history[0]!.down_sql, /DROP TABLE agencies;/);

      const down = await p.cli(['--down']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, /↓ 005_create_instruments/);
      assert.ok(!(await tables(p)).includes('instruments'));

      const down2 = await p.cli(['--down', '--steps', '2']);
      assert.equal(down2.code, 0, down2.stderr);
      assert.deepEqual((await statusOf(p)).migrations.map((m) => m.state), ['applied', 'applied', 'pending', 'pending', 'pending']);

      const upTo = await p.cli(['004', '--up']);
      assert.equal(upTo.code, 0, upTo.stderr);
      assert.deepEqual((await statusOf(p)).migrations.map((m) => m.state), ['applied', 'applied', 'applied', 'applied', 'pending']);
      const batches = await p.query<{ version: string; batch: number }>('SELECT version, batch FROM database_migrations ORDER BY version');
      assert.deepEqual(batches.map((b) => b.batch), [1, 1, 2, 2]);

      const downAll = await p.cli(['--down', '--to', '0']);
      assert.equal(downAll.code, 0, downAll.stderr);
      assert.deepEqual(userTables(await tables(p)), []);
      const log = await p.query<{ action: string; n: string }>('SELECT action, count(*)::text AS n FROM database_migrations_log GROUP BY action ORDER BY action');
      assert.deepEqual(log, [{ action: 'down', n: '7' }, { action: 'up', n: '7' }]);

      const nothing = await p.cli(['--down']);
      assert.equal(nothing.code, 0);
      assert.match(nothing.stdout, /Nothing to roll back/);
    });

    it('stops at a failing statement in migration 3 of 5 with 1–2 applied and 3 absent', async () => {
      p = await makeProject(backend, {
        ...FIVE,
        'migrations/003_create_spacecraft.sql': migration(
          'CREATE TABLE spacecraft (id bigint PRIMARY KEY, name text NOT NULL);\nINSERT INTO spacecraft VALUES (1, \'Voyager 1\');\nINSERT INTO spacecraft (id, name, mass_kg) VALUES (2, \'Voyager 2\', 721.9);',
          'DROP TABLE spacecraft;'),
      });
      const r = await p.cli(['--up']);
      assert.equal(r.code, 1, 'exit code 1: a migration failed');
      assert.match(r.stderr, /migrations\/003_create_spacecraft\.sql:4:\d+: 003_create_spacecraft failed \(up\): column "mass_kg" of relation "spacecraft" does not exist/);
      assert.match(r.stderr, /rolled back completely/);
      assert.deepEqual(userTables(await tables(p)), ['agencies', 'missions'], 'spacecraft (created by the failing migration) is gone');
      const history = await p.query<{ version: string }>('SELECT version FROM database_migrations ORDER BY version');
      assert.deepEqual(history.map((h) => h.version), ['001', '002']);
      const failures = await p.query<{ version: string; message: string }>(`SELECT version, message FROM database_migrations_log WHERE action = 'failed'`);
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.version, '003');
      assert.match(failures[0]!.message, /mass_kg/);
      const st = await statusOf(p);
      assert.deepEqual(st.migrations.map((m) => m.state), ['applied', 'applied', 'pending', 'pending', 'pending']);
    });

    it('detects a file modified after it was applied and refuses to go on', async () => {
      p = await makeProject(backend, FIVE);
      assert.equal((await p.cli(['--up', '--steps', '2'])).code, 0);
      p.write('migrations/002_create_missions.sql', migration('CREATE TABLE missions (id bigint PRIMARY KEY, name text);', 'DROP TABLE missions;'));
      const st = await p.cli(['--status']);
      assert.equal(st.code, 4, 'drift exit code');
      assert.match(st.stdout, /^002\s+create_missions\s+modified/m);
      assert.match(st.stdout, /drift detected/);
      const up = await p.cli(['--up']);
      assert.equal(up.code, 4);
      assert.match(up.stderr, /002_create_missions was changed after it was applied/);
      assert.match(up.stderr, /fix: restore the file/);
      assert.ok(!(await tables(p)).includes('spacecraft'), 'nothing more was applied');
      const forced = await p.cli(['--up', '--allow-drift']);
      assert.equal(forced.code, 0, forced.stderr);
    });

    it('rolls back a migration whose file was deleted, using the stored down SQL', async () => {
      p = await makeProject(backend, FIVE);
      assert.equal((await p.cli(['--up'])).code, 0);
      p.remove('migrations/005_create_instruments.sql');
      const st = await p.cli(['--status']);
      assert.equal(st.code, 4);
      assert.match(st.stdout, /^005\s+create_instruments\s+missing/m);
      const down = await p.cli(['--down']);
      assert.equal(down.code, 0, down.stderr);
      assert.ok(!(await tables(p)).includes('instruments'));
      const log = await p.query<{ message: string }>(`SELECT message FROM database_migrations_log WHERE action = 'down'`);
      assert.match(log[0]!.message, /history table/);
      assert.equal((await p.cli(['--status'])).code, 0, 'no drift once it is rolled back');
    });

    it('refuses to roll back an irreversible migration, by name', async () => {
      p = await makeProject(backend, {
        'migrations/001_create_agencies.sql': FIVE['migrations/001_create_agencies.sql'],
        'migrations/002_backfill.sql': migration("INSERT INTO agencies (name) VALUES ('NASA');", null),
      });
      assert.equal((await p.cli(['--up'])).code, 0);
      const down = await p.cli(['--down']);
      assert.equal(down.code, 2);
      assert.match(down.stderr, /002_backfill is irreversible: it has no "-- Down migration" section/);
      const rows = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM agencies');
      assert.equal(rows[0]!.n, '1');
    });

    it('seeds in one transaction, records it and is repeatable', async () => {
      p = await makeProject(backend, {
        'migrations/001_create_agencies.sql': FIVE['migrations/001_create_agencies.sql'],
        'seeds/001_agencies.sql': "INSERT INTO agencies (name) VALUES ('NASA'), ('ESA'), ('JAXA') ON CONFLICT (name) DO NOTHING;",
        'seeds/002_more.sql': "INSERT INTO agencies (name) VALUES ('ISRO') ON CONFLICT (name) DO NOTHING;",
      });
      assert.equal((await p.cli(['--up'])).code, 0);
      const s1 = await p.cli(['--seed']);
      assert.equal(s1.code, 0, s1.stderr);
      assert.match(s1.stdout, /Seeded test .* with 2 seed files\./);
      assert.equal((await p.cli(['--seed'])).code, 0);
      const n = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM agencies');
      assert.equal(n[0]!.n, '4');
      const recorded = await p.query<{ name: string }>('SELECT name FROM database_migrations_seeds ORDER BY name');
      assert.deepEqual(recorded.map((r) => r.name), ['001_agencies.sql', '002_more.sql']);

      p.write('seeds/003_broken.sql', "INSERT INTO agencies (name) VALUES ('CNSA');\nINSERT INTO nowhere VALUES (1);");
      const bad = await p.cli(['--seed']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /seeds\/003_broken\.sql:2:\d+: seed 003_broken\.sql failed: relation "nowhere" does not exist/);
      const after = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM agencies');
      assert.equal(after[0]!.n, '4', 'the failed seed run left nothing behind');
    });

    it('runs a "-- transaction: none" migration statement by statement and marks an interruption dirty', async () => {
      p = await makeProject(backend, {
        'migrations/001_create_agencies.sql': FIVE['migrations/001_create_agencies.sql'],
        'migrations/002_index_names.sql': migration(
          'CREATE INDEX CONCURRENTLY agencies_lower_name_idx ON agencies (lower(name));\nCREATE INDEX CONCURRENTLY agencies_broken_idx ON agencies (no_such_column);',
          'DROP INDEX CONCURRENTLY IF EXISTS agencies_broken_idx;\nDROP INDEX CONCURRENTLY IF EXISTS agencies_lower_name_idx;',
          '-- transaction: none\n'),
      });
      const up = await p.cli(['--up']);
      assert.equal(up.code, 1);
      assert.match(up.stderr, /002_index_names\.sql:4(:\d+)?: 002_index_names failed \(up\): column "no_such_column" does not exist/);
      assert.match(up.stderr, /marked dirty/);
      const st = await p.cli(['--status']);
      assert.equal(st.code, 4);
      assert.match(st.stdout, /^002\s+index_names\s+dirty/m);
      const idx = await p.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'agencies' ORDER BY 1`);
      assert.ok(idx.some((i) => i.indexname === 'agencies_lower_name_idx'), 'the first statement stays applied');
      const again = await p.cli(['--up']);
      assert.equal(again.code, 4);
      assert.match(again.stderr, /002_index_names is dirty: .* It stopped at line 4 \(up: CREATE INDEX CONCURRENTLY agencies_broken_idx ON agencies \(no_such_column\);\): column "no_such_column" does not exist/);
      assert.match(again.stderr, /--mark-applied 002" or "database-migration --mark-rolled-back 002"/);

      await p.query('DROP INDEX agencies_lower_name_idx');
      const resolved = await p.cli(['--mark-rolled-back', '002']);
      assert.equal(resolved.code, 0, resolved.stderr);
      p.write('migrations/002_index_names.sql', migration(
        'CREATE INDEX CONCURRENTLY agencies_lower_name_idx ON agencies (lower(name));',
        'DROP INDEX CONCURRENTLY IF EXISTS agencies_lower_name_idx;', '-- transaction: none\n'));
      const fixed = await p.cli(['--up']);
      assert.equal(fixed.code, 0, fixed.stderr);
      const down = await p.cli(['--down']);
      assert.equal(down.code, 0, down.stderr);
      const idx2 = await p.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'agencies' AND indexname = 'agencies_lower_name_idx'`);
      assert.equal(idx2.length, 0);
    });

    it('quotes a configured history schema and table name', async () => {
      p = await makeProject(backend, FIVE, { history: { schema: 'Mission Ops', table: 'schema-history' } });
      const up = await p.cli(['--up', '--steps', '1']);
      assert.equal(up.code, 0, up.stderr);
      const rows = await p.query<{ version: string }>('SELECT version FROM "Mission Ops"."schema-history"');
      assert.deepEqual(rows.map((r) => r.version), ['001']);
      const log = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM "Mission Ops"."schema-history_log"');
      assert.equal(log[0]!.n, '1');
      assert.equal((await tables(p)).includes('database_migrations'), false);
    });

    it('creates a migration from a template and applies it', async () => {
      p = await makeProject(backend, { 'migrations/001_create_agencies.sql': FIVE['migrations/001_create_agencies.sql'] });
      const created = await p.cli(['CreateAsteroids', '--create', '--template', 'create-table']);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /Created migrations\/002_create_asteroids\.sql \(template: create-table\)/);
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.ok((await tables(p)).includes('asteroids'));
      const down = await p.cli(['--down']);
      assert.equal(down.code, 0, down.stderr);
      assert.ok(!(await tables(p)).includes('asteroids'));
    });
  });
}

describe('session settings from the environment config', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  for (const backend of BACKENDS) {
    it(`applies lock_timeout and statement_timeout to migration sessions (${backend})`, async () => {
      p = await makeProject(backend, {
        'migrations/001_settings.sql': migration(
          "CREATE TABLE seen_settings AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout;",
          'DROP TABLE seen_settings;'),
      }, { environments: { test: { lockTimeoutMs: 1500, statementTimeoutMs: 90000, applicationName: 'portal-migrator', pool: { max: 2 } } } });
      if (backend === 'postgres') {
        // makeProject puts the per-test url in environments.test; keep it while adding settings.
        const cfg = JSON.parse(fs.readFileSync(`${p.dir}/database-migration.config.json`, 'utf8'));
        cfg.environments.test.url = p.url;
        p.write('database-migration.config.json', JSON.stringify(cfg));
      }
      const r = await p.cli(['--up']);
      assert.equal(r.code, 0, r.stderr);
      const rows = await p.query<{ lock_timeout: string; statement_timeout: string }>('SELECT * FROM seen_settings');
      assert.deepEqual(rows, [{ lock_timeout: '1500ms', statement_timeout: '90s' }]);
    });
  }

  it('application_name and statement_timeout reach the server (postgres)', async () => {
    p = await makeProject('postgres', {
      'migrations/001_slow.sql': migration(
        "CREATE TABLE app AS SELECT current_setting('application_name') AS name;\nSELECT pg_sleep(0.8);",
        'DROP TABLE app;'),
    });
    const cfg = JSON.parse(fs.readFileSync(`${p.dir}/database-migration.config.json`, 'utf8'));
    cfg.environments.test = { url: p.url, statementTimeoutMs: 300, applicationName: 'portal-migrator', backups: { enabled: false } };
    p.write('database-migration.config.json', JSON.stringify(cfg));
    const r = await p.cli(['--up']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /001_slow\.sql:3(:\d+)?: 001_slow failed \(up\): canceling statement due to statement timeout/);
    assert.ok(!(await tables(p)).includes('app'), 'rolled back');
    cfg.environments.test.statementTimeoutMs = 0;
    p.write('database-migration.config.json', JSON.stringify(cfg));
    assert.equal((await p.cli(['--up'])).code, 0);
    assert.deepEqual(await p.query('SELECT name FROM app'), [{ name: 'portal-migrator' }]);
  });
});

describe('--single-transaction', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  for (const backend of BACKENDS) {
    it(`applies everything or nothing (${backend})`, async () => {
      p = await makeProject(backend, {
        ...FIVE,
        'migrations/004_create_targets.sql': migration('CREATE TABLE targets (id bigint PRIMARY KEY);\nINSERT INTO targets VALUES (1), (1);', 'DROP TABLE targets;'),
      });
      const bad = await p.cli(['--up', '--single-transaction']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /004_create_targets\.sql:3(:\d+)?: 004_create_targets failed \(up\): duplicate key value/);
      assert.match(bad.stderr, /all 5 migrations of this --single-transaction run were rolled back/);
      assert.deepEqual(userTables(await tables(p)), [], 'not even 001-003 stayed');
      p.write('migrations/004_create_targets.sql', FIVE['migrations/004_create_targets.sql']);
      const ok = await p.cli(['--up', '--single-transaction']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(userTables(await tables(p)), [...USER_TABLES].sort());
      const batches = await p.query<{ n: string }>('SELECT count(DISTINCT batch)::text AS n FROM database_migrations');
      assert.equal(batches[0]!.n, '1');
    });
  }

  it('is refused when a migration runs outside a transaction', async () => {
    p = await makeProject('pglite', {
      ...FIVE,
      'migrations/006_index.sql': migration('CREATE INDEX CONCURRENTLY agencies_name_idx ON agencies (name);', 'DROP INDEX CONCURRENTLY IF EXISTS agencies_name_idx;', '-- transaction: none\n'),
    });
    const r = await p.cli(['--up', '--single-transaction']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--single-transaction refused: 006_index runs outside a transaction/);
    assert.deepEqual(userTables(await tables(p)), []);
  });
});

describe('session settings do not leak between migrations', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });
  for (const backend of BACKENDS) {
    it(`a SET in one migration is gone in the next (${backend})`, async () => {
      p = await makeProject(backend, {
        'migrations/001_set.sql': migration("SET lock_timeout = '1234ms';\nCREATE TABLE a (id int);", 'DROP TABLE a;'),
        'migrations/002_set_none.sql': migration("SET statement_timeout = '4321ms';\nCREATE TABLE b (id int);", 'DROP TABLE b;', '-- transaction: none\n'),
        'migrations/003_read.sql': migration("CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS l, current_setting('statement_timeout') AS s;", 'DROP TABLE seen;'),
      });
      const r = await p.cli(['--up']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await p.query('SELECT l, s FROM seen'), [{ l: '0', s: '0' }]);
    });
  }
  it('a set_config(..., false) in one migration is gone in the next, also when its name is spelt with a U& escape (postgres)', async () => {
    p = await makeProject('postgres', {
      'migrations/001_set_config.sql': migration("SELECT set_config('lock_timeout', '1234ms', false);\nCREATE TABLE a (id int);", 'DROP TABLE a;'),
      'migrations/002_escaped.sql': migration('SELECT U&"set\\005fconfig"(\'statement_timeout\', \'4321ms\', false);\nCREATE TABLE b (id int);', 'DROP TABLE b;'),
      'migrations/003_read.sql': migration("CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS l, current_setting('statement_timeout') AS s;", 'DROP TABLE seen;'),
    });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await p.query('SELECT l, s FROM seen'), [{ l: '0', s: '0' }]);
  });
});
