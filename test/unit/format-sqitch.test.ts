import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectFormat, discoverMigrations, readMigrationSet } from '../../src/core/formats';
import { sqitchFormat, sqitchScriptOf } from '../../src/core/formats/sqitch';
import { parseSqitchPlan } from '../../src/core/formats/sqitch-plan';
import { statementRanges, unwrapTransaction } from '../../src/core/formats/transaction-wrapper';
import { migrationItems } from '../../src/extension/model/tree-model';

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

function errorOf(fn: () => unknown): { message: string; hint: string; location: { file?: string; line?: number } } {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error');
}

const T = '2026-01-05T10:00:00Z Ada Lovelace <ada@example.com>';
const HEAD = '%syntax-version=1.0.0\n%project=nasa\n%uri=https://example.com/nasa/\n\n';

describe('Sqitch plan parser', () => {
  it('reads changes, requirements, tags, notes and comments', () => {
    const plan = parseSqitchPlan(`${HEAD}# a comment\nschema ${T} # Add the schema\nmissions [schema] ${T} # Missions table\n@v1.0 ${T} # Release 1.0\n\n+crew [missions schema] ${T}\n`, 'sqitch.plan');
    assert.equal(plan.project, 'nasa');
    assert.equal(plan.syntaxVersion, '1.0.0');
    assert.deepEqual(plan.changes.map((c) => [c.name, c.line, c.requires, c.note]), [
      ['schema', 6, [], 'Add the schema'], ['missions', 7, [0], 'Missions table'], ['crew', 10, [1, 0], '']]);
    assert.equal(plan.changes[0]!.planner, 'Ada Lovelace <ada@example.com>');
    assert.deepEqual(plan.tags, [{ name: 'v1.0', line: 8, change: 1 }]);
  });

  it('reworked changes: the earlier instance uses its name@tag scripts, and a requirement name@tag names it', () => {
    const plan = parseSqitchPlan(`${HEAD}missions ${T}\n@v1 ${T}\n@v1.1 ${T}\nmissions [missions@v1] ${T}\n`, 'sqitch.plan', (n, t) => t === 'v1.1');
    assert.deepEqual(plan.changes.map((c) => [c.name, c.scriptName, c.requires]), [['missions', 'missions@v1.1', []], ['missions', 'missions', [0]]]);
  });

  it('a conflict with a change planned later holds, one with a change planned before is refused', () => {
    assert.equal(parseSqitchPlan(`${HEAD}a [!b] ${T}\nb ${T}\n`, 'p').changes.length, 2);
    const e = errorOf(() => parseSqitchPlan(`${HEAD}b ${T}\na [!b] ${T}\n`, 'sqitch.plan'));
    assert.match(e.message, /change "a" conflicts with "b", which is planned before it/);
    assert.equal(e.location.line, 6);
  });

  it('refuses what it cannot honour, naming the plan line', () => {
    const cases: [string, RegExp, number][] = [
      [`${HEAD}a [other:b] ${T}\n`, /dependency "other:b" names a change of another Sqitch project \("other"\)/, 5],
      [`${HEAD}a [b] ${T}\nb ${T}\n`, /dependency "b" is not a change planned before this one/, 5],
      [`${HEAD}a ${T}\n-a ${T}\n`, /revert line "-a" is not supported/, 6],
      ['%syntax-version=2.0.0\n', /plan syntax version 2\.0\.0 is not supported/, 1],
      [`${HEAD}a 2026-01-05 Ada <a@x>\n`, /"a 2026-01-05 Ada <a@x>" is not a change line/, 5],
      [`${HEAD}@v1 ${T}\n`, /tag @v1 comes before any change/, 5],
      [`${HEAD}a ${T}\na ${T}\n`, /change "a" is planned twice with no tag between/, 6],
      [`${HEAD}a@b ${T}\n`, /"a@b" is not a valid Sqitch change name/, 5],
      [`a ${T}\n`, /the plan has no %project pragma/, 1],
      [`${HEAD}a [x@nope] ${T}\n`, /names tag @nope, which is not in the plan/, 5],
    ];
    for (const [text, message, line] of cases) {
      const e = errorOf(() => parseSqitchPlan(text, 'sqitch.plan'));
      assert.match(e.message, message, text);
      assert.equal(e.location.line, line, text);
      assert.equal(e.location.file, 'sqitch.plan');
    }
    // A requirement naming its own project is a local one.
    assert.deepEqual(parseSqitchPlan(`${HEAD}a ${T}\nb [nasa:a] ${T}\n`, 'p').changes[1]!.requires, [0]);
  });
});

