import assert from 'node:assert/strict';
import { trialCount } from './common';
import { serverRestartTrials, terminateBackendTrial } from './faults';

describe('reliability: connection faults mid-migration', function () {
  this.timeout(0);

  it('pg_terminate_backend during a transactional migration: clear error, nothing partial, retry succeeds', async () => {
    for (let t = 0; t < trialCount(5); t++) await terminateBackendTrial(false);
  });

  it('pg_terminate_backend during a "-- transaction: none" migration: it shows as dirty, recovery and retry succeed', async () => {
    for (let t = 0; t < trialCount(3); t++) await terminateBackendTrial(true);
  });

  it('the server stops and starts again mid-migration: clear error, nothing partial, retry succeeds', async () => {
    const trials = trialCount(5);
    const stats = await serverRestartTrials(trials);
    assert.equal(stats.retriesSucceeded, trials);
  });
});
