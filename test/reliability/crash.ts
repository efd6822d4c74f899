/**
 * Crash trials: SIGKILL the CLI at a random moment of `--up` over a plan that mixes
 * transactional and "-- transaction: none" migrations, then check the database
 * from outside: every migration fully applied or absent (catalog against the
 * reference snapshots), nothing applied twice, and `--up` completes after recovery.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { CLI, missingClientTools, type Backend } from '../integration/harness';
import { BackupStore, checkBackupDir } from '../../src/core/backups';
import type { CatalogSnapshot } from '../../src/core/catalog';
import { assertNothingStored, catalogDiff, inspect, readState, reliableProject, report, rng, terminateLeftovers, type DbState, type ReliableProject } from './common';

const NONE = '-- transaction: none\n';
function file(up: string[], down: string[], header = ''): string {
  return `${header}-- Up migration\n${up.join('\n')}\n\n-- Down migration\n${down.join('\n')}\n`;
}

/** Each migration writes one row to "trail", so a second application shows as a second row. */
export const PLAN: { id: string; transactional: boolean; up: string[]; down: string[] }[] = [
  { id: '001_create_agencies', transactional: true,
    up: ['CREATE TABLE trail (version text NOT NULL, at timestamptz NOT NULL DEFAULT now());', "INSERT INTO trail (version) VALUES ('001');",
      'CREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);', "INSERT INTO agencies SELECT g, 'agency ' || g FROM generate_series(1, 200) g;"],
    down: ['DROP TABLE agencies;', 'DROP TABLE trail;'] },
  { id: '002_create_missions', transactional: true,
    up: ['CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint NOT NULL REFERENCES agencies (id), name text NOT NULL);',
      "INSERT INTO missions SELECT g, 1 + g % 200, 'mission ' || g FROM generate_series(1, 3000) g;",
      'SELECT pg_sleep(0.05);', 'CREATE INDEX missions_agency_idx ON missions (agency_id);', "INSERT INTO trail (version) VALUES ('002');"],
    down: ['DROP TABLE missions;', "DELETE FROM trail WHERE version = '002';"] },
  { id: '003_mission_indexes', transactional: false,
    up: ['CREATE INDEX CONCURRENTLY missions_name_idx ON missions (name);', 'SELECT pg_sleep(0.05);', "INSERT INTO trail (version) VALUES ('003');",
      'CREATE INDEX CONCURRENTLY missions_agency_name_idx ON missions (agency_id, name);'],
    down: ['DROP INDEX CONCURRENTLY IF EXISTS missions_agency_name_idx;', 'DROP INDEX CONCURRENTLY IF EXISTS missions_name_idx;', "DELETE FROM trail WHERE version = '003';"] },
  { id: '004_create_crew', transactional: true,
    up: ['CREATE TABLE crew (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id), name text NOT NULL);',
      "INSERT INTO crew SELECT g, 1 + g % 3000, 'astronaut ' || g FROM generate_series(1, 2000) g;", 'SELECT pg_sleep(0.05);',
      'ALTER TABLE missions ADD COLUMN launched_on date;', "INSERT INTO trail (version) VALUES ('004');"],
    down: ['ALTER TABLE missions DROP COLUMN launched_on;', 'DROP TABLE crew;', "DELETE FROM trail WHERE version = '004';"] },
  { id: '005_crew_roles', transactional: false,
    up: ['ALTER TABLE crew ADD COLUMN role text;', 'SELECT pg_sleep(0.05);', 'CREATE INDEX CONCURRENTLY crew_role_idx ON crew (role);', "INSERT INTO trail (version) VALUES ('005');"],
    down: ['DROP INDEX CONCURRENTLY IF EXISTS crew_role_idx;', 'ALTER TABLE crew DROP COLUMN IF EXISTS role;', "DELETE FROM trail WHERE version = '005';"] },
  { id: '006_mission_crews_view', transactional: true,
    up: ['CREATE VIEW mission_crews AS SELECT m.name AS mission, c.name AS astronaut, c.role FROM missions m JOIN crew c ON c.mission_id = m.id;',
      'SELECT pg_sleep(0.05);', "INSERT INTO trail (version) VALUES ('006');"],
    down: ['DROP VIEW mission_crews;', "DELETE FROM trail WHERE version = '006';"] },
];

