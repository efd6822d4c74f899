/**
 * The short version of the reliability suite (npm run test:reliability runs the long one):
 * the same trial functions with a few trials each.
 */
import { BACKENDS } from './harness';
import { badInputCorpus, runBadInput } from '../reliability/bad-input';
import { concurrencyTrials } from '../reliability/concurrency';
import { crashTrials, referenceSnapshots } from '../reliability/crash';
import { terminateBackendTrial } from '../reliability/faults';
import { fuzzParser, fuzzPlanner, fuzzSplitterAndLinter } from '../reliability/fuzz';
import { fileLockRaceTrials } from '../reliability/file-lock';
import { secretsSequence } from '../reliability/secrets';
import { suiteSeed } from '../reliability/common';

describe('reliability (short)', function () {
  this.timeout(180000);

  it('postgres: SIGKILL during --up (2 trials) and 10 concurrent --up (1 trial)', async () => {
    const refs = await referenceSnapshots('postgres');
    await crashTrials('postgres', 2, suiteSeed(), refs);
    await concurrencyTrials('postgres', 1, 10, refs);
  });

  it('postgres: pg_terminate_backend mid-migration, transactional and not', async () => {
    await terminateBackendTrial(false);
    await terminateBackendTrial(true);
  });

  // Variants whose unit tests (test/unit/discovery, config, create) fail the same way: the long suite runs them end to end.
  const longOnly = ['a directory named 002_x.sql', 'a symlink to a directory named 002_x.sql', 'history schema pg_temp',
    '--create with a 300-character name', '--create with a file in place of the migrations directory'];
  for (const backend of BACKENDS) {
    const cases = badInputCorpus({ bigFileBytes: 2 * 1024 * 1024, statements: 1000 })
      .filter((c) => !longOnly.includes(c.name))
      .filter((c) => backend === 'postgres' || ['non-UTF-8 bytes', 'symlink loop'].includes(c.name));
    for (const c of cases) {
      it(`${backend} bad input: ${c.name} -> exit ${c.code}`, async () => { await runBadInput(backend, c); });
    }
  }

  it('fuzz: parser, planner, splitter and linter', async () => {
    fuzzParser(2000);
    fuzzPlanner(1000);
    await fuzzSplitterAndLinter(300);
  });

  it('postgres: no password anywhere after every kind of command', async () => {
    await secretsSequence('postgres');
  });

  it('PGlite lock: 10 processes take over a stale lock at one instant, never two holders (20 trials)', async () => {
    await fileLockRaceTrials(20);
  });
});
