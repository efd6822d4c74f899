import assert from 'node:assert/strict';
import { BACKENDS } from '../integration/harness';
import { trialCount } from './common';
import { concurrencyTrials } from './concurrency';
import { recordPart } from './results';

describe('reliability: 10 processes run --up at once', function () {
  this.timeout(0);
  for (const backend of BACKENDS) {
    it(`${backend}: each migration applied exactly once; the others wait or exit 3`, async () => {
      const trials = trialCount(100);
      await recordPart('concurrency', backend,
        '10 processes run --up at once on a fresh database (every other trial with lockWaitMs 300); each migration applied exactly once, the others wait and find nothing or exit 3 with the lock message',
        trials, async () => {
          const stats = await concurrencyTrials(backend, trials, 10);
          assert.equal(stats.trials, trials);
          const { trials: passed, ...figures } = stats;
          return { trialsPassed: passed, figures: { ...figures } };
        });
    });
  }
});
