/**
 * The down section is linted with the rules that matter when a rollback runs on a live database (issue 16): what a
 * down is expected to do (drop the table or column the up added) is not flagged, what breaks or blocks a rollback is.
 */
import assert from 'node:assert/strict';
import { lintText } from '../../src/lint/linter';

const FILE = 'migrations/002_moons.sql';

async function downFindings(up: string, down: string): Promise<string[]> {
  const text = `-- Up migration\n${up}\n-- Down migration\n${down}\n`;
  const found = await lintText(text, FILE);
  return found.filter((f) => f.section === 'down').map((f) => `${f.line} ${f.ruleId}`);
}

describe('lint: the down section', () => {
  it('dropping what the up created is expected in a down: no ban-drop-table, no ban-drop-column', async () => {
    const found = await downFindings(
      "SET LOCAL lock_timeout = '5s';\nCREATE TABLE moons (id bigint PRIMARY KEY);\nALTER TABLE planets ADD COLUMN moon_count integer;",
      "SET LOCAL lock_timeout = '5s';\nALTER TABLE planets DROP COLUMN moon_count;\nDROP TABLE moons;");
    assert.deepEqual(found.filter((f) => /ban-drop-(table|column)/.test(f)), []);
  });

  it('TRUNCATE ... CASCADE in a down is still flagged (it empties tables the down never names)', async () => {
    const found = await downFindings('CREATE TABLE moons (id bigint PRIMARY KEY);', 'TRUNCATE moons CASCADE;\nDROP TABLE moons;');
    assert.ok(found.includes('4 ban-truncate-cascade'), found.join('\n'));
  });

  it('a down that re-adds a dropped column as NOT NULL without a default fails on a table with rows: flagged', async () => {
    const found = await downFindings(
      "SET LOCAL lock_timeout = '5s';\nALTER TABLE planets DROP COLUMN discovered_by;",
      "SET LOCAL lock_timeout = '5s';\nALTER TABLE planets ADD COLUMN discovered_by text NOT NULL;");
    assert.ok(found.includes('6 adding-required-field'), found.join('\n'));
  });

  it('a down that re-creates a constraint without NOT VALID, or an index without CONCURRENTLY, is flagged', async () => {
    const found = await downFindings(
      "SET LOCAL lock_timeout = '5s';\nALTER TABLE planets DROP CONSTRAINT planets_mass_check;\nDROP INDEX planets_name_idx;",
      "SET LOCAL lock_timeout = '5s';\nALTER TABLE planets ADD CONSTRAINT planets_mass_check CHECK (mass_kg > 0);\nCREATE INDEX planets_name_idx ON planets (name);");
    assert.ok(found.includes('7 constraint-missing-not-valid'), found.join('\n'));
    assert.ok(found.includes('8 require-concurrent-index-creation'), found.join('\n'));
  });
});
