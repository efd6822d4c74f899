/** The short reliability suite, part 2 of 3: the bad-input corpus (smaller big files). */
import { BACKENDS } from './harness';
import { badInputCorpus, runBadInput } from '../reliability/bad-input';

describe('reliability (short): bad input', function () {
  this.timeout(180000);

  // Variants whose unit tests (test/unit/discovery, config, create) fail the same way: the long suite runs them end to end.
  const longOnly = ['a directory named 002_x.sql', 'a symlink to a directory named 002_x.sql', 'history schema pg_temp',
    '--create with a 300-character name', '--create with a file in place of the migrations directory',
    // Parsed and refused before any connection, with their messages asserted by test/unit/migration-file, config and discovery-read.
    'up marker twice', 'down marker before up', 'unknown directive value', 'misspelled directive',
    'config with wrong types', 'config that is not JSON', 'CRLF line endings (valid)', 'byte-order mark (valid)'];
  for (const backend of BACKENDS) {
    const cases = badInputCorpus({ bigFileBytes: 2 * 1024 * 1024, statements: 1000 })
      .filter((c) => !longOnly.includes(c.name))
      .filter((c) => backend === 'postgres' || ['non-UTF-8 bytes', 'symlink loop'].includes(c.name));
    for (const c of cases) {
      it(`${backend} bad input: ${c.name} -> exit ${c.code}`, async () => { await runBadInput(backend, c); });
    }
  }
});
