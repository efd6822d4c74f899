/**
 * require-lock-timeout and require-statement-timeout: the statements that lock an existing table through a foreign
 * key, the config's timeouts (the tool sets them for every migration), and the quick fix, applied and linted again.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, loadConfig } from '../../src/core/config';
import { toolFingerprint } from '../../src/lint/cache';
import { applyFixes, lintText, type LintOptions } from '../../src/lint/linter';
import { lintOptionsFromConfig } from '../../src/lint/project';
import type { Finding } from '../../src/lint/types';

const LOCK = 'require-lock-timeout';
const STATEMENT = 'require-statement-timeout';

async function lockFindings(sql: string, options: LintOptions = {}): Promise<Finding[]> {
  return (await lintText(sql, 'script.sql', { only: [LOCK], ...options })).filter((f) => f.ruleId === LOCK);
}

function migrationText(up: string, header = ''): string {
  return `${header}-- Up migration\n${up}\n\n-- Down migration\nDROP TABLE IF EXISTS crew;\n`;
}

/** Options as --lint reads them from a project whose config has these environments. */
function optionsFor(environments: Record<string, object>, defaultEnvironment = 'development'): LintOptions {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-timeouts-'));
  try {
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), JSON.stringify({ defaultEnvironment, environments }));
    return lintOptionsFromConfig(loadConfig({ cwd: dir }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('require-lock-timeout: foreign keys lock the table they reference', () => {
  const cases: [string, RegExp][] = [
    ['CREATE TABLE crew (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));',
      /^this waits for a SHARE ROW EXCLUSIVE lock on table "missions" \(referenced by the foreign key\) with no lock_timeout set in this section; while it waits, every write to "missions" queues behind it$/],
    ['CREATE TABLE crew (id bigint, mission_id bigint, CONSTRAINT crew_mission_fk FOREIGN KEY (mission_id) REFERENCES public.missions);',
      /SHARE ROW EXCLUSIVE lock on table "public\.missions" \(referenced by the foreign key\)/],
    ['CREATE TABLE crew (id bigint, mission_id bigint);\nALTER TABLE crew ADD CONSTRAINT crew_mission_fk FOREIGN KEY (mission_id) REFERENCES missions (id);',
      /^this waits for a SHARE ROW EXCLUSIVE lock on table "missions" \(referenced by the foreign key\) with/],
    ['ALTER TABLE rockets ADD COLUMN mission_id bigint REFERENCES missions (id);',
      /^this waits for an ACCESS EXCLUSIVE lock on table "rockets" and a SHARE ROW EXCLUSIVE lock on table "missions" \(referenced by the foreign key\) .*; while it waits, every query on "rockets" \(reads included\) and every write to "missions" queue behind it$/],
    ["CREATE TABLE api_log_2027 PARTITION OF api_log FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');", /an ACCESS EXCLUSIVE lock on table "api_log" \(the partitioned table\)/],
    ['CREATE POLICY missions_read ON missions FOR SELECT USING (true);', /an ACCESS EXCLUSIVE lock on table "missions"/],
    ['ALTER SEQUENCE launch_numbers RESTART WITH 100;', /a SHARE ROW EXCLUSIVE lock on sequence "launch_numbers"/],
    ['REINDEX TABLE rockets;', /an ACCESS EXCLUSIVE lock on the indexes of table "rockets"/],
  ];
  for (const [sql, message] of cases) {
    it(`fires on ${sql.split('\n').pop()}`, async () => {
      const found = await lockFindings(sql);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.match(found[0]!.message, message);
    });
  }

  it('stays quiet when the referenced table was created earlier in the section, or is the new table itself', async () => {
    assert.deepEqual(await lockFindings('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE crew (id bigint, mission_id bigint REFERENCES missions (id));'), []);
    assert.deepEqual(await lockFindings('CREATE TABLE archive.parts (id bigint PRIMARY KEY, parent_id bigint REFERENCES parts (id));'), []);
    assert.deepEqual(await lockFindings('CREATE TABLE parts (id bigint PRIMARY KEY, parent_id bigint REFERENCES archive.parts (id));'), []);
  });
});

describe('timeout rules: the config sets timeouts for every migration', () => {
  const sql = 'ALTER TABLE rockets ALTER COLUMN status SET NOT NULL;';
  const both = async (options: LintOptions) => (await lintText(sql, 'script.sql', { only: [LOCK, STATEMENT], ...options })).map((f) => f.ruleId);

  it('are quiet when every environment sets the timeout, and fire when none does', async () => {
    assert.deepEqual(await both(optionsFor({ development: { lockTimeoutMs: 5000, statementTimeoutMs: 600000 }, production: { lockTimeoutMs: 2000, statementTimeoutMs: 60000 } })), []);
    assert.deepEqual(await both(optionsFor({ development: { lockTimeoutMs: 5000 }, production: { lockTimeoutMs: 2000 } })), [STATEMENT]);
    assert.deepEqual(await both(optionsFor({ development: {}, production: {} })), [LOCK, STATEMENT]);
    // 0 means no timeout, for the config as for SET.
    assert.deepEqual(await both(optionsFor({ development: { lockTimeoutMs: 0, statementTimeoutMs: 0 } })), [LOCK, STATEMENT]);
  });

  it('count the default environment, which runs with no settings when the config does not list it', async () => {
    assert.deepEqual(await both(optionsFor({ production: { lockTimeoutMs: 2000, statementTimeoutMs: 60000 } }, 'development')), [LOCK, STATEMENT]);
    assert.deepEqual(await both(optionsFor({ production: { lockTimeoutMs: 2000, statementTimeoutMs: 60000 } }, 'production')), []);
  });

  it('name the environments the config leaves without the timeout, the config key and the rule setting', async () => {
    const options = optionsFor({ development: {}, test: {}, production: { lockTimeoutMs: 5000, statementTimeoutMs: 600000 } });
    const found = await lintText(sql, 'script.sql', { only: [LOCK, STATEMENT], ...options });
    const lock = found.find((f) => f.ruleId === LOCK)!;
    const statement = found.find((f) => f.ruleId === STATEMENT)!;
    assert.match(lock.message, /no lock_timeout set in this section \(lockTimeoutMs in database-migration\.config\.json sets it for production but not for development, test\);/);
    assert.match(statement.message, /\(statementTimeoutMs in database-migration\.config\.json sets it for production but not for development, test\)$/);
    for (const [f, key] of [[lock, 'lockTimeoutMs'], [statement, 'statementTimeoutMs']] as const) {
      assert.doesNotMatch(f.help, /cannot see the config/);
      assert.match(f.help, new RegExp(`set "${key}" for every environment in database-migration\\.config\\.json`));
      assert.match(f.help, new RegExp(`"lint": \\{ "rules": \\{ "${f.ruleId}": "off" \\} \\}`));
    }
  });

  it('are part of the lint cache key (a config change re-lints)', () => {
    const none = optionsFor({ development: {} });
    const set = optionsFor({ development: { lockTimeoutMs: 5000 } });
    assert.notEqual(toolFingerprint(none, {}), toolFingerprint(set, {}));
  });
});

describe('timeout rules: quick fix', () => {
  /** Applies every fix of the two timeout rules, lints again with every rule: returns the findings before and after. */
  async function fixAndRelint(text: string): Promise<{ fixed: string; before: Finding[]; after: Finding[] }> {
    const before = await lintText(text, 'migrations/001_crew.sql');
    const fixes = before.filter((f) => f.ruleId === LOCK || f.ruleId === STATEMENT);
    assert.ok(fixes.length > 0 && fixes.every((f) => f.fix), 'the timeout findings carry a fix');
    const fixed = applyFixes(text, fixes);
    return { fixed, before, after: await lintText(fixed, 'migrations/001_crew.sql') };
  }
  const describeFindings = (list: Finding[]) => list.map((f) => `${f.ruleId}: ${f.message}`).sort();

  it('inserts SET LOCAL before the first statement that needs it in a transactional migration; linted again, the findings are gone and none is new', async () => {
    const text = migrationText([
      'CREATE TABLE crew (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));',
      'CREATE INDEX crew_mission_idx ON crew (mission_id);',
      'ALTER TABLE rockets ALTER COLUMN status SET NOT NULL;',
      'ALTER TABLE rockets ADD COLUMN crew_id bigint;',
    ].join('\n'));
    const { fixed, before, after } = await fixAndRelint(text);
    assert.equal(fixed, migrationText([
      "SET LOCAL lock_timeout = '5s';",
      'CREATE TABLE crew (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));',
      'CREATE INDEX crew_mission_idx ON crew (mission_id);',
      "SET LOCAL statement_timeout = '5min';",
      'ALTER TABLE rockets ALTER COLUMN status SET NOT NULL;',
      'ALTER TABLE rockets ADD COLUMN crew_id bigint;',
    ].join('\n')));
    assert.deepEqual(after.filter((f) => f.ruleId === LOCK || f.ruleId === STATEMENT), []);
    const old = new Set(describeFindings(before));
    assert.deepEqual(describeFindings(after).filter((f) => !old.has(f)), []);
  });

  it('inserts both SET LOCAL lines once when both rules fire on the same statement', async () => {
    const { fixed, after } = await fixAndRelint(migrationText('ALTER TABLE rockets ALTER COLUMN status SET NOT NULL;\nALTER TABLE rockets ALTER COLUMN name SET NOT NULL;'));
    assert.equal(fixed.match(/SET LOCAL lock_timeout = '5s';\n/g)?.length, 1);
    assert.equal(fixed.match(/SET LOCAL statement_timeout = '5min';\n/g)?.length, 1);
    assert.match(fixed, /SET LOCAL (lock|statement)_timeout = '(5s|5min)';\nSET LOCAL (lock|statement)_timeout = '(5s|5min)';\nALTER TABLE rockets ALTER COLUMN status SET NOT NULL;/);
    assert.deepEqual(after.filter((f) => f.ruleId === LOCK || f.ruleId === STATEMENT), []);
  });

  it('inserts a plain SET in a migration with "-- transaction: none" (SET LOCAL would do nothing outside a transaction), as the templates do', async () => {
    const text = migrationText('CREATE TABLE crew (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));\nCREATE INDEX CONCURRENTLY crew_mission_idx ON crew (mission_id);', '-- transaction: none\n');
    const { fixed, before, after } = await fixAndRelint(text);
    assert.match(fixed, /^-- transaction: none\n-- Up migration\nSET lock_timeout = '5s';\nCREATE TABLE crew /);
    assert.doesNotMatch(fixed, /SET LOCAL/);
    assert.deepEqual(after.filter((f) => f.ruleId === LOCK), []);
    const old = new Set(describeFindings(before));
    assert.deepEqual(describeFindings(after).filter((f) => !old.has(f)), []);
    const template = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'migrations-templates', 'add-foreign-key.sql'), 'utf8');
    assert.match(template, /-- transaction: none[\s\S]*\nSET lock_timeout = '5s';\n/, 'the template of a non-transactional migration uses the same line');
  });
});
