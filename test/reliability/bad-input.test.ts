import { BACKENDS } from '../integration/harness';
import { report } from './common';
import { badInputCorpus, runBadInput } from './bad-input';

describe('reliability: bad input corpus', function () {
  this.timeout(300000);
  const corpus = badInputCorpus({ bigFileBytes: 50 * 1024 * 1024, statements: 10000 });
  for (const backend of BACKENDS) {
    describe(backend, () => {
      for (const c of corpus) {
        it(`${c.name}: exit ${c.code}, clear message${c.applies ? '' : ', database unchanged'}`, async () => {
          const r = await runBadInput(backend, c);
          report(`${c.name} -> exit ${r.code}: ${r.firstLine}`);
        });
      }
    });
  }
});