describe('transaction wrapper of a script', () => {
  it('finds top-level statements outside strings, dollar quotes and comments', () => {
    const sql = "BEGIN;\n-- a; comment\nSELECT 'x;y', \"a;b\", E'\\';';\nDO $$ BEGIN PERFORM 1; END $$;\n/* ; */COMMIT;\n";
    assert.deepEqual(statementRanges(sql).map((r) => sql.slice(r.start, r.end)),
      ['BEGIN;', "SELECT 'x;y', \"a;b\", E'\\';';", 'DO $$ BEGIN PERFORM 1; END $$;', 'COMMIT;']);
  });

  it('blanks a leading BEGIN and trailing COMMIT, keeping every line where it was', () => {
    const sql = '-- Deploy nasa:missions\n\nBEGIN;\n\nCREATE TABLE m (id int);\n\nCOMMIT;\n';
    const u = unwrapTransaction(sql);
    assert.equal(u.wrapped, true);
    assert.equal(u.sql.split('\n').length, sql.split('\n').length);
    assert.equal(u.sql.split('\n')[4], 'CREATE TABLE m (id int);');
    assert.doesNotMatch(u.sql, /BEGIN|COMMIT/);
    assert.equal(unwrapTransaction('CREATE INDEX CONCURRENTLY i ON m (id);').wrapped, false);
    assert.equal(unwrapTransaction('BEGIN;\nSELECT 1;\nROLLBACK;', true).wrapped, true);
    assert.equal(unwrapTransaction('BEGIN;\nSELECT 1;\nROLLBACK;').unpairedLine, 1);
    assert.equal(unwrapTransaction('SELECT 1;\nCOMMIT;').unpairedLine, 2);
  });
});

describe('Sqitch format', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-sqitch-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  function project(extra: Record<string, string> = {}): void {
    write(dir, {
      'sqitch.plan': `${HEAD}schema ${T}\nmissions [schema] ${T}\nmissions_idx [missions] ${T}\n`,
      'deploy/schema.sql': '-- Deploy nasa:schema to pg\n\nBEGIN;\nCREATE SCHEMA nasa;\nCOMMIT;\n',
      'revert/schema.sql': 'BEGIN;\nDROP SCHEMA nasa;\nCOMMIT;\n',
      'verify/schema.sql': 'BEGIN;\nSELECT 1/COUNT(*) FROM pg_namespace WHERE nspname = \'nasa\';\nROLLBACK;\n',
      'deploy/missions.sql': '-- Deploy nasa:missions to pg\n-- requires: schema\n\nBEGIN;\nCREATE TABLE nasa.missions (id int);\nCOMMIT;\n',
      'revert/missions.sql': 'BEGIN;\nDROP TABLE nasa.missions;\nCOMMIT;\n',
      'deploy/missions_idx.sql': 'CREATE INDEX CONCURRENTLY missions_id ON nasa.missions (id);\n',
      ...extra,
    });
  }

  it('is detected by its plan file and reads changes in plan order, versions by position', () => {
    project();
    assert.equal(detectFormat(dir).name, 'sqitch');
    const set = readMigrationSet(dir, { displayRoot: dir });
    assert.equal(set.format, 'sqitch');
    const [schema, missions, idx] = set.migrations;
    assert.deepEqual(set.migrations.map((m) => [m.version, m.name]), [['0001', 'schema'], ['0002', 'missions'], ['0003', 'missions_idx']]);
    assert.deepEqual(missions!.depends, ['0001_schema'], 'the plan\'s requirements, as migration ids');
    assert.equal(missions!.file, path.join('deploy', 'missions.sql'));
    assert.equal(missions!.downFile, path.join('revert', 'missions.sql'));
    assert.doesNotMatch(missions!.up, /BEGIN|COMMIT/);
    assert.equal(missions!.up.split('\n')[4], 'CREATE TABLE nasa.missions (id int);', 'line numbers kept');
    assert.equal(schema!.transactional, true);
    assert.deepEqual(schema!.verify, { sql: schema!.verify!.sql, file: path.join('verify', 'schema.sql'), line: 1 });
    assert.doesNotMatch(schema!.verify!.sql, /BEGIN|ROLLBACK/);
    assert.equal(missions!.verify, null);
    assert.equal(idx!.transactional, false, 'no BEGIN/COMMIT: runs outside a transaction, as Sqitch runs it');
    assert.equal(idx!.down, null, 'no revert script: irreversible');
  });

  it('a deploy script missing for a planned change is an error naming the plan line; unplanned scripts are warnings', () => {
    project({ 'deploy/stray.sql': 'SELECT 1;' });
    const set = readMigrationSet(dir, { displayRoot: dir });
    assert.match(set.warnings[0]!.message, /deploy script stray\.sql is not in sqitch\.plan/);
    fs.rmSync(path.join(dir, 'deploy', 'missions.sql'));
    const e = errorOf(() => discoverMigrations(dir, { displayRoot: dir }));
    assert.match(e.message, /change "missions" has no deploy script deploy\/missions\.sql/);
    assert.deepEqual([e.location.file, e.location.line], ['sqitch.plan', 6]);
  });

  it('one half of a BEGIN/COMMIT pair is an error at its line', () => {
    project({ 'deploy/schema.sql': 'BEGIN;\nCREATE SCHEMA nasa;\n' });
    const e = errorOf(() => discoverMigrations(dir, { displayRoot: dir }));
    assert.match(e.message, /the deploy script has only one half of its BEGIN \.\.\. COMMIT pair/);
    assert.deepEqual([e.location.file, e.location.line], [path.join('deploy', 'schema.sql'), 1]);
  });

  it('our header directives work in Sqitch scripts, "-- requires:" stays a comment', () => {
    project({ 'deploy/schema.sql': '-- requires: nothing\n-- environments: test\nBEGIN;\nCREATE SCHEMA nasa;\nCOMMIT;\n' });
    assert.deepEqual(discoverMigrations(dir)[0]!.environments, ['test']);
  });

  it('reworked changes read the name@tag scripts for the earlier instance', () => {
    write(dir, {
      'sqitch.plan': `${HEAD}f ${T}\n@v1 ${T}\nf [f@v1] ${T}\n`,
      'deploy/f@v1.sql': 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
      'deploy/f.sql': 'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;',
    });
    const ms = discoverMigrations(dir, { displayRoot: dir });
    assert.deepEqual(ms.map((m) => [m.version, m.name, m.file, m.depends]),
      [['0001', 'f', path.join('deploy', 'f@v1.sql'), []], ['0002', 'f', path.join('deploy', 'f.sql'), ['0001_f']]]);
  });

  it('parseText: deploy with its plan and revert, revert alone as a down section, verify as a plain script', () => {
    project();
    const deploy = sqitchFormat.parseText(fs.readFileSync(path.join(dir, 'deploy/missions.sql'), 'utf8'), 'x/deploy/missions.sql', 'missions.sql', { dir })!;
    assert.deepEqual([deploy.version, deploy.depends, deploy.down !== null, deploy.transactional], ['0002', ['0001_schema'], true, true]);
    const alone = sqitchFormat.parseText('CREATE TABLE t (id int);', 'deploy/t.sql', 't.sql', {})!;
    assert.deepEqual([alone.name, alone.down, alone.transactional], ['t', null, false]);
    const revert = sqitchFormat.parseText('BEGIN;\nDROP TABLE t;\nCOMMIT;', 'revert/t.sql', 't.sql', {})!;
    assert.deepEqual([revert.up, revert.downLine, revert.down!.includes('DROP TABLE t;')], ['', 1, true]);
    assert.equal(sqitchFormat.parseText('SELECT 1;', 'verify/t.sql', 't.sql', {}), null);
    assert.equal(sqitchFormat.parseText('SELECT 1;', 'notes.sql', 'notes.sql', {}), null);
    assert.deepEqual(sqitchScriptOf('deploy/nested/name.sql'), { kind: 'deploy', name: 'nested/name' });
  });
});

