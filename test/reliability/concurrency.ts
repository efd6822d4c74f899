/**
 * Concurrency trials: N processes run `--up` on the same fresh database at once.
 * Every migration must be applied exactly once; the other runs wait for the lock
 * (and then find nothing to do) or give up with the documented lock code, 3.
 */
import assert from 'node:assert/strict';
import type { Backend } from '../integration/harness';
import type { CatalogSnapshot } from '../../src/core/catalog';
import { assertNothingStored, catalogDiff, inspect, readState, reliableProject, report } from './common';
import { PLAN, planFiles, referenceSnapshots } from './crash';

export interface ConcurrencyStats {
  trials: number;
  processes: number;
  applied: number;
  waitedThenNothing: number;
  lockCode3: number;
}

export async function concurrencyTrials(backend: Backend, trials: number, processes: number, refs?: CatalogSnapshot[]): Promise<ConcurrencyStats> {
  const references = refs ?? await referenceSnapshots(backend);
  const stats: ConcurrencyStats = { trials: 0, processes, applied: 0, waitedThenNothing: 0, lockCode3: 0 };
  for (let t = 0; t < trials; t++) {
    // Every other trial waits only briefly for the lock, so exit code 3 is exercised too.
    const lockWaitMs = t % 2 === 0 ? 60000 : 300;
    const context = `${backend} concurrency trial ${t + 1} (${processes} processes, lockWaitMs ${lockWaitMs})`;
    const p = await reliableProject(backend, planFiles(), { lockWaitMs });
    try {
      const runs = await Promise.all(Array.from({ length: processes }, () => p.run(['--up'])));
      let winners = 0;
      for (const r of runs) {
        if (r.code === 0 && /Applied \d+ migrations?/.test(r.stdout)) { winners++; stats.applied++; }
        else if (r.code === 0) { assert.match(r.stdout, /Nothing to apply/, `${context}: ${r.stdout}`); stats.waitedThenNothing++; }
        else {
          assert.equal(r.code, 3, `${context}: a run exited ${r.code}:\n${r.stdout}${r.stderr}`);
          assert.match(r.stderr, /another migration run holds the lock|is in use by/, `${context}: exit 3 without the lock message:\n${r.stderr}`);
          assert.match(r.stderr, /fix: /);
          stats.lockCode3++;
        }
      }
      assert.ok(winners >= 1, `${context}: no run applied anything:\n${runs.map((r) => `${r.code} ${r.stdout}${r.stderr}`).join('\n')}`);
      const i = await inspect(p);
      let s;
      try { s = await readState(i); } finally { await i.close(); }
      assert.deepEqual(s.history.map((h) => h.status), PLAN.map(() => 'applied'), `${context}: history`);
      for (const m of PLAN) {
        const v = m.id.slice(0, 3);
        assert.equal(s.ups.get(v), 1, `${context}: ${m.id} logged as applied ${s.ups.get(v) ?? 0} times`);
        assert.equal(s.trail.get(v), 1, `${context}: ${m.id} wrote its trail row ${s.trail.get(v) ?? 0} times`);
      }
      const d = catalogDiff(references[PLAN.length]!, s.catalog);
      assert.equal(d, '', `${context}: catalog differs from the reference:\n${d}`);
      // Runs that applied migrations all belong to one batch... except when one run applied some and another the rest.
      await assertNothingStored(p);
      stats.trials++;
    } finally {
      await p.cleanup();
    }
  }
  report(`concurrency on ${backend}: ${JSON.stringify(stats)}`);
  return stats;
}
