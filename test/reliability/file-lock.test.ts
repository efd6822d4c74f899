import assert from 'node:assert/strict';
import { trialCount } from './common';
import { fileLockRaceTrials } from './file-lock';
import { recordPart } from './results';

describe('reliability: PGlite data-directory lock', function () {
  this.timeout(600000);
  it('10 processes take over a stale lock at one instant: never two holders at once (100 trials)', async () => {
    const trials = trialCount(100);
    await recordPart('file lock race', 'pglite',
      '10 processes released at one instant try to take over a stale PGlite data-directory lock (owner dead); each logs when it held it: no two holders at once',
      trials, async () => {
        const holders = await fileLockRaceTrials(trials);
        assert.equal(holders.length, trials);
        return { trialsPassed: holders.length, figures: { processes: 10, holds: holders.reduce((a, b) => a + b, 0) } };
      });
  });
  it('10 processes that wait for the lock: never two holders at once (100 trials)', async () => {
    const trials = trialCount(100);
    await recordPart('file lock wait', 'pglite',
      '10 processes wait up to 10 s for the PGlite data-directory lock and hold it 5 ms each: every one gets it in turn, never two at once',
      trials, async () => {
        const holders = await fileLockRaceTrials(trials, { waitMs: 10000, holdMs: 5 });
        return { trialsPassed: holders.length, figures: { processes: 10, holds: holders.reduce((a, b) => a + b, 0) } };
      });
  });
});