describe('extension tree with Flyway and Sqitch migrations', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-tree-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('items open the deploy (or V) script and name the revert (or U) script and the verify script', () => {
    write(dir, {
      'sqitch/sqitch.plan': `${HEAD}schema ${T}\nmissions [schema] ${T}\n`,
      'sqitch/deploy/schema.sql': 'CREATE SCHEMA nasa;',
      'sqitch/revert/schema.sql': 'DROP SCHEMA nasa;',
      'sqitch/verify/schema.sql': 'SELECT 1;',
      'sqitch/deploy/missions.sql': 'CREATE TABLE nasa.missions (id int);',
      'flyway/V1__a.sql': 'CREATE TABLE a (id int);',
      'flyway/U1__a.sql': 'DROP TABLE a;',
    });
    const sqitch = discoverMigrations(path.join(dir, 'sqitch'), { displayRoot: dir });
    const flyway = discoverMigrations(path.join(dir, 'flyway'), { displayRoot: dir });
    const items = migrationItems({ folderKey: 'k', environment: 'dev', root: dir, statuses: null, files: [...sqitch, ...flyway], edges: [] });
    assert.deepEqual(items.map((i) => [i.label, i.file]), [
      ['0001_schema', path.join(dir, 'sqitch', 'deploy', 'schema.sql')],
      ['0002_missions', path.join(dir, 'sqitch', 'deploy', 'missions.sql')],
      ['1_a', path.join(dir, 'flyway', 'V1__a.sql')],
    ]);
    assert.match(items[0]!.tooltip, /Down \| `sqitch\/revert\/schema\.sql`/);
    assert.match(items[0]!.tooltip, /Verify \| `sqitch\/verify\/schema\.sql`/);
    assert.match(items[1]!.tooltip, /Down \| none \(irreversible\)/);
    assert.match(items[2]!.tooltip, /Down \| `flyway\/U1__a\.sql`/);
    assert.equal(items[0]!.contextValue, 'migration.unknown.file.reversible');
  });
});
