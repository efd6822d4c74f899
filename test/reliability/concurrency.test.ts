import assert from 'node:assert/strict';
import { BACKENDS } from '../integration/harness';
import { trialCount } from './common';
import { concurrencyTrials } from './concurrency';

describe('reliability: 10 processes run --up at once', function () {
  this.timeout(0);
  for (const backend of BACKENDS) {
    it(`${backend}: each migration applied exactly once; the others wait or exit 3`, async () => {
      const trials = trialCount(20);
      const stats = await concurrencyTrials(backend, trials, 10);
      assert.equal(stats.trials, trials);
    });
  }
});
