import assert from 'node:assert/strict';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

const VIEW_V1 = 'CREATE OR REPLACE VIEW mission_names AS SELECT name FROM missions;';
const VIEW_V2 = 'CREATE OR REPLACE VIEW mission_names AS SELECT name, launched FROM missions;';

const FILES = {
  'migrations/001_create_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE missions;'),
  'migrations/002_add_launched.sql': migration('ALTER TABLE missions ADD COLUMN launched date;', 'ALTER TABLE missions DROP COLUMN launched;'),
  'migrations/R_mission_names.sql': migration(VIEW_V1, 'DROP VIEW IF EXISTS mission_names;'),
  'migrations/R_mission_count.sql': migration('CREATE OR REPLACE FUNCTION mission_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM missions $$;'),
};

interface StatusJson { migrations: { version: string; name: string; state: string }[]; drift: boolean }

async function states(p: TestProject): Promise<Record<string, string>> {
  const r = await p.cli(['--status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as StatusJson;
  return Object.fromEntries(json.migrations.map((m) => [m.version, m.state]));
}

async function viewColumns(p: TestProject): Promise<string[]> {
  const rows = await p.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'mission_names' ORDER BY ordinal_position");
  return rows.map((r) => r.column_name);
}

for (const backend of BACKENDS) {
  describe(`repeatable migrations (R_name.sql) on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });
    // Planning and lint are the same on both backends: those cases run on the server only, to keep npm test short.
    const onServer = (backend === 'postgres' ? it : () => undefined) as Mocha.TestFunction;

    it('run after the versioned ones, again when their checksum changes, and come off first on --down', async () => {
      p = await makeProject(backend, FILES);
      assert.deepEqual(await states(p), { '001': 'pending', '002': 'pending', R_mission_count: 'pending', R_mission_names: 'pending' });
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /Applied 4 migrations/);
      assert.deepEqual(await viewColumns(p), ['name']);

      // Unchanged: a second --up has nothing to do.
      const again = await p.cli(['--up']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /up to date|Nothing to apply|No pending/i);

      // Changed: "outdated" (not drift), and --up applies it again, alone.
      p.write('migrations/R_mission_names.sql', migration(VIEW_V2, 'DROP VIEW IF EXISTS mission_names;'));
      const st = await p.cli(['--status']);
      assert.equal(st.code, 0, 'an outdated repeatable is not drift');
      assert.match(st.stdout, /R_mission_names\s+mission_names\s+outdated|outdated/);
      assert.equal((await states(p))['R_mission_names'], 'outdated');
      const reapply = await p.cli(['--up']);
      assert.equal(reapply.code, 0, reapply.stderr);
      assert.match(reapply.stdout, /Applied 1 migration/);
      assert.deepEqual(await viewColumns(p), ['name', 'launched']);
      const rows = await p.query<{ n: string }>("SELECT count(*)::text AS n FROM database_migrations WHERE version = 'R_mission_names'");
      assert.equal(rows[0]!.n, '1', 'the row is replaced, not duplicated');

      // --down takes the repeatables off first (the view depends on the column 002 drops), then 002.
      const down = await p.cli(['--down']);
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(await viewColumns(p), []);
      assert.deepEqual(await states(p), { '001': 'applied', '002': 'pending', R_mission_count: 'pending', R_mission_names: 'pending' });
      // The function has no down section: only its history row goes, and the next --up replaces it.
      const fn = await p.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_proc WHERE proname = 'mission_count'");
      assert.equal(fn[0]!.n, '1');

      const up2 = await p.cli(['--up']);
      assert.equal(up2.code, 0, up2.stderr);
      assert.deepEqual(await viewColumns(p), ['name', 'launched']);
      const all = await p.cli(['--down', '--to', '0']);
      assert.equal(all.code, 0, all.stderr);
      assert.deepEqual(Object.values(await states(p)), ['pending', 'pending', 'pending', 'pending']);
    });

    onServer('wait while a versioned migration is left pending by --to, and --to R_name applies that one', async () => {
      p = await makeProject(backend, FILES);
      const partial = await p.cli(['--up', '--to', '001']);
      assert.equal(partial.code, 0, partial.stderr);
      assert.deepEqual(await states(p), { '001': 'applied', '002': 'pending', R_mission_count: 'pending', R_mission_names: 'pending' });
      const one = await p.cli(['--up', '--to', 'R_mission_names']);
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual(await states(p), { '001': 'applied', '002': 'applied', R_mission_count: 'pending', R_mission_names: 'applied' });
    });

    onServer('a versioned migration applied after a repeatable is not out of order', async () => {
      p = await makeProject(backend, FILES);
      assert.equal((await p.cli(['--up'])).code, 0);
      p.write('migrations/003_add_crew.sql', migration('ALTER TABLE missions ADD COLUMN crew int;', 'ALTER TABLE missions DROP COLUMN crew;'));
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.equal((await states(p))['003'], 'applied');
    });

    it('--verify checks a repeatable without a down by applying it twice, and names one that cannot run again', async () => {
      p = await makeProject(backend, FILES);
      const ok = await p.cli(['--verify']);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /R_mission_count: applies again on top of itself identically \(repeatable, no down section\)/);
      assert.match(ok.stdout, /R_mission_names: down undoes up/);
      p.write('migrations/R_mission_list.sql', migration('CREATE VIEW mission_list AS SELECT id FROM missions;'));
      const bad = await p.cli(['--verify']);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout + bad.stderr, /R_mission_list[\s\S]*up fails when run again on top of itself: line 2: relation "mission_list" already exists[\s\S]*use CREATE OR REPLACE/);
    });

    onServer('--lint does not ask a repeatable migration for a down section', async () => {
      p = await makeProject(backend, FILES);
      const r = await p.cli(['--lint', '--format', 'json']);
      const findings = JSON.parse(r.stdout) as { findings?: { rule: string; file: string }[] } | { rule: string; file: string }[];
      const list = Array.isArray(findings) ? findings : findings.findings ?? [];
      assert.ok(!list.some((f) => f.rule === 'missing-down-migration' && /R_mission_count/.test(f.file)), JSON.stringify(list));
      p.write('migrations/003_more.sql', migration('CREATE TABLE more_things (id bigint PRIMARY KEY);'));
      const r2 = await p.cli(['--lint', '--format', 'json']);
      assert.match(r2.stdout, /missing-down-migration/, 'a versioned migration without a down is still reported');
    });
  });
}
