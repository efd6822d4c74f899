import { trialCount } from './common';
import { fileLockRaceTrials } from './file-lock';

describe('reliability: PGlite data-directory lock', function () {
  this.timeout(600000);
  it('10 processes take over a stale lock at one instant: never two holders at once (100 trials)', async () => {
    await fileLockRaceTrials(trialCount(100));
  });
  it('10 processes that wait for the lock: never two holders at once (20 trials)', async () => {
    await fileLockRaceTrials(trialCount(20), { waitMs: 10000, holdMs: 5 });
  });
});
