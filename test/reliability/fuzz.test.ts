import { trialCount } from './common';
import { fuzzParser, fuzzPlanner, fuzzSplitterAndLinter } from './fuzz';
import { recordPart } from './results';

describe('reliability: fuzz (fast-check)', function () {
  this.timeout(0);
  const parts: [string, string, number, (n: number) => unknown][] = [
    ['fuzz parser', 'parseMigrationFile on random marker/directive/SQL/binary lines and line endings: only MigrationErrors (with file and hint), each case under 2 s', 200, fuzzParser],
    ['fuzz planner', 'computeStatus/planUp/planDown on random files, history rows and options: only MigrationErrors, up plans pending-only ascending, down plans descending', 100, fuzzPlanner],
    ['fuzz splitter and linter', 'splitStatementsSync and lintTextSync on random texts: never throw, statements are in-order substrings, findings on existing lines, each case under 2 s', 30, fuzzSplitterAndLinter],
  ];
  for (const [name, checks, per, fn] of parts) {
    it(`${name}: ${checks.split(':')[1]!.trim()}`, async () => {
      const cases = trialCount(100) * per;
      await recordPart(name, null, checks, cases, async () => {
        await fn(cases);
        return { trialsPassed: cases, figures: { cases } };
      });
    });
  }
});
