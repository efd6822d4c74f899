import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BACKENDS, CLI, makeProject, migration, tables, type TestProject } from './harness';

const BASE = {
  'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE agencies;'),
  'migrations/002_create_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id));\nCREATE INDEX missions_agency_idx ON missions (agency_id);', 'DROP TABLE missions;'),
};

for (const backend of BACKENDS) {
  describe(`recovery and adoption on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('a CLI killed between two statements of a non-transactional migration leaves it dirty; --mark-applied recovers', async () => {
      p = await makeProject(backend, {
        ...BASE,
        'migrations/003_slow_indexes.sql': migration(
          'CREATE INDEX CONCURRENTLY agencies_name_idx ON agencies (name);\nSELECT pg_sleep(60);\nCREATE INDEX CONCURRENTLY missions_id_agency_idx ON missions (id, agency_id);',
          'DROP INDEX CONCURRENTLY IF EXISTS missions_id_agency_idx;\nDROP INDEX CONCURRENTLY IF EXISTS agencies_name_idx;', '-- transaction: none\n'),
      });
      // Start --up and kill it (SIGKILL: no cleanup at all) once the first statement of 003 is done.
      const child = spawn(process.execPath, [CLI, '--up'], { cwd: p.dir, env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' } });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`never reached the second statement:\n${out}`)), 60000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/line 3 done/.test(out)) { clearTimeout(timer); child.kill('SIGKILL'); resolve(); }
        });
        child.on('exit', () => { clearTimeout(timer); resolve(); });
      });
      await new Promise((r) => child.once('close', r));
      assert.match(out, /↑ 002_create_missions/);
      if (backend === 'postgres') {
        // The server does not notice a killed client while its backend sleeps: it still runs (and holds the
        // migration lock) — exactly what an operator would end by hand.
        await p.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = current_database() AND application_name = 'database-migration' AND pid <> pg_backend_pid()`);
      }

      const st = await p.cli(['--status']);
      assert.equal(st.code, 4, st.stdout + st.stderr);
      assert.match(st.stdout, /^003\s+slow_indexes\s+dirty/m);
      const up = await p.cli(['--up']);
      assert.equal(up.code, 4);
      assert.match(up.stderr, /003_slow_indexes is dirty: .*It was interrupted \(the process stopped\) before it finished\./);
      const down = await p.cli(['--down']);
      assert.equal(down.code, 4, 'down refuses too');

      // A person checks: the first index exists, the second does not; they finish it by hand and mark it applied.
      const idx = await p.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE indexname IN ('agencies_name_idx', 'missions_id_agency_idx') ORDER BY 1`);
      assert.deepEqual(idx.map((i) => i.indexname), ['agencies_name_idx']);
      await p.query('CREATE INDEX missions_id_agency_idx ON missions (id, agency_id)');
      const mark = await p.cli(['--mark-applied', '003']);
      assert.equal(mark.code, 0, mark.stderr);
      assert.match(mark.stdout, /003_slow_indexes is now applied\./);
      assert.equal((await p.cli(['--status'])).code, 0);
      const log = await p.query<{ action: string; message: string }>(`SELECT action, message FROM database_migrations_log WHERE action = 'resolve'`);
      assert.deepEqual(log, [{ action: 'resolve', message: 'marked applied by hand' }]);
    });

    it('--mark-rolled-back forgets a dirty migration so it can run again', async () => {
      p = await makeProject(backend, {
        ...BASE,
        'migrations/003_bad.sql': migration('CREATE INDEX CONCURRENTLY agencies_name_idx ON agencies (name);\nCREATE INDEX CONCURRENTLY x ON agencies (nope);', 'DROP INDEX CONCURRENTLY IF EXISTS agencies_name_idx;', '-- transaction: none\n'),
      });
      assert.equal((await p.cli(['--up'])).code, 1);
      const notDirty = await p.cli(['--mark-rolled-back', '002']);
      assert.equal(notDirty.code, 2);
      assert.match(notDirty.stderr, /002_create_missions is applied, not dirty/);
      await p.query('DROP INDEX agencies_name_idx');
      assert.equal((await p.cli(['--mark-rolled-back', '003'])).code, 0);
      const st = JSON.parse((await p.cli(['--status', '--json'])).stdout) as { migrations: { state: string }[] };
      assert.deepEqual(st.migrations.map((m) => m.state), ['applied', 'applied', 'pending']);
    });

    it('--baseline adopts a database built without the tool', async () => {
      p = await makeProject(backend, { ...BASE, 'migrations/003_create_crew.sql': migration('CREATE TABLE crew (id bigint PRIMARY KEY);', 'DROP TABLE crew;') });
      await p.query('CREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL)');
      await p.query('CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id))');
      const b = await p.cli(['--baseline', '002']);
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stdout, /Recorded 2 migrations as applied on test/);
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /Applied 1 migration/);
      assert.deepEqual(await tables(p).then((t) => t.filter((x) => !x.startsWith('database_'))), ['agencies', 'crew', 'missions']);
      const again = await p.cli(['--baseline', '003']);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already records applied migrations/);
    });

    it('--repair-checksum accepts an intentionally edited applied file', async () => {
      p = await makeProject(backend, BASE);
      assert.equal((await p.cli(['--up'])).code, 0);
      p.write('migrations/001_create_agencies.sql', migration('-- clarified comment\nCREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE agencies CASCADE;'));
      assert.equal((await p.cli(['--status'])).code, 4);
      const r = await p.cli(['--repair-checksum', '001']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await p.cli(['--status'])).code, 0, 'no drift after the repair');
      const row = await p.query<{ down_sql: string }>(`SELECT down_sql FROM database_migrations WHERE version = '001'`);
      assert.match(row[0]!.down_sql, /CASCADE/, 'the new down SQL is stored too');
      const twice = await p.cli(['--repair-checksum', '001']);
      assert.equal(twice.code, 2);
    });

    it('seeds with "-- environments:" stay out of other environments', async () => {
      p = await makeProject(backend, {
        ...BASE,
        'seeds/001_agencies.sql': "INSERT INTO agencies VALUES (1, 'NASA') ON CONFLICT DO NOTHING;",
        'seeds/002_sample.sql': "-- environments: development\nINSERT INTO agencies VALUES (99, 'Sample Agency') ON CONFLICT DO NOTHING;",
      });
      assert.equal((await p.cli(['--up'])).code, 0);
      const r = await p.cli(['--seed']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Skipped \(other environments\): 002_sample\.sql/);
      const rows = await p.query<{ name: string }>('SELECT name FROM agencies ORDER BY id');
      assert.deepEqual(rows.map((x) => x.name), ['NASA']);
    });
  });
}
