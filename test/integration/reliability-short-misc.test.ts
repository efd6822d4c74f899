/** The short reliability suite, part 3 of 3: fuzz and secrets. */
import { fuzzParser, fuzzPlanner, fuzzSplitterAndLinter } from '../reliability/fuzz';
import { secretsSequence } from '../reliability/secrets';

describe('reliability (short): fuzz and secrets', function () {
  this.timeout(180000);

  it('fuzz: parser, planner, splitter and linter', async () => {
    fuzzParser(2000);
    fuzzPlanner(1000);
    await fuzzSplitterAndLinter(300);
  });

  it('postgres: no password anywhere after every kind of command', async () => {
    await secretsSequence('postgres');
  });
});
