import assert from 'node:assert/strict';
import { lintTextSync } from '../../src/lint/linter';
import { warmUpMigration, warmUpRound } from '../../src/lint/warm-up';
import { loadParser, type Parser } from '../../src/sql/parser';

describe('linter warm-up (the editor lints a built-in migration in the background before the first file)', () => {
  let parser: Parser;
  before(async () => { parser = await loadParser(); });

  it('the built-in migration parses and exercises many rules, so their code is warm for the first real lint', () => {
    const findings = lintTextSync(parser, warmUpMigration(), 'warm-up/001_warm_up.sql', { asMigration: true });
    assert.deepEqual(findings.filter((f) => f.ruleId === 'syntax-error' || f.ruleId === 'invalid-migration-file' || f.message.startsWith('internal error')), []);
    assert.ok(new Set(findings.map((f) => f.ruleId)).size >= 5, `rules exercised: ${[...new Set(findings.map((f) => f.ruleId))].join(', ')}`);
    assert.doesNotThrow(() => warmUpRound(parser));
  });
});
