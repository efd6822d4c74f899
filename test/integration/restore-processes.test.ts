/**
 * Backups and restores seen from outside the process (postgres): a backup killed
 * mid-dump is never listed and is cleaned up by the next one; no secret ever
 * reaches a client program's command line; a role that does not own an
 * extension installed by a superuser can still restore.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkBackupDir } from '../../src/core/backups';
import { adminQuery, cleanEnv, CLI, makeProject, skipUnlessClientTools, migration, postgresServer, withDatabase, type CliResult, type TestProject } from './harness';

function setConfig(p: TestProject, change: (test: Record<string, unknown>) => void): void {
  const file = path.join(p.dir, 'database-migration.config.json');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as { environments: Record<string, Record<string, unknown>> };
  change(cfg.environments['test']!);
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
}

function dbName(p: TestProject): string {
  return new URL(p.url!).pathname.slice(1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a backup killed mid-dump (postgres)', function () {
  this.timeout(120000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('SIGKILL while pg_dump writes: nothing listed, every listed backup verifies, the next backup works and removes the leftover', async function () {
    p = await makeProject('postgres', {}, { environments: { test: { backups: { enabled: true, keep: 5 } } } });
    await skipUnlessClientTools(this, p);
    await p.query(`CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS payload FROM generate_series(1, 200000) g`);
    const dir = path.join(p.dir, '.migrations', 'backups', 'test');
    const child = spawn(process.execPath, [CLI, '--backup'], { cwd: p.dir, env: cleanEnv(), stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    let partial: string | undefined;
    for (const deadline = Date.now() + 30000; !partial && Date.now() < deadline;) {
      partial = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.partial') && fs.statSync(path.join(dir, f)).size > 0) : undefined;
      if (!partial) await sleep(5);
    }
    child.kill('SIGKILL');
    await exited;
    assert.ok(partial, 'the dump is written under a temporary .partial name');
    // The orphaned pg_dump finishes on its own; wait for it so the checks below see a quiet directory.
    for (const deadline = Date.now() + 30000; Date.now() < deadline; await sleep(50)) {
      const r = await p.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '% backup'`);
      if (r.length === 0) break;
    }
    const listed = JSON.parse((await p.cli(['--backups', '--json'])).stdout) as { backups: { id: string; file: string }[] };
    assert.deepEqual(listed.backups, [], 'the killed backup is not listed');
    assert.deepEqual(checkBackupDir(dir).broken, []);

    const next = await p.cli(['--backup', '--json']);
    assert.equal(next.code, 0, next.stderr);
    const check = checkBackupDir(dir);
    assert.deepEqual([check.broken, check.listedPartials, check.partials, check.unlisted], [[], [], [], []],
      'the leftover was removed, every entry verifies, no backup file is unlisted');
    const after = JSON.parse((await p.cli(['--backups', '--json'])).stdout) as { backups: { file: string }[] };
    assert.equal(after.backups.length, 1);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== 'manifest.json').sort(), after.backups.map((b) => b.file).sort(),
      'no file in the directory but the listed backups');
    const log = await p.query<{ message: string }>(`SELECT message FROM database_migrations_log WHERE action = 'backup' ORDER BY id DESC LIMIT 1`);
    assert.match(log[0]!.message, /removed 1 unfinished file\(s\) of interrupted runs/);
  });
});

/** Command lines of every process, read from /proc while `run` is in progress. */
async function watchCommandLines(run: Promise<CliResult>): Promise<{ result: CliResult; seen: string[] }> {
  const seen = new Set<string>();
  let done = false;
  const result = run.finally(() => { done = true; });
  while (!done) {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        if (/pg_dump|pg_restore|psql/.test(args)) seen.add(args);
      } catch { /* gone */ }
    }
    await sleep(1);
  }
  return { result: await result, seen: [...seen] };
}

describe('no secret on a client program\'s command line (postgres)', function () {
  this.timeout(120000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('password in the user-info part, in ?password= and ?sslpassword=: never in ps; backup and restore still work', async function () {
    if (!fs.existsSync('/proc/self/cmdline')) this.skip();
    p = await makeProject('postgres', {
      'migrations/001_create_probes.sql': migration('CREATE TABLE probes (id bigint PRIMARY KEY, name text);', 'DROP TABLE probes;'),
    }, { environments: { test: { backups: { enabled: true, keep: 10 } } } });
    await skipUnlessClientTools(this, p);
    assert.equal((await p.cli(['--up', '--no-backup'])).code, 0);
    await p.query(`INSERT INTO probes SELECT g, md5(g::text) FROM generate_series(1, 20000) g`);
    // Trust authentication accepts any password, so a canary works; a password-checking server needs the real one.
    const server = await postgresServer();
    const secret = server.password ?? `canary-${Math.random().toString(36).slice(2)}`;
    const base = new URL(p.url!);
    base.password = '';
    const plain = base.toString();
    const forms: [string, string][] = [
      ['user-info', plain.replace('@', `:${encodeURIComponent(secret)}@`)],
      ['?password=', `${plain}?password=${encodeURIComponent(secret)}`],
      ['?sslpassword=', `${plain}?sslpassword=${encodeURIComponent(secret)}&password=${encodeURIComponent(secret)}&sslmode=disable`],
    ];
    setConfig(p, (t) => { t['url'] = '${env:DM_SECRET_URL}'; });
    const tools = new Set<string>();
    for (const [form, url] of forms) {
      // Backups belong to the (redacted) URL they were taken from, so each form takes its own.
      for (const args of [['--backup'], ['--restore', 'latest', '--yes']]) {
        // In-process: the client programs are this process's children, started exactly as from a CLI process.
        const { result, seen } = await watchCommandLines(p.cli(args, { DM_SECRET_URL: url }));
        assert.equal(result.code, 0, `${form} ${args.join(' ')}: ${result.stderr}`);
        assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), `${form}: no secret in the output`);
        const ours = seen.filter((s) => s.includes(dbName(p)));
        for (const s of ours) {
          assert.ok(!s.includes(secret) && !s.includes(encodeURIComponent(secret)), `${form}: secret on a command line: ${s.replace(secret, '***')}`);
          assert.doesNotMatch(s, /password=/i, `${form}: no password parameter on a command line`);
          tools.add(/pg_restore|pg_dump|psql/.exec(s)![0]);
        }
      }
    }
    assert.ok(tools.has('pg_dump') && tools.has('pg_restore') && tools.has('psql'), `the client programs were seen running (${[...tools].join(', ')})`);
    assert.equal((await p.query<{ n: string }>('SELECT count(*) AS n FROM probes'))[0]!.n, '20000', 'the restores brought the rows back');
  });
});

