/** Quick fixes are complete (issue 16): applying one leaves a migration that runs and lints clean of what it fixed. */
import assert from 'node:assert/strict';
import { applyFixes, lintText } from '../../src/lint/linter';

const FILE = 'migrations/003_index.sql';

describe('lint: complete fixes', () => {
  it('"Add CONCURRENTLY" replaces a "-- transaction: single" header line instead of adding a second directive', async () => {
    const text = '-- transaction: single\n-- Up migration\nCREATE INDEX stars_name_idx ON stars (name);\n-- Down migration\nDROP INDEX CONCURRENTLY stars_name_idx;\n';
    const found = (await lintText(text, FILE)).filter((f) => f.ruleId === 'require-concurrent-index-creation');
    assert.equal(found.length, 1);
    const fixed = applyFixes(text, found);
    assert.equal(fixed, '-- transaction: none\n-- Up migration\nCREATE INDEX CONCURRENTLY stars_name_idx ON stars (name);\n-- Down migration\nDROP INDEX CONCURRENTLY stars_name_idx;\n');
    const again = await lintText(fixed, FILE);
    assert.deepEqual(again.filter((f) => f.severity === 'error').map((f) => `${f.line} ${f.ruleId}`), []);
  });

  it('two CONCURRENTLY fixes applied together add the header line once', async () => {
    const text = '-- Up migration\nCREATE INDEX a_idx ON stars (a);\nCREATE INDEX b_idx ON stars (b);\n-- Down migration\n';
    const found = (await lintText(text, FILE)).filter((f) => f.ruleId === 'require-concurrent-index-creation');
    const fixed = applyFixes(text, found);
    assert.equal(fixed.match(/-- transaction: none/g)?.length, 1, fixed);
    assert.match(fixed, /CREATE INDEX CONCURRENTLY a_idx[\s\S]*CREATE INDEX CONCURRENTLY b_idx/);
  });

  it('adding-required-field offers add nullable → fill → CHECK NOT VALID → VALIDATE → SET NOT NULL, committed step by step', async () => {
    const text = '-- Up migration\nALTER TABLE planets ADD COLUMN discovered_by text NOT NULL;\n-- Down migration\nALTER TABLE planets DROP COLUMN discovered_by;\n';
    const found = (await lintText(text, 'migrations/004_discovered.sql')).filter((f) => f.ruleId === 'adding-required-field');
    assert.equal(found.length, 1);
    assert.match(found[0]!.fix!.title, /nullable, fill it, then validate NOT NULL/);
    const fixed = applyFixes(text, found);
    assert.match(fixed, /^-- transaction: none\n-- Up migration\nALTER TABLE planets ADD COLUMN discovered_by text;\n/);
    assert.match(fixed, /ADD CONSTRAINT planets_discovered_by_not_null CHECK \(discovered_by IS NOT NULL\) NOT VALID;\nALTER TABLE planets VALIDATE CONSTRAINT/);
    const again = await lintText(fixed, 'migrations/004_discovered.sql');
    assert.deepEqual(again.filter((f) => ['adding-required-field', 'adding-not-nullable-field', 'constraint-missing-not-valid'].includes(f.ruleId)).map((f) => `${f.line} ${f.ruleId}`), []);
  });
});
