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
    it(`${backend}: the same with "fastCommit" (asynchronous commits but the last): fully applied or absent, nothing twice, --up completes`, async () => {
      const trials = trialCount(100);
      await recordPart('crash (fastCommit)', backend,
        'as "crash", with "fastCommit": true (each migration but the last commits with synchronous_commit off); SIGKILL of the CLI and pg_terminate_backend of its session',
        trials, async () => {
          const stats = await crashTrials(backend, trials, suiteSeed() + 1, undefined, { fastCommit: true });
          assert.equal(stats.trials, trials);
          assert.equal(stats.dataLost, 0);
          const { trials: passed, ...figures } = stats;
          return { trialsPassed: passed, figures: { ...figures } };
        });
    });
  }
});