describe('restore as a role that does not own an extension (postgres)', function () {
  this.timeout(120000);
  let p: TestProject;
  let role: string | null = null;
  afterEach(async () => {
    await p?.cleanup();
    if (role) await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  });

  it('an extension installed by a superuser stays in place; one the backup lacks is a named error with the fix', async function () {
    p = await makeProject('postgres', {
      'migrations/001_create_names.sql': migration('CREATE TABLE names (n citext PRIMARY KEY);', 'DROP TABLE names;'),
    }, { environments: { test: { backups: { enabled: true, keep: 10 } } } });
    await skipUnlessClientTools(this, p);
    const available = await p.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'citext'`);
    if (available.length === 0) { this.test!.title += ' (skipped: the citext extension is not installed on this server)'; this.skip(); }
    role = `dm_owner_${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
    const rolePassword = 'owner-secret';
    await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${rolePassword}'`);
    await adminQuery(`ALTER DATABASE ${dbName(p)} OWNER TO ${role}`);
    const roleUrl = new URL(withDatabase((await postgresServer()).adminUrl, dbName(p)));
    roleUrl.username = role;
    roleUrl.password = rolePassword;
    setConfig(p, (t) => { t['url'] = roleUrl.toString(); });

    const b0 = await p.cli(['--backup', '--json']);
    assert.equal(b0.code, 0, b0.stderr);
    const before = (JSON.parse(b0.stdout) as { backup: { id: string } }).backup.id;
    const superuser = (await p.query<{ u: string }>('SELECT current_user AS u'))[0]!.u;
    await p.query('CREATE EXTENSION citext');
    assert.equal((await p.cli(['--up', '--no-backup'])).code, 0);
    await p.query(`INSERT INTO names VALUES ('Voyager')`);
    const b1 = await p.cli(['--backup', '--json']);
    assert.equal(b1.code, 0, b1.stderr);
    const withExt = (JSON.parse(b1.stdout) as { backup: { id: string } }).backup.id;
    await p.query(`DELETE FROM names`);

    const r = await p.cli(['--restore', withExt, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await p.query(`SELECT n::text AS n FROM names WHERE n = 'VOYAGER'`), [{ n: 'Voyager' }], 'rows back, citext still works');
    const owner = await p.query<{ o: string }>(`SELECT extowner::regrole::text AS o FROM pg_extension WHERE extname = 'citext'`);
    assert.deepEqual(owner, [{ o: superuser }], 'the extension stayed in place');

    const refused = await p.cli(['--restore', before, '--yes']);
    assert.equal(refused.code, 7, refused.stderr);
    assert.match(refused.stderr, new RegExp(`cannot remove extension citext \\(not in the backup\\): it belongs to role ${superuser}`));
    assert.match(refused.stderr, /DROP EXTENSION citext|restore as a role that owns it/);
    assert.ok(!refused.stderr.includes(rolePassword), 'no password in the message');
    assert.equal((await p.query('SELECT 1 FROM names')).length, 1, 'nothing was changed');
  });
});

describe('a restore that fails half-way changes nothing (postgres)', function () {
  this.timeout(60000);
  let p: TestProject;
  let role: string | null = null;
  afterEach(async () => {
    await p?.cleanup();
    if (role) await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  });

  it('the backup names a role dropped since: exit 7 with the fix, every object and row as before, the failure logged', async function () {
    p = await makeProject('postgres', {
      'migrations/001_create_probes.sql': migration('CREATE TABLE probes (id bigint PRIMARY KEY);', 'DROP TABLE probes;'),
    }, { environments: { test: { backups: { enabled: true, keep: 10 } } } });
    await skipUnlessClientTools(this, p);
    role = `dm_gone_${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
    await adminQuery(`CREATE ROLE ${role}`);
    assert.equal((await p.cli(['--up', '--no-backup'])).code, 0);
    await p.query(`CREATE TABLE owned (id int); ALTER TABLE owned OWNER TO ${role}`);
    const b = await p.cli(['--backup', '--json']);
    assert.equal(b.code, 0, b.stderr);
    await p.query(`DROP TABLE owned; DROP ROLE ${role}; CREATE TABLE added_after (id int); INSERT INTO probes VALUES (1), (2)`);
    const tablesBefore = await p.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);

    const r = await p.cli(['--restore', 'latest', '--yes']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, new RegExp(`role "${role}" does not exist`));
    assert.match(r.stderr, /nothing was changed \(the restore runs in one transaction\)/);
    assert.deepEqual(await p.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`), tablesBefore, 'every table as before');
    assert.equal((await p.query('SELECT 1 FROM probes')).length, 2, 'rows as before');
    const log = await p.query<{ action: string; success: boolean }>(`SELECT action, success FROM database_migrations_log ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(log, [{ action: 'restore', success: false }]);
  });
});
