import assert from 'node:assert/strict';
import { BACKENDS } from '../integration/harness';
import { suiteSeed, trialCount } from './common';
import { crashTrials } from './crash';

describe('reliability: SIGKILL during --up', function () {
  this.timeout(0);
  for (const backend of BACKENDS) {
    it(`${backend}: every migration is fully applied or absent after a kill, nothing twice, and --up completes after recovery`, async () => {
      const trials = trialCount(100);
      const stats = await crashTrials(backend, trials, suiteSeed());
      assert.equal(stats.trials, trials);
      assert.equal(stats.dataLost, 0);
    });
  }
});
