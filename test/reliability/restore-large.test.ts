/**
 * Restoring a backup larger than 600 MB streams it: the CLI process's peak RSS
 * (VmHWM, polled from /proc) stays far below the dump's size, and the restore
 * gives back exactly the rows the backup held.
 *
 * How the dump reaches 600 MB: the example project's --seed --scale rows are very
 * compressible (about 90 bytes per N in a custom-format dump), so 600 MB would
 * need N ≈ 7 million and many minutes of generation. The test loads --seed
 * --scale RESTORE_LARGE_SCALE (default 200000) and tops the database up with
 * incompressible random bytes (pgcrypto's gen_random_bytes) until the dump is
 * RESTORE_LARGE_MB (default 620) MB. Postgres only; skipped without a local
 * PostgreSQL (TEST_DATABASE_URL), its client programs, or pgcrypto.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, makeProject, skipUnlessClientTools, type TestProject } from '../integration/harness';
import { report } from './common';
import { recordPart } from './results';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');
const MB = 1024 * 1024;

function exampleProject(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of ['migrations', 'data']) {
    for (const f of fs.readdirSync(path.join(EXAMPLE, dir)).sort()) files[`${dir}/${f}`] = fs.readFileSync(path.join(EXAMPLE, dir, f), 'utf8');
  }
  return files;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DATABASE_URL'];
  delete env['DATABASE_MIGRATION_ENV'];
  return env;
}

/** Runs the CLI as a child process and polls its peak resident set size (VmHWM) until it exits. */
function runMeasured(p: TestProject, args: string[]): Promise<{ code: number; stderr: string; peakBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: p.dir, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    const poll = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exited */ }
    };
    const timer = setInterval(poll, 50);
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', () => poll());
    child.on('close', (code) => { clearInterval(timer); resolve({ code: code ?? -1, stderr, peakBytes: peakKb * 1024 }); });
  });
}

async function counts(p: TestProject): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ['space_objects', 'observations', 'api_request_log', 'bulk_payload']) {
    out[t] = (await p.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n;
  }
  out['bulk_md5'] = (await p.query<{ h: string }>(`SELECT md5(string_agg(md5(payload), '' ORDER BY id)) AS h FROM bulk_payload`))[0]!.h;
  return out;
}

describe('reliability: restoring a backup larger than 600 MB (postgres)', function () {
  this.timeout(0);
  let p: TestProject | undefined;
  after(async () => { await p?.cleanup(); });

  it('streams it: the CLI\'s peak RSS stays far below the dump size, and every row comes back', async function () {
    if (!process.env['TEST_DATABASE_URL']) { this.test!.title += ' (skipped: no local PostgreSQL; set TEST_DATABASE_URL)'; this.skip(); }
    p = await makeProject('postgres', exampleProject(), { sampleDataDir: 'data', environments: { test: { backups: { enabled: true, keep: 3 } } } });
    await skipUnlessClientTools(this, p);
    if ((await p.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto'`)).length === 0) {
      this.test!.title += ' (skipped: pgcrypto is not installed on this server)'; this.skip();
    }
    const project = p;
    await recordPart('restore large', 'postgres',
      'a backup of more than 600 MB (--seed --scale plus incompressible rows) is restored through the CLI: peak RSS of the CLI far below the dump size (< 300 MB), every row back, objects created after the backup gone, no work files left',
      1, async () => {
        const scale = Number(process.env['RESTORE_LARGE_SCALE'] ?? 200000);
        const targetMb = Number(process.env['RESTORE_LARGE_MB'] ?? 620);
        assert.equal((await project.cli(['--up', '--no-backup'])).code, 0);
        const seeded = await project.cli(['--seed', '--scale', String(scale)]);
        assert.equal(seeded.code, 0, seeded.stderr);
        // Incompressible rows of 8 KB until the dump reaches the target (the scale rows add a few tens of MB more).
        await project.query('CREATE EXTENSION pgcrypto; CREATE TABLE bulk_payload (id integer PRIMARY KEY, payload bytea NOT NULL)');
        const rows = Math.ceil((targetMb * MB) / 8192);
        for (let first = 1; first <= rows; first += 10000) {
          await project.query(`INSERT INTO bulk_payload SELECT g, ${Array(8).fill('gen_random_bytes(1024)').join(' || ')}
                         FROM generate_series(${first}, ${Math.min(rows, first + 9999)}) g`);
        }
        const t0 = Date.now();
        const backup = await project.cli(['--backup', '--json']);
        assert.equal(backup.code, 0, backup.stderr);
        const entry = (JSON.parse(backup.stdout) as { backup: { id: string; sizeBytes: number } }).backup;
        assert.ok(entry.sizeBytes > 600 * MB, `the dump is larger than 600 MB (${(entry.sizeBytes / MB).toFixed(0)} MB)`);
        const dumpSeconds = (Date.now() - t0) / 1000;
        const before = await counts(project);

        await project.query(`DELETE FROM observations WHERE id % 2 = 0; DELETE FROM bulk_payload WHERE id % 3 = 0; CREATE TABLE added_after (id int)`);
        const t1 = Date.now();
        const restored = await runMeasured(project, ['--restore', entry.id, '--yes']);
        const restoreSeconds = (Date.now() - t1) / 1000;
        assert.equal(restored.code, 0, restored.stderr);
        assert.ok(restored.peakBytes > 0, 'peak RSS was measured');
        assert.ok(restored.peakBytes < 300 * MB, `peak RSS ${(restored.peakBytes / MB).toFixed(0)} MB is far below the ${(entry.sizeBytes / MB).toFixed(0)} MB dump`);
        assert.deepEqual(await counts(project), before, 'every row is back');
        assert.equal((await project.query(`SELECT to_regclass('added_after') AS t`))[0]!['t'], null, 'objects created after the backup are gone');
        const leftovers = fs.readdirSync(path.join(project.dir, '.migrations', 'backups', 'test')).filter((f) => f.startsWith('.restore-') || f.endsWith('.partial'));
        assert.deepEqual(leftovers, [], 'the restore\'s work files are removed');
        report(`restore-large: dump ${(entry.sizeBytes / MB).toFixed(0)} MB (scale ${scale}) taken in ${dumpSeconds.toFixed(0)} s, restored in ${restoreSeconds.toFixed(0)} s (pre-restore backup included) with CLI peak RSS ${(restored.peakBytes / MB).toFixed(0)} MB`);
        return { trialsPassed: 1, figures: { dumpMB: Math.round(entry.sizeBytes / MB), backupSeconds: Math.round(dumpSeconds), restoreSeconds: Math.round(restoreSeconds), peakRssMB: Math.round(restored.peakBytes / MB) } };
      });
  });
});
