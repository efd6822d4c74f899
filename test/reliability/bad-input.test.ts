import { BACKENDS } from '../integration/harness';
import { report } from './common';
import { badInputCorpus, runBadInput } from './bad-input';
import { errorLine, writeResult } from './results';

describe('reliability: bad input corpus', function () {
  this.timeout(300000);
  const corpus = badInputCorpus({ bigFileBytes: 50 * 1024 * 1024, statements: 10000 });
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let t0 = Date.now();
      const failures: string[] = [];
      let ran = 0;
      let skipped = 0;
      before(() => { t0 = Date.now(); });
      for (const c of corpus) {
        it(`${c.name}: exit ${c.code}, clear message${c.applies ? '' : ', database unchanged'}`, async function () {
          try {
            const r = await runBadInput(backend, c);
            if (r.code === -1) skipped++;
            else ran++;
            report(`${c.name} -> exit ${r.code}: ${r.firstLine}`);
          } catch (err) {
            if ((err as { name?: string })?.name === 'Pending') throw err;
            failures.push(`${c.name}: ${errorLine(err)}`);
            throw err;
          }
        });
      }
      after(() => {
        writeResult({
          part: 'bad input', backend,
          checks: `${corpus.length} malformed inputs (files, folders, config, names, pipes), each after 001 was applied: documented exit code, message with file/line and a fix line, no stack trace, database unchanged (catalog, history, log, data)`,
          trialsRequested: corpus.length, trialsPassed: ran, passed: failures.length === 0 && ran + skipped === corpus.length,
          ...(failures.length ? { error: failures.join(' | ').slice(0, 600) } : {}),
          figures: { cases: corpus.length, passed: ran, skipped, failed: failures.length },
          durationSeconds: Math.round((Date.now() - t0) / 1000),
        });
      });
    });
  }
});