export function planFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of PLAN) out[`migrations/${m.id}.sql`] = file(m.up, m.down, m.transactional ? '' : NONE);
  return out;
}

const version = (i: number) => PLAN[i]!.id.slice(0, 3);

/** Catalog after 0..n migrations, taken by applying them one at a time on a fresh database. */
export async function referenceSnapshots(backend: Backend): Promise<CatalogSnapshot[]> {
  const p = await reliableProject(backend, planFiles());
  try {
    const snaps: CatalogSnapshot[] = [];
    for (let k = 0; k <= PLAN.length; k++) {
      if (k > 0) {
        const r = await p.run(['--up', '--steps', '1']);
        assert.equal(r.code, 0, r.stderr);
      }
      const i = await inspect(p);
      try { snaps.push((await readState(i)).catalog); } finally { await i.close(); }
    }
    return snaps;
  } finally {
    await p.cleanup();
  }
}

export interface CrashStats {
  trials: number;
  killedBeforeAnyChange: number;
  killedMidPlan: number;
  completedBeforeKill: number;
  dirty: number;
  recoveredAsApplied: number;
  recoveredAsRolledBack: number;
  backendsTerminated: number;
  dataLost: number;
  /** Trials run with automatic backups on (every other trial, when the backend can back up). */
  withBackups: number;
  /** Unfinished backup files (`*.partial`) found after a kill: a dump the kill interrupted, never listed. */
  interruptedBackups: number;
  /** Finished dumps not in the manifest (killed between the rename and the manifest write): never listed, kept on disk. */
  unlistedBackups: number;
  /** Listed backups checked after the kills and after recovery: file present, sha256 as in the manifest. */
  backupsVerified: number;
}

