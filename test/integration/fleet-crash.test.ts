/**
 * kill -9 in the middle of a fleet --up (the CLI as a child process): afterwards every target is consistent —
 * each migration is either applied and recorded, or neither — and the re-run completes the fleet.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI, cleanEnv } from './harness';
import { fleetProject, HISTORY_SQL, queryUrl, smallMigrations, type FleetProject } from './fleet-helpers';

const MIGRATIONS = 6;
const TARGETS = 8;

/** Starts `--up` and kills it with SIGKILL once `afterUps` migrations were reported done. */
function upAndKill(dir: string, afterUps: number): Promise<{ killed: boolean; ups: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--up'], { cwd: dir, env: cleanEnv() });
    let ups = 0;
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      ups += (d.toString().match(/ ↑ /g) ?? []).length;
      if (!killed && ups >= afterUps) { killed = true; child.kill('SIGKILL'); }
    });
    child.on('error', reject);
    child.on('close', () => resolve({ killed, ups }));
  });
}

/**
 * Waits until the killed run's sessions on a target are gone. A killed client's backend finishes the statement it is
 * running (and a COMMIT already sent) before it notices the closed socket: until then the target is still changing,
 * and a history read followed by a table read could see a commit land between them.
 */
async function settled(url: string): Promise<void> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const [r] = await queryUrl<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    if (r!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${url}: the killed run's sessions are still there after 20 s`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The history rows of a target; none when the run never reached it (no history table). */
async function historyOf(url: string): Promise<{ version: string; status: string; ups: number }[]> {
  const [exists] = await queryUrl<{ ok: boolean }>(url, `SELECT to_regclass('public.database_migrations') IS NOT NULL AS ok`);
  return exists!.ok ? queryUrl(url, HISTORY_SQL()) : [];
}

describe('fleet: kill -9 mid-fleet', function () {
  this.timeout(120000);
  let p: FleetProject | null = null;
  afterEach(async () => { await p?.cleanup(); p = null; });

  it('leaves every target consistent (each migration applied and recorded, or absent); the re-run completes', async () => {
    p = await fleetProject(smallMigrations(MIGRATIONS, () => 'SELECT pg_sleep(0.1);'));
    const urls = await p.createDatabases(TARGETS);
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: { enabled: false }, targets: { urls, parallel: 4, onFailure: 'continue' } } } });
    const afterUps = 4 + Math.floor(Math.random() * 16);
    const run = await upAndKill(p.dir, afterUps);
    assert.ok(run.killed, `the run ended before ${afterUps} migrations were reported`);
    let applied = 0;
    for (const url of urls) {
      await settled(url);
      const recorded = await historyOf(url);
      const tables = (await queryUrl<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t[0-9]+$' ORDER BY 1`)).map((r) => r.t);
      assert.ok(recorded.every((r) => r.status === 'applied' && r.ups === 1), `${url}: ${JSON.stringify(recorded)}`);
      const versions = recorded.map((r) => Number(r.version)).sort((a, b) => a - b);
      assert.deepEqual(tables.map((t) => Number(t.slice(1))).sort((a, b) => a - b), versions, `${url}: tables match the history`);
      assert.deepEqual(versions, Array.from({ length: versions.length }, (_, k) => k + 1), `${url}: applied in order, none skipped`);
      applied += versions.length;
    }
    assert.ok(applied > 0 && applied < MIGRATIONS * TARGETS, `killed mid-fleet (${applied} of ${MIGRATIONS * TARGETS} applied)`);
    const again = await p.cli(['--up']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const url of urls) {
      assert.deepEqual(await queryUrl(url, HISTORY_SQL()), Array.from({ length: MIGRATIONS }, (_, k) => ({ version: String(k + 1).padStart(3, '0'), status: 'applied', ups: 1 })), url);
    }
  });
});
