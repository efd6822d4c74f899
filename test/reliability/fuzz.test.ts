import { trialCount } from './common';
import { fuzzParser, fuzzPlanner, fuzzSplitterAndLinter } from './fuzz';

describe('reliability: fuzz (fast-check)', function () {
  this.timeout(0);
  it('migration-file parser: only MigrationErrors, never slow', () => { fuzzParser(trialCount(100) * 200); });
  it('planner: only MigrationErrors, plans ordered and pending-only', () => { fuzzPlanner(trialCount(100) * 100); });
  it('splitter and linter: never throw, never slow', async () => { await fuzzSplitterAndLinter(trialCount(100) * 30); });
});
