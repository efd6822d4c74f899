import assert from 'node:assert/strict';
import { BACKENDS } from '../integration/harness';
import { suiteSeed, trialCount } from './common';
import { crashTrials } from './crash';
import { recordPart } from './results';

describe('reliability: SIGKILL during --up', function () {
  this.timeout(0);
  for (const backend of BACKENDS) {
    it(`${backend}: every migration is fully applied or absent after a kill, nothing twice, and --up completes after recovery`, async () => {
      const trials = trialCount(100);
      await recordPart('crash', backend,
        '--up of a 6-migration plan (4 transactional, 2 "-- transaction: none") SIGKILLed at a random moment, backups on in every other trial; catalog, history, log and backups checked from outside, dirty migration recovered, --up completes',
        trials, async () => {
          const stats = await crashTrials(backend, trials, suiteSeed());
          assert.equal(stats.trials, trials);
          assert.equal(stats.dataLost, 0);
          const { trials: passed, ...figures } = stats;
          return { trialsPassed: passed, figures: { ...figures } };
        });
    });
  }
});
