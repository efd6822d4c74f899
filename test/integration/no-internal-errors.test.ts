/**
 * Issue 12, "No internal errors": what the bad-input corpus (test/reliability/bad-input.ts) cannot express —
 * a closed output pipe during a run, and read-only commands for a role that may not create anything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { assertCleanOutput } from '../reliability/common';
import { adminQuery, CLI, makeProject, migration, type TestProject } from './harness';

/** Runs `database-migration ARGS | head -1` in a real shell; the CLI's own exit status comes back on stderr. */
function pipedToHead(p: TestProject, args: string[]): Promise<{ code: number; head: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const script = `{ "${process.execPath}" "${CLI}" ${quoted}; echo "cli-exit=$?" >&2; } | head -1`;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env['DATABASE_URL'];
    const child = spawn('sh', ['-c', script], { cwd: p.dir, env });
    let head = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { head += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', () => {
      const m = /cli-exit=(\d+)\n?$/.exec(stderr);
      resolve({ code: m ? Number(m[1]) : -1, head, stderr: stderr.replace(/cli-exit=\d+\n?$/, '') });
    });
  });
}

/** A "-- transaction: none" migration of several slow statements, so the run is still going when head exits. */
function slowNonTransactional(statements: number): string {
  const up = Array.from({ length: statements }, (_, i) => `CREATE TABLE IF NOT EXISTS probe_${i} (id int);\nSELECT pg_sleep(0.05);`).join('\n');
  const down = Array.from({ length: statements }, (_, i) => `DROP TABLE IF EXISTS probe_${i};`).join('\n');
  return migration(up, down, '-- transaction: none\n');
}

describe('no internal errors (issue 12)', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('--up | head -1: output stops quietly, the run finishes (nothing dirty), exit 0, no stack trace', async () => {
    p = await makeProject('postgres', {
      'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;'),
      'migrations/002_probes.sql': slowNonTransactional(12),
      'migrations/003_create_rovers.sql': migration('CREATE TABLE rovers (id bigint PRIMARY KEY);', 'DROP TABLE rovers;'),
    });
    const r = await pipedToHead(p, ['--up']);
    assert.equal(r.head.split('\n').filter(Boolean).length, 1, `head printed one line: ${r.head}`);
    assert.equal(r.code, 0, `the CLI's exit status with its stdout closed:\n${r.stderr}`);
    assertCleanOutput({ code: r.code, stdout: r.head, stderr: r.stderr }, [], ['--up']);
    assert.equal(r.stderr.trim(), '', 'nothing on stderr');
    const st = await p.spawnCli(['--status', '--json']);
    assert.equal(st.code, 0, st.stdout + st.stderr);
    const states = (JSON.parse(st.stdout) as { migrations: { version: string; state: string }[] }).migrations.map((m) => `${m.version} ${m.state}`);
    assert.deepEqual(states, ['001 applied', '002 applied', '003 applied']);
    const probes = await p.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename LIKE 'probe\\_%'`);
    assert.equal(probes[0]!.n, '12', 'every statement of the non-transactional migration ran');
  });

  it('--status | head -1: the first line, no error message, exit 0', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 30; i++) files[`migrations/${String(i).padStart(3, '0')}_step_${i}.sql`] = migration(`SELECT ${i};`, `SELECT ${i};`);
    p = await makeProject('postgres', files);
    const r = await pipedToHead(p, ['--status']);
    assert.match(r.head, /^Environment: test/);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', `nothing on stderr:\n${r.stderr}`);
  });

  it('a role that may not create in "public": --status and --history work before the history table exists, --up is refused naming the GRANT', async () => {
    p = await makeProject('postgres', {
      'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;'),
    });
    const role = `dm_reader_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-pw'`);
    try {
      await adminQuery('REVOKE CREATE ON SCHEMA public FROM PUBLIC', p.url!);
      const u = new URL(p.url!);
      u.username = role;
      u.password = 'reader-pw';
      const status = await p.spawnCli(['--status', '--json', '--url', u.toString()]);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.deepEqual((JSON.parse(status.stdout) as { migrations: { state: string }[] }).migrations.map((m) => m.state), ['pending']);
      const history = await p.spawnCli(['--history', '--url', u.toString()]);
      assert.equal(history.code, 0, history.stderr);
      const up = await p.spawnCli(['--up', '--url', u.toString()]);
      assert.equal(up.code, 2, up.stderr);
      assert.match(up.stderr, new RegExp(`role "${role}" may not create the history tables in schema "public"`));
      assert.match(up.stderr, new RegExp(`fix: as the schema owner run GRANT CREATE ON SCHEMA public TO ${role};`));
      assertCleanOutput(up, ['reader-pw'], ['--up']);
      const made = await p.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`);
      assert.deepEqual(made, [], 'nothing was created');
      const lockLeft = await p.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      assert.deepEqual(lockLeft, [], 'the migration lock was released');
      // Once the owner has created the history tables and granted their use, the role records migrations without CREATE.
      assert.equal((await p.spawnCli(['--up'])).code, 0);
      await adminQuery(`GRANT SELECT, INSERT, UPDATE, DELETE ON database_migrations TO ${role};
        GRANT SELECT, INSERT ON database_migrations_log TO ${role}; GRANT SELECT, INSERT, UPDATE ON database_migrations_seeds TO ${role};
        GRANT INSERT ON agencies TO ${role}`, p.url!);
      p.write('migrations/002_nasa.sql', migration(`INSERT INTO agencies VALUES (1);`, 'DELETE FROM agencies WHERE id = 1;'));
      const second = await p.spawnCli(['--up', '--url', u.toString()]);
      assert.equal(second.code, 0, second.stderr);
      const applied = await p.query<{ version: string }>('SELECT version FROM database_migrations ORDER BY version');
      assert.deepEqual(applied.map((a) => a.version), ['001', '002']);
    } finally {
      await p.cleanup();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