/** Checks one database state against the references: returns how many migrations are fully applied, and the dirty one if any. */
function checkState(s: DbState, refs: CatalogSnapshot[], context: string): { applied: number; dirty: number | null } {
  const applied = s.history.filter((h) => h.status === 'applied').map((h) => h.version);
  const running = s.history.filter((h) => h.status === 'running').map((h) => h.version);
  const k = applied.length;
  assert.deepEqual(applied, PLAN.slice(0, k).map((_, i) => version(i)), `${context}: applied migrations are not a prefix of the plan: ${applied}`);
  assert.ok(running.length <= 1, `${context}: more than one dirty migration: ${running}`);
  for (const [v, n] of s.trail) assert.equal(n, 1, `${context}: migration ${v} wrote its trail row ${n} times (applied twice)`);
  for (const [v, n] of s.ups) assert.equal(n, 1, `${context}: the log records ${n} successful ups of ${v}`);
  if (running.length === 0) {
    const d = catalogDiff(refs[k]!, s.catalog);
    assert.equal(d, '', `${context}: history says ${k} applied but the catalog differs from the reference after ${k}:\n${d}`);
    assert.deepEqual(s.invalidIndexes, [], `${context}: invalid indexes left`);
    assert.deepEqual([...s.trail.keys()].sort(), PLAN.slice(0, k).map((_, i) => version(i)), `${context}: trail rows do not match the history`);
    return { applied: k, dirty: null };
  }
  assert.equal(running[0], version(k), `${context}: dirty migration ${running[0]} is not the next one after ${k} applied`);
  assert.ok(!PLAN[k]!.transactional, `${context}: a transactional migration (${PLAN[k]!.id}) is recorded as running`);
  // Half applied is allowed only for a non-transactional migration: everything of the state before it is there,
  // nothing that is not in the state after it.
  for (const [key, def] of refs[k]!) {
    assert.equal(s.catalog.get(key), def, `${context}: dirty ${PLAN[k]!.id}: ${key} is not as before it`);
  }
  for (const [key, def] of s.catalog) assert.equal(refs[k + 1]!.get(key), def, `${context}: dirty ${PLAN[k]!.id}: unexpected ${key} = ${def}`);
  return { applied: k, dirty: k };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `--up` and SIGKILLs it after `killAfterMs`; resolves with what it printed and whether it had already exited. */
async function upAndKill(p: ReliableProject, killAfterMs: number): Promise<{ out: string; exitedFirst: boolean; code: number | null }> {
  const child = spawn(process.execPath, [CLI, '--up'], { cwd: p.dir, env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  let exited = false;
  const exitedP = new Promise<void>((r) => child.once('exit', () => { exited = true; r(); }));
  await Promise.race([delay(killAfterMs), exitedP]);
  const exitedFirst = exited;
  if (!exitedFirst) child.kill('SIGKILL');
  const code = await closed;
  return { out, exitedFirst, code };
}

/** Options of a series of trials: "fastCommit" runs every --up with asynchronous commits but the last (issue 13). */
export interface CrashOptions {
  fastCommit?: boolean;
}

/** Config for a trial: backups off (the harness default) or on, keeping a few; "fastCommit" when asked. */
function trialConfig(backups: boolean, options: CrashOptions = {}): Record<string, unknown> {
  return { ...(options.fastCommit ? { fastCommit: true } : {}), ...(backups ? { environments: { test: { backups: { enabled: true, keep: 3 } } } } : {}) };
}

/** Whether automatic backups can run here: PGlite always; a server needs a pg_dump of at least its major version. */
export async function canBackUp(backend: Backend): Promise<boolean> {
  if (backend === 'pglite') return true;
  const p = await reliableProject(backend, {});
  try {
    return (await missingClientTools(p, ['pg_dump'])) === null;
  } finally {
    await p.cleanup();
  }
}

/**
 * After a kill: every backup the manifest lists is complete (file there, sha256 as recorded), no unfinished file is
 * listed; unfinished dumps the kill left (`*.partial`, removed by the next backup) are counted.
 */
async function checkBackups(p: ReliableProject, context: string): Promise<{ verified: number; partials: number; unlisted: number }> {
  const dir = path.join(p.dir, '.migrations', 'backups', 'test');
  const check = checkBackupDir(dir);
  assert.deepEqual(check.broken, [], `${context}: listed backups whose file is missing or incomplete`);
  assert.deepEqual(check.listedPartials, [], `${context}: unfinished backup files listed in the manifest`);
  const json = await p.run(['--backups', '--json']);
  assert.equal(json.code, 0, `${context}: --backups after the kill: ${json.stderr}`);
  return { verified: new BackupStore(dir).list().length, partials: check.partials.length, unlisted: check.unlisted.length };
}

async function timeUp(backend: Backend, backups = false, options: CrashOptions = {}): Promise<{ startup: number; total: number }> {
  const p = await reliableProject(backend, planFiles(), trialConfig(backups, options));
  try {
    let t0 = Date.now();
    assert.equal((await p.run(['--status'])).code, 0);
    const startup = Date.now() - t0;
    t0 = Date.now();
    const r = await p.run(['--up']);
    assert.equal(r.code, 0, r.stderr);
    return { startup, total: Date.now() - t0 };
  } finally {
    await p.cleanup();
  }
}

export async function crashTrials(backend: Backend, trials: number, seed: number, refs?: CatalogSnapshot[], options: CrashOptions = {}): Promise<CrashStats> {
  const random = rng(seed);
  const references = refs ?? await referenceSnapshots(backend);
  const backupsPossible = await canBackUp(backend);
  const timings = [await timeUp(backend, false, options), backupsPossible ? await timeUp(backend, true, options) : null];
  const stats: CrashStats = { trials: 0, killedBeforeAnyChange: 0, killedMidPlan: 0, completedBeforeKill: 0, dirty: 0, recoveredAsApplied: 0, recoveredAsRolledBack: 0, backendsTerminated: 0, dataLost: 0,
    withBackups: 0, interruptedBackups: 0, unlistedBackups: 0, backupsVerified: 0 };
  for (let t = 0; t < trials; t++) {
    // Every other trial with backups on, so kills also land in the backup taken before migrating.
    const backups = backupsPossible && t % 2 === 1;
    const timing = timings[backups ? 1 : 0]!;
    // Kill somewhere between most of the start-up time and just after a full run would have ended.
    const killAfter = Math.round(timing.startup * 0.8 + random() * (timing.total * 1.05 - timing.startup * 0.8));
    const context = `${backend} crash trial ${t + 1} (seed ${seed}, killed after ${killAfter} ms${backups ? ', backups on' : ''}${options.fastCommit ? ', fastCommit' : ''})`;
    const p = await reliableProject(backend, planFiles(), trialConfig(backups, options));
    try {
      const run = await upAndKill(p, killAfter);
      if (backups) {
        stats.withBackups++;
        const b = await checkBackups(p, context);
        stats.backupsVerified += b.verified;
        stats.interruptedBackups += b.partials;
        stats.unlistedBackups += b.unlisted;
      }
      if (run.exitedFirst) {
        assert.equal(run.code, 0, `${context}: --up failed on its own:\n${run.out}`);
        stats.completedBeforeKill++;
      }
      stats.backendsTerminated += await terminateLeftovers(p);
      let i = await inspect(p);
      let state: DbState;
      try { state = await readState(i); } finally { await i.close(); }
      const { applied, dirty } = checkState(state, references, context);
      if (!run.exitedFirst) {
        if (applied === 0 && dirty === null) stats.killedBeforeAnyChange++;
        else stats.killedMidPlan++;
      }
      if (dirty !== null) {
        stats.dirty++;
        const st = await p.run(['--status']);
        assert.equal(st.code, 4, `${context}: --status of a dirty migration must exit 4\n${st.stdout}${st.stderr}`);
        assert.match(st.stdout, new RegExp(`^${version(dirty)}\\s+\\S+\\s+dirty`, 'm'));
        const blocked = await p.run(['--up']);
        assert.equal(blocked.code, 4, `${context}: --up over a dirty migration must refuse with 4`);
        assert.match(blocked.stderr, /is dirty/);
        // The operator's check: undo what took effect, and either redo it all by hand or leave it to --up.
        const m = PLAN[dirty]!;
        i = await inspect(p);
        const finish = random() < 0.5;
        try {
          for (const sql of m.down) await i.query(sql);
          if (finish) for (const sql of m.up) await i.query(sql);
        } finally { await i.close(); }
        const mark = await p.run([finish ? '--mark-applied' : '--mark-rolled-back', version(dirty)]);
        assert.equal(mark.code, 0, `${context}: ${mark.stderr}`);
        if (finish) stats.recoveredAsApplied++;
        else stats.recoveredAsRolledBack++;
      }
      const again = await p.run(['--up']);
      assert.equal(again.code, 0, `${context}: --up after recovery failed:\n${again.stdout}${again.stderr}`);
      i = await inspect(p);
      try { state = await readState(i); } finally { await i.close(); }
      const final = checkState(state, references, `${context}, after the next --up`);
      assert.equal(final.applied, PLAN.length, `${context}: not everything applied after recovery`);
      for (let k = 0; k < PLAN.length; k++) {
        const v = version(k);
        assert.equal((state.ups.get(v) ?? 0) + (state.resolves.get(v) ?? 0), 1, `${context}: ${v} applied ${state.ups.get(v) ?? 0} times + resolved ${state.resolves.get(v) ?? 0} times`);
      }
      const rows = await p.query<{ n: string }>('SELECT count(*) AS n FROM missions');
      if (Number(rows[0]!.n) !== 3000) stats.dataLost++;
      assert.equal(Number(rows[0]!.n), 3000, `${context}: missions rows lost`);
      if (backups) stats.backupsVerified += (await checkBackups(p, `${context}, after recovery`)).verified;
      await assertNothingStored(p);
      stats.trials++;
    } finally {
      await p.cleanup();
    }
  }
  const timingText = timings.map((x, k) => x ? `${k ? 'with backups' : 'without backups'} ${x.total} ms (start-up ${x.startup} ms)` : 'backups not possible here').join(', ');
  report(`crash on ${backend}${options.fastCommit ? ' (fastCommit)' : ''}: ${JSON.stringify(stats)} (full run ${timingText})`);
  return stats;
}
