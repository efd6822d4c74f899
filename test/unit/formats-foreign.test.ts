import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationError } from '../../src/core/errors';
import { detectFormat, FORMATS, readMigrationSet } from '../../src/core/formats';
import { dbmateFormat } from '../../src/core/formats/dbmate';
import { golangMigrateFormat } from '../../src/core/formats/golang-migrate';
import { nodePgMigrateFormat } from '../../src/core/formats/node-pg-migrate';
import { checksumSql, repeatableVersion } from '../../src/core/migration-file';

/** The error `fn` throws (a MigrationError, exit 2). */
function refused(fn: () => unknown): MigrationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MigrationError, `a MigrationError, not ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e;
  }
  return assert.fail('expected a MigrationError');
}

describe('formats: registry', () => {
  it('keeps native first and registers golang-migrate, dbmate and node-pg-migrate', () => {
    assert.deepEqual(FORMATS.map((f) => f.name).slice(0, 4), ['native', 'golang-migrate', 'dbmate', 'node-pg-migrate']);
  });
});

describe('formats: golang-migrate parseText', () => {
  const parse = (text: string, base: string, dir?: string) => golangMigrateFormat.parseText(text, `db/${base}`, base, dir ? { dir } : {});

  it('reads an .up.sql as the whole up section from line 1, with the version before "_"', () => {
    const m = parse('CREATE TABLE missions (id bigint);\n', '0007_create_missions.up.sql')!;
    assert.equal(m.version, '0007');
    assert.equal(m.name, 'create_missions');
    assert.equal(m.up, 'CREATE TABLE missions (id bigint);\n');
    assert.equal(m.upLine, 1);
    assert.equal(m.down, null);
    assert.equal(m.downLine, null);
    assert.equal(m.transactional, true);
    assert.equal(m.format, 'golang-migrate');
    assert.equal(m.checksum, checksumSql('CREATE TABLE missions (id bigint);\n'));
  });

  it('a .down.sql alone gives up "" and its text as the down section at line 1', () => {
    const m = parse('DROP TABLE missions;\n', '0007_create_missions.down.sql')!;
    assert.equal(m.up, '');
    assert.equal(m.down, 'DROP TABLE missions;\n');
    assert.equal(m.upLine, 1);
    assert.equal(m.downLine, 1);
    assert.equal(m.downFile, 'db/0007_create_missions.down.sql');
  });

  it('honours "-- transaction: none", "-- depends:" and "-- environments:" in the leading comments', () => {
    const m = parse('-- indexes built without blocking writes\n-- transaction: none\n-- depends: 0001\n-- environments: production\nCREATE INDEX CONCURRENTLY i ON t (c);\n', '0008_idx.up.sql')!;
    assert.equal(m.transactional, false);
    assert.deepEqual(m.depends, ['0001']);
    assert.deepEqual(m.environments, ['production']);
  });

  it('refuses a misspelled directive, as native does', () => {
    const e = refused(() => parse('-- transacton: none\nSELECT 1;\n', '0008_idx.up.sql'));
    assert.equal(e.code, 'E_BAD_DIRECTIVE');
    assert.equal(e.location.line, 1);
  });

  it('reads the .down.sql beside an up file when the directory is known (so --lint can compare them)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-gm-'));
    try {
      fs.writeFileSync(path.join(dir, '0001_a.down.sql'), '-- transaction: none\nDROP INDEX CONCURRENTLY i;\n');
      const m = parse('CREATE TABLE a (id int);\n', '0001_a.up.sql', dir)!;
      assert.equal(m.down, '-- transaction: none\nDROP INDEX CONCURRENTLY i;\n');
      assert.equal(m.downFile, 'db/0001_a.down.sql');
      assert.equal(m.transactional, false, '"-- transaction: none" in the down file runs the migration outside a transaction');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('R_name.up.sql is repeatable', () => {
    const m = parse('CREATE OR REPLACE VIEW v AS SELECT 1;\n', 'R_mission_summary.up.sql')!;
    assert.equal(m.version, repeatableVersion('mission_summary'));
    assert.equal(m.repeatable, true);
  });

  it('a name that is not a golang-migrate file is not this format\'s (null)', () => {
    assert.equal(parse('SELECT 1;', '001_x.sql'), null);
    assert.equal(parse('SELECT 1;', 'notes.up.sql'), null);
  });

  it('refuses "-- depends:" in a .down.sql (it would have no effect)', () => {
    const e = refused(() => parse('-- depends: 0001\nDROP TABLE a;\n', '0002_b.down.sql'));
    assert.equal(e.code, 'E_BAD_DIRECTIVE');
    assert.match(e.message, /"-- depends:" in a \.down\.sql file has no effect/);
  });
});

describe('formats: dbmate parseText', () => {
  const parse = (text: string, base = '20240607080910_create_missions.sql') => dbmateFormat.parseText(text, `db/migrations/${base}`, base, {});

  it('splits at "-- migrate:up" / "-- migrate:down" with the lines after each marker', () => {
    const m = parse('-- migrate:up\nCREATE TABLE missions (id bigint);\n\n-- migrate:down\nDROP TABLE missions;\n')!;
    assert.equal(m.version, '20240607080910');
    assert.equal(m.name, 'create_missions');
    assert.equal(m.up, 'CREATE TABLE missions (id bigint);\n');
    assert.equal(m.upLine, 2);
    assert.equal(m.down, 'DROP TABLE missions;\n');
    assert.equal(m.downLine, 5);
    assert.equal(m.transactional, true);
    assert.equal(m.format, 'dbmate');
  });

  it('"transaction:false" on a marker runs the migration outside a transaction', () => {
    assert.equal(parse('-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n')!.transactional, false);
    assert.equal(parse('-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n')!.transactional, false);
    assert.equal(parse('-- migrate:up transaction:true\nSELECT 1;\n')!.transactional, true);
  });

  it('reads our directives from the comments above "-- migrate:up"', () => {
    const m = parse('-- depends: 20240101000000\n-- transaction: none\n-- migrate:up\nSELECT 1;\n')!;
    assert.deepEqual(m.depends, ['20240101000000']);
    assert.equal(m.transactional, false);
  });

  it('a file without "-- migrate:down" is irreversible (down null)', () => {
    assert.equal(parse('-- migrate:up\nSELECT 1;\n')!.down, null);
  });

  it('names each refused file: no up marker, SQL outside the sections, order, duplicates, unknown option', () => {
    let e = refused(() => parse('CREATE TABLE t (id int);\n'));
    assert.equal(e.code, 'E_MISSING_UP_MARKER');
    assert.equal(e.message, 'no "-- migrate:up" marker found');
    e = refused(() => parse('-- a comment\nSELECT 1;\n-- migrate:up\nSELECT 2;\n'));
    assert.match(e.message, /SQL appears before the "-- migrate:up" marker/);
    assert.equal(e.location.line, 2);
    e = refused(() => parse('-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 2;\n'));
    assert.equal(e.code, 'E_MARKER_ORDER');
    assert.equal(e.location.line, 3);
    e = refused(() => parse('-- migrate:up\nSELECT 1;\n-- migrate:up\n'));
    assert.equal(e.code, 'E_DUPLICATE_MARKER');
    e = refused(() => parse('-- migrate:up transaction:flase\nSELECT 1;\n'));
    assert.equal(e.code, 'E_BAD_DIRECTIVE');
    assert.match(e.message, /"transaction:flase" on the "-- migrate:up" line is not a dbmate option/);
  });

  it('reads x.sql.sql as x.sql (the warning comes from read), and R_name.sql as repeatable', () => {
    assert.equal(parse('-- migrate:up\nSELECT 1;\n', '20240607080910_seed_planets.sql.sql')!.name, 'seed_planets');
    const r = parse('-- migrate:up\nCREATE OR REPLACE VIEW v AS SELECT 1;\n', 'R_views.sql')!;
    assert.equal(r.repeatable, true);
    assert.equal(r.version, 'R_views');
  });

  it('a native marker is not a dbmate marker, and a name without digits is not a dbmate file', () => {
    assert.equal(refused(() => parse('-- Up migration\nSELECT 1;\n')).message, 'no "-- migrate:up" marker found');
    assert.equal(parse('-- migrate:up\nSELECT 1;\n', 'schema.sql'), null);
  });
});

describe('formats: node-pg-migrate parseText', () => {
  const parse = (text: string, base = '1717747750000_create-missions.sql') => nodePgMigrateFormat.parseText(text, `migrations/${base}`, base, {});

  it('reads "-- Up Migration" / "-- Down Migration" with node-pg-migrate names (13-digit versions, dashes)', () => {
    const m = parse('-- Up Migration\nCREATE TABLE missions (id bigint);\n-- Down Migration\nDROP TABLE missions;\n')!;
    assert.equal(m.version, '1717747750000');
    assert.equal(m.name, 'create-missions');
    assert.equal(m.upLine, 2);
    assert.equal(m.downLine, 4);
    assert.equal(m.format, 'node-pg-migrate');
  });

  it('accepts the UTC YYYYMMDDHHmmssSSS prefix and any marker casing', () => {
    const m = parse('-- up migration\nSELECT 1;\n', '20240607080910123_add.seed.sql')!;
    assert.equal(m.version, '20240607080910123');
    assert.equal(m.name, 'add.seed');
  });

  it('refuses a file without "-- Up Migration", and JS files are not SQL migrations (null)', () => {
    assert.equal(refused(() => parse('SELECT 1;\n')).code, 'E_MISSING_UP_MARKER');
    assert.equal(parse('', '1717747750000_create.js'), null);
  });
});

describe('formats: reading directories', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-formats-')); fs.mkdirSync(path.join(dir, 'migrations')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'migrations', name), text);
  const read = (format?: 'auto' | 'golang-migrate' | 'dbmate' | 'node-pg-migrate' | 'native') =>
    readMigrationSet(path.join(dir, 'migrations'), { displayRoot: dir, format });

  it('golang-migrate: pairs, an up without a down is irreversible, detection', () => {
    write('1_a.up.sql', 'CREATE TABLE a (id int);\n');
    write('1_a.down.sql', 'DROP TABLE a;\n');
    write('2_b.up.sql', 'CREATE TABLE b (id int);\n');
    assert.equal(detectFormat(path.join(dir, 'migrations')).name, 'golang-migrate');
    const { migrations, format } = read();
    assert.equal(format, 'golang-migrate');
    assert.deepEqual(migrations.map((m) => [m.version, m.name, m.file, m.downFile ?? null, m.down]), [
      ['1', 'a', 'migrations/1_a.up.sql', 'migrations/1_a.down.sql', 'DROP TABLE a;\n'],
      ['2', 'b', 'migrations/2_b.up.sql', null, null],
    ]);
  });

  it('golang-migrate: a .down.sql without its .up.sql is an error naming it', () => {
    write('1_a.up.sql', 'SELECT 1;\n');
    write('2_b.down.sql', 'SELECT 1;\n');
    const e = refused(() => read());
    assert.equal(e.code, 'E_UNPAIRED_FILE');
    assert.equal(e.format().split('\n')[0], 'migrations/2_b.down.sql: "2_b.down.sql" has no "2_b.up.sql" beside it');
  });

  it('golang-migrate: a name that does not fit is refused with the expected pattern', () => {
    write('1_a.up.sql', 'SELECT 1;\n');
    write('notes.sql', 'SELECT 1;\n');
    const e = refused(() => read());
    assert.equal(e.code, 'E_BAD_FILENAME');
    assert.equal(e.message, '"notes.sql" is not a golang-migrate migration file name');
    assert.match(e.hint, /NNN_name\.up\.sql/);
  });

  it('golang-migrate: two pairs with one version are a duplicate version', () => {
    write('1_a.up.sql', 'SELECT 1;\n');
    write('01_b.up.sql', 'SELECT 1;\n');
    assert.equal(refused(() => read()).code, 'E_DUPLICATE_VERSION');
  });

  it('dbmate: detected from "-- migrate:up", x.sql.sql read with a warning', () => {
    write('20240101000000_a.sql', '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n');
    write('20240102000000_b.sql.sql', '-- migrate:up\nCREATE TABLE b (id int);\n');
    assert.equal(detectFormat(path.join(dir, 'migrations')).name, 'dbmate');
    const { migrations, warnings } = read();
    assert.deepEqual(migrations.map((m) => m.name), ['a', 'b']);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.file, 'migrations/20240102000000_b.sql.sql');
    assert.match(warnings[0]!.message, /ends in "\.sql\.sql"/);
    assert.match(warnings[0]!.hint, /rename it to 20240102000000_b\.sql/);
  });

  it('dbmate: a file without a version is refused by name', () => {
    write('20240101000000_a.sql', '-- migrate:up\nSELECT 1;\n');
    write('cleanup.sql', '-- migrate:up\nSELECT 1;\n');
    const e = refused(() => read('dbmate'));
    assert.equal(e.message, '"cleanup.sql" is not a dbmate migration file name');
  });

  it('node-pg-migrate: detected from 13-digit versions; JS/TS migrations are reported by name', () => {
    write('1717747750000_create-missions.sql', '-- Up Migration\nCREATE TABLE missions (id int);\n-- Down Migration\nDROP TABLE missions;\n');
    assert.equal(detectFormat(path.join(dir, 'migrations')).name, 'node-pg-migrate');
    assert.equal(read().migrations.length, 1);
    write('1717747760000_add-crew.js', 'exports.up = (pgm) => {};\n');
    write('1717747770000_add-launches.ts', 'export async function up() {}\n');
    write('README.md', 'notes');
    const e = refused(() => read());
    assert.equal(e.code, 'E_UNSUPPORTED_FILE');
    assert.equal(e.message, '2 JavaScript/TypeScript migrations cannot be run (only node-pg-migrate\'s SQL migrations can): 1717747760000_add-crew.js, 1717747770000_add-launches.ts');
    assert.match(e.hint, /--migration-file-language sql/);
    assert.equal(e.location.file, 'migrations/1717747760000_add-crew.js');
  });

  it('node-pg-migrate: a JS migration alone makes the directory node-pg-migrate (never silently native)', () => {
    write('001_a.sql', '-- Up Migration\nSELECT 1;\n');
    write('1717747760000_add-crew.js', 'exports.up = () => {};\n');
    assert.equal(detectFormat(path.join(dir, 'migrations')).name, 'node-pg-migrate');
  });

  it('native keeps its projects: 3-digit and 14-digit versions, "-- Up Migration" casing, dashes', () => {
    write('001_create-missions.sql', '-- Up Migration\nSELECT 1;\n');
    write('20240102030405_add-x.sql', '-- Up Migration\nSELECT 1;\n');
    assert.equal(detectFormat(path.join(dir, 'migrations')).name, 'native');
  });

  it('the "format" setting overrides detection', () => {
    write('1717747750000_a.sql', '-- Up Migration\nSELECT 1;\n');
    assert.equal(read().format, 'node-pg-migrate');
    assert.equal(read('native').format, 'native');
    assert.equal(read('native').migrations[0]!.format, undefined);
  });
});
