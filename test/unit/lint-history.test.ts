/**
 * Whole-history lint (issue 16): rules see what earlier migrations built and what later ones add, from the parse
 * trees of every migration of the project (no database).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/core/config';
import { lintPaths } from '../../src/lint/project';
import type { Finding } from '../../src/lint/types';

const M = (up: string, down = '') => `-- Up migration\n${up}\n-- Down migration\n${down}\n`;

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lint-history-'));
  fs.mkdirSync(path.join(dir, 'migrations'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'migrations', name), text);
  return dir;
}

async function lint(dir: string, rule: string, cache = false): Promise<Finding[]> {
  const run = await lintPaths([], loadConfig({ cwd: dir }), dir, undefined, { cache });
  return run.findings.filter((f) => f.ruleId === rule);
}

const where = (fs_: Finding[]) => fs_.map((f) => `${path.basename(f.file)}:${f.line}`);

describe('lint: whole-history analysis', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
  const make = (files: Record<string, string>) => { const d = project(files); dirs.push(d); return d; };

  it('foreign-key-without-index: a key indexed by a later migration is not flagged', async () => {
    const dir = make({
      '001_missions.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));'),
      '002_index.sql': M('CREATE INDEX CONCURRENTLY launches_mission_idx ON launches (mission_id);').replace('-- Up migration', '-- transaction: none\n-- Up migration'),
    });
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index')), []);
  });

  it('foreign-key-without-index: without the later index the same key is flagged', async () => {
    const dir = make({
      '001_missions.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));'),
      '002_other.sql': M('CREATE INDEX CONCURRENTLY launches_id_idx ON launches (id);').replace('-- Up migration', '-- transaction: none\n-- Up migration'),
    });
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index')), ['001_missions.sql:3']);
  });

  it('foreign-key-without-index: dropping the index that covers an existing key is flagged', async () => {
    const dir = make({
      '001_missions.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));\nCREATE INDEX launches_mission_idx ON launches (mission_id);'),
      '002_drop.sql': M('SET lock_timeout = \'2s\';\nDROP INDEX launches_mission_idx;'),
      '003_other.sql': M('SELECT 1;'),
    });
    const found = await lint(dir, 'foreign-key-without-index');
    assert.deepEqual(where(found), ['002_drop.sql:3']);
    assert.match(found[0]!.message, /launches_mission_idx leaves foreign key launches \(mission_id\) → missions without an index/);
  });

  it('foreign-key-without-index: dropping an index another index still covers is not flagged', async () => {
    const dir = make({
      '001_missions.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id), at date);\n' +
        'CREATE INDEX launches_mission_idx ON launches (mission_id);\nCREATE INDEX launches_mission_at_idx ON launches (mission_id, at);'),
      '002_drop.sql': M('DROP INDEX launches_mission_idx;'),
    });
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index')), []);
  });

  it('foreign-key-without-index: a key over one new and one existing column is checked', async () => {
    const dir = make({
      '001_tables.sql': M('CREATE TABLE stations (region text, code text, PRIMARY KEY (region, code));\nCREATE TABLE readings (id bigint PRIMARY KEY, region text);\nCREATE INDEX readings_region_idx ON readings (region);'),
      '002_fk.sql': M('ALTER TABLE readings ADD COLUMN code text;\nALTER TABLE readings ADD CONSTRAINT readings_station_fk FOREIGN KEY (region, code) REFERENCES stations (region, code) NOT VALID;'),
    });
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index')), ['002_fk.sql:3']);
  });

  it('foreign-key-without-index: a key on existing columns of a table the history built without an index is flagged', async () => {
    const dir = make({
      '001_tables.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint);'),
      '002_fk.sql': M('ALTER TABLE launches ADD CONSTRAINT launches_mission_fk FOREIGN KEY (mission_id) REFERENCES missions (id) NOT VALID;'),
      '003_indexed.sql': M('CREATE TABLE crews (id bigint PRIMARY KEY, mission_id bigint);\nCREATE INDEX crews_mission_idx ON crews (mission_id);'),
      '004_fk.sql': M('ALTER TABLE crews ADD CONSTRAINT crews_mission_fk FOREIGN KEY (mission_id) REFERENCES missions (id) NOT VALID;'),
    });
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index')), ['002_fk.sql:2']);
  });

  it('changing-column-type: the old type comes from the earlier migrations when nothing was replayed', async () => {
    const dir = make({
      '001_tables.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY, name varchar(50));'),
      '002_widen.sql': M('ALTER TABLE missions ALTER COLUMN name TYPE varchar(200);'),
      '003_shrink.sql': M('ALTER TABLE missions ALTER COLUMN name TYPE varchar(20);'),
    });
    const found = await lint(dir, 'changing-column-type');
    assert.deepEqual(where(found), ['003_shrink.sql:2'], 'widening varchar(50) to varchar(200) keeps the bytes');
    assert.match(found[0]!.message, /from varchar\(200\) to varchar\(20\)/);
  });

  it('redundant-index: an index that repeats one an earlier migration made is flagged, naming that file', async () => {
    const dir = make({
      '001_tables.sql': M('CREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint, at date);\nCREATE INDEX launches_mission_at_idx ON launches (mission_id, at);'),
      '002_again.sql': M('CREATE INDEX launches_mission_idx ON launches (mission_id);\nCREATE INDEX IF NOT EXISTS launches_mission_at_idx ON launches (mission_id, at);'),
      '003_replace.sql': M('DROP INDEX launches_mission_at_idx;\nCREATE INDEX launches_at_mission_idx ON launches (mission_id, at);'),
    });
    const found = await lint(dir, 'redundant-index');
    assert.deepEqual(where(found), ['002_again.sql:2']);
    assert.match(found[0]!.message, /is a leading prefix of index "launches_mission_at_idx" on launches \(mission_id, at\) created by 001_tables\.sql/);
  });

  it('the lint cache is invalidated when another file changes what a file\'s findings depend on', async () => {
    const dir = make({
      '001_missions.sql': M('CREATE TABLE missions (id bigint PRIMARY KEY);\nCREATE TABLE launches (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));'),
      '002_index.sql': M('CREATE INDEX launches_mission_idx ON launches (mission_id);'),
    });
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index', true)), []);
    fs.writeFileSync(path.join(dir, 'migrations', '002_index.sql'), M('SELECT 1;'));
    assert.deepEqual(where(await lint(dir, 'foreign-key-without-index', true)), ['001_missions.sql:3']);
  });
});
