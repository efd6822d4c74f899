/**
 * The short version of the reliability suite (npm run test:reliability runs the long one), part 1 of 3:
 * the same trial functions with a few trials each. Split in three files so parallel workers share it.
 */
import { concurrencyTrials } from '../reliability/concurrency';
import { crashTrials, referenceSnapshots } from '../reliability/crash';
import { terminateBackendTrial } from '../reliability/faults';
import { fileLockRaceTrials } from '../reliability/file-lock';
import { suiteSeed } from '../reliability/common';

describe('reliability (short): kills, concurrency, faults', function () {
  this.timeout(180000);

  it('postgres: SIGKILL during --up (2 trials, one with backups on, and 2 more with "fastCommit") and 10 concurrent --up (1 trial)', async () => {
    const refs = await referenceSnapshots('postgres');
    await crashTrials('postgres', 2, suiteSeed(), refs);
    await crashTrials('postgres', 2, suiteSeed() + 1, refs, { fastCommit: true });
    await concurrencyTrials('postgres', 1, 10, refs);
  });

  it('postgres: pg_terminate_backend mid-migration, transactional and not', async () => {
    await terminateBackendTrial(false);
    await terminateBackendTrial(true);
  });

  it('PGlite lock: 10 processes take over a stale lock at one instant, never two holders (20 trials)', async () => {
    await fileLockRaceTrials(20);
  });
});
