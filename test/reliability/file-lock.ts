/**
 * The PGlite data-directory lock under a stale-lock takeover race: a lock file left by a dead process,
 * and N worker processes (file-lock-worker.ts) that all call acquire() at one synchronised instant.
 * Each worker reports the interval it held the lock; no two intervals may overlap (at most one holder
 * at any instant), and someone must take the stale lock over.
 */
import assert from 'node:assert/strict';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { report } from './common';

interface Outcome { held: boolean; from?: number; to?: number; error?: string }

const WORKER = path.join(__dirname, 'file-lock-worker.js');

function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  try { process.kill(pid, 0); } catch { return pid; }
  return deadPid(); // reused already: take another
}

function once<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`lock worker ${child.pid} exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (m) => { child.removeListener('exit', onExit); resolve(m as T); });
  });
}

/** Overlapping hold intervals, described; [] when the holders took turns. */
export function overlaps(outcomes: Outcome[]): string[] {
  const held = outcomes.filter((o) => o.held).sort((a, b) => a.from! - b.from!);
  const out: string[] = [];
  for (let i = 1; i < held.length; i++) {
    const prev = held[i - 1]!;
    const cur = held[i]!;
    if (cur.from! <= prev.to!) out.push(`held ${prev.from!.toFixed(2)}-${prev.to!.toFixed(2)} and ${cur.from!.toFixed(2)}-${cur.to!.toFixed(2)} ms at once`);
  }
  return out;
}

/**
 * `trials` races of `workers` processes on a stale lock. Returns per-trial counts of holders; throws when
 * two processes held the lock at once, when nobody took the stale lock over, or when a worker failed.
 */
export async function fileLockRaceTrials(trials: number, options: { workers?: number; holdMs?: number; waitMs?: number } = {}): Promise<number[]> {
  const workers = options.workers ?? 10;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lock-race-'));
  const children = Array.from({ length: workers }, () => fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const t0 = Date.now();
  try {
    await Promise.all(children.map((c) => once<string>(c)));
    const dead = deadPid();
    const holders: number[] = [];
    const failures: string[] = [];
    for (let t = 0; t < trials; t++) {
      const dataDir = path.join(dir, `trial-${t}`, 'pglite', 'test');
      fs.mkdirSync(path.dirname(dataDir), { recursive: true });
      // A lock left behind by a process that is gone: the shape DataDirLock writes, with a dead pid.
      fs.writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: dead, host: os.hostname(), since: new Date(Date.now() - 60000).toISOString() }), { mode: 0o600 });
      const startAtMs = Number(process.hrtime.bigint()) / 1e6 + 40;
      const answers = children.map((c) => once<Outcome>(c));
      for (const c of children) c.send({ dataDir, startAtMs, holdMs: options.holdMs ?? 25, waitMs: options.waitMs ?? 0 });
      const outcomes = await Promise.all(answers);
      const errors = outcomes.filter((o) => o.error).map((o) => o.error!);
      assert.deepEqual(errors, [], `trial ${t + 1}: a worker failed otherwise than "in use"`);
      const both = overlaps(outcomes);
      if (both.length) failures.push(`trial ${t + 1}: ${both.join('; ')}`);
      const n = outcomes.filter((o) => o.held).length;
      assert.ok(n >= 1, `trial ${t + 1}: nobody took over the stale lock`);
      assert.equal(fs.existsSync(`${dataDir}.lock`), false, `trial ${t + 1}: the lock file is left behind after every holder released it`);
      holders.push(n);
    }
    assert.deepEqual(failures, [], `two processes held the data-directory lock at the same time in ${failures.length} of ${trials} trials`);
    report(`file lock: ${trials} trials of ${workers} processes on a stale lock, no overlap; ${holders.reduce((a, b) => a + b, 0)} holds in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return holders;
  } finally {
    for (const c of children) { if (c.connected) c.send('exit'); }
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
