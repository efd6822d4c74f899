import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { nextVersion } from '../../src/core/create';
import { crc32, flywayChecksum, sqitchScriptHash } from '../../src/core/import/checksums';
import { nativeFileName, nativeText } from '../../src/core/import/convert';
import { interpretToolRows, type ToolHistoryOptions } from '../../src/core/import/tool-history';
import { parseToolSpec, type FlywayRow } from '../../src/core/import/tools';
import { parseMigrationFile, type MigrationFile } from '../../src/core/migration-file';

function file(version: string, name: string, up = `SELECT ${version};`, extra: Partial<MigrationFile> = {}): MigrationFile {
  return { version, name, file: `migrations/${version}_${name}.sql`, up, down: null, upLine: 2, downLine: null, depends: [], transactional: true,
    environments: null, checksum: `sum-${version}`, ...extra };
}

const RAW: Record<string, string> = {};
const options: ToolHistoryOptions = { readRaw: (f) => (RAW[f.file] === undefined ? null : Buffer.from(RAW[f.file]!)) };

function fw(rank: number, version: string | null, type: string, script: string, extra: Partial<FlywayRow> = {}): FlywayRow {
  return { installedRank: rank, version, description: script.replace(/^[VRU][^_]*__|\.sql$/g, '').replace(/_/g, ' '), type, script, checksum: null,
    installedBy: 'fly', installedOn: new Date('2024-01-01T00:00:00Z'), executionTime: 3, success: true, ...extra };
}

describe('history import: checksums', () => {
  it('CRC-32 is the IEEE one java.util.zip.CRC32 computes', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
  });

  it("Flyway's checksum ignores line endings and a byte order mark, and is signed", () => {
    const lf = flywayChecksum('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n');
    assert.equal(flywayChecksum('CREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1);\r\n'), lf);
    assert.equal(flywayChecksum('\ufeffCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);'), lf);
    assert.equal(lf, crc32(Buffer.from('CREATE TABLE a (id int);INSERT INTO a VALUES (1);')) | 0);
    assert.ok(Number.isInteger(lf) && lf >= -(2 ** 31) && lf < 2 ** 31);
    assert.notEqual(flywayChecksum('SELECT 1;'), flywayChecksum('SELECT 2;'));
  });

  it("Sqitch's script_hash is the SHA-1 of the bytes (an empty script: da39a3ee…)", () => {
    assert.equal(sqitchScriptHash(Buffer.alloc(0)), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.equal(sqitchScriptHash(Buffer.from('BEGIN;\r\n')), createHash('sha1').update('BEGIN;\r\n').digest('hex'));
  });
});

describe('history import: reading the tools\' rows', () => {
  const files = [file('1', 'a'), file('2', 'b'), file('3', 'c'), file('R_v', 'v', 'CREATE VIEW v AS SELECT 1;', { repeatable: true, file: 'migrations/R__v.sql' })];

  it('golang-migrate: everything at or below the version; the current one dirty; a version without a file recorded missing', () => {
    const r = interpretToolRows({ tool: 'golang-migrate', rows: [{ version: '2', dirty: true }] }, files, options);
    assert.deepEqual(r.map((x) => [x.version, x.dirty, !!x.file]), [['1', false, true], ['2', true, true]]);
    const gone = interpretToolRows({ tool: 'golang-migrate', rows: [{ version: '7', dirty: false }] }, files, options);
    assert.deepEqual(gone.map((x) => [x.version, !!x.file]), [['1', true], ['2', true], ['3', true], ['7', false]]);
    assert.deepEqual(interpretToolRows({ tool: 'golang-migrate', rows: [] }, files, options), []);
    assert.throws(() => interpretToolRows({ tool: 'golang-migrate', rows: [{ version: '1', dirty: false }, { version: '2', dirty: false }] }, files, options),
      /holds 2 rows .*golang-migrate keeps exactly one/);
  });

  it('Flyway: latest row per version, undo and delete take it back, a failed row is dirty, baseline covers what is below it', () => {
    const rows = [
      fw(0, null, 'SCHEMA', '"public"'),
      fw(1, '1', 'BASELINE', '<< Flyway Baseline >>'),
      fw(2, '2', 'SQL', 'V2__b.sql', { checksum: 5 }),
      fw(3, '3', 'SQL', 'V3__c.sql', { success: false }),
      fw(4, '2', 'UNDO_SQL', 'U2__b.sql'),
      fw(5, '2', 'SQL', 'V2__b.sql', { checksum: flywayChecksum('SELECT 2;') }),
      fw(6, null, 'SQL', 'R__v.sql', { checksum: 1 }),
      fw(7, null, 'SQL', 'R__v.sql', { checksum: flywayChecksum('CREATE VIEW v AS SELECT 1;') }),
      fw(8, '9', 'SQL', 'V9__gone.sql'),
      fw(9, '9', 'DELETE', 'V9__gone.sql'),
    ];
    RAW['migrations/2_b.sql'] = 'SELECT 2;';
    RAW['migrations/R__v.sql'] = 'CREATE VIEW v AS SELECT 1;\n';
    const r = interpretToolRows({ tool: 'flyway', rows }, files, options);
    assert.deepEqual(r.map((x) => [x.version, x.dirty, x.checksumMatches, x.source.replace(/ \(.*$/, '')]), [
      ['1', false, null, 'flyway_schema_history baseline 1'],
      ['2', false, true, 'flyway_schema_history rank 5'],
      ['3', true, null, 'flyway_schema_history rank 3'],
      ['R_v', false, true, 'flyway_schema_history rank 7'],
    ]);
    RAW['migrations/R__v.sql'] = 'CREATE VIEW v AS SELECT 2;\n';
    const edited = files.map((f) => (f.repeatable ? { ...f, up: 'CREATE VIEW v AS SELECT 2;' } : f));
    const changed = interpretToolRows({ tool: 'flyway', rows }, edited, options).find((x) => x.version === 'R_v')!;
    assert.equal(changed.checksumMatches, false, 'an edited repeatable no longer matches: it is applied again');
  });

  it('Sqitch: each deployed version of a reworked change takes the plan entry its hash names; a change not in the plan gets a version before every planned one', () => {
    const row = (id: string, change: string, hash: string, at: string) => ({ changeId: id, scriptHash: hash, change, project: 'p', committedAt: new Date(at), committerName: 'Ada' });
    const reworked = [...files, file('4', 'a', 'SELECT 4;', { file: 'deploy/a@v1.sql' })];
    RAW['migrations/1_a.sql'] = 'SELECT 1;';
    RAW['deploy/a@v1.sql'] = 'SELECT 1; -- reworked';
    const h1 = sqitchScriptHash(Buffer.from('SELECT 1;'));
    const h4 = sqitchScriptHash(Buffer.from('SELECT 1; -- reworked'));
    const rows = [row('x2', 'a', h4, '2024-01-02'), row('x1', 'a', h1, '2024-01-01'), row('x3', 'dropped/thing', 'zz', '2024-01-03')];
    const r = interpretToolRows({ tool: 'sqitch', rows }, reworked, options);
    assert.deepEqual(r.map((x) => [x.version, x.name, x.checksumMatches, /\((x\d)\)$/.exec(x.source)?.[1]]),
      [['0.1', 'dropped_thing', null, 'x3'], ['1', 'a', true, 'x1'], ['4', 'a', true, 'x2']]);
    const edited = interpretToolRows({ tool: 'sqitch', rows: [row('x1', 'a', 'other', '2024-01-01')] }, files, options);
    assert.deepEqual(edited.map((x) => [x.version, x.checksumMatches]), [['1', false]]);
    assert.throws(() => interpretToolRows({ tool: 'sqitch', rows: [row('x1', 'a', h1, '2024-01-01'), { ...row('y', 'b', 'h', '2024-01-01'), project: 'q' }] }, files, options),
      /changes of 2 projects \(p, q\) and sqitch\.plan names none/);
  });

  it('node-pg-migrate and dbmate: a row without a file keeps the version its name gives', () => {
    const n = interpretToolRows({ tool: 'node-pg-migrate', rows: [{ id: 1, name: '1_a', runOn: new Date() }, { id: 2, name: '1700000000000_add-x', runOn: new Date() }] }, files, options);
    assert.deepEqual(n.map((x) => [x.version, x.name, !!x.file]), [['1', 'a', true], ['1700000000000', 'add-x', false]]);
    const d = interpretToolRows({ tool: 'dbmate', rows: [{ version: '0003' }, { version: '20240101' }] }, files, options);
    assert.deepEqual(d.map((x) => [x.version, !!x.file]), [['3', true], ['20240101', false]]);
  });

  it('TOOL[:SCHEMA[.TABLE]] names where the table is', () => {
    assert.deepEqual(parseToolSpec('flyway'), { tool: 'flyway', schema: 'public', table: 'flyway_schema_history' });
    assert.deepEqual(parseToolSpec('Sqitch'), { tool: 'sqitch', schema: 'sqitch', table: 'changes' });
    assert.deepEqual(parseToolSpec('flyway:app'), { tool: 'flyway', schema: 'app', table: 'flyway_schema_history' });
    assert.deepEqual(parseToolSpec('dbmate:app.my_versions'), { tool: 'dbmate', schema: 'app', table: 'my_versions' });
    assert.throws(() => parseToolSpec('liquibase'), /"liquibase" is not a tool whose history can be imported/);
    assert.throws(() => parseToolSpec('flyway:.x'), /does not name a schema and table/);
  });
});

describe('history import: --convert to native', () => {
  it('writes directives, up and down so the file reads back with the same checksum', () => {
    const m = parseMigrationFile('-- Up migration\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- Down migration\nDROP INDEX CONCURRENTLY i;\n', 'x/5_i.sql', '5_i.sql');
    const source: MigrationFile = { ...m, transactional: false, depends: ['create_t'], environments: ['production'], format: 'dbmate', file: 'db/migrations/5_i.sql' };
    const text = nativeText(source, 'dbmate');
    const back = parseMigrationFile(text, '5_i.sql', '5_i.sql');
    assert.equal(back.checksum, m.checksum);
    assert.equal(back.transactional, false);
    assert.deepEqual(back.depends, ['create_t']);
    assert.deepEqual(back.environments, ['production']);
    assert.match(back.down!, /DROP INDEX CONCURRENTLY i;/);
    assert.match(text, /^-- Converted from db\/migrations\/5_i\.sql \(dbmate\)/);
  });

  it('keeps versions (dotted ones too), names repeatables R_name and makes names fit', () => {
    assert.equal(nativeFileName({ version: '1.2.10', name: 'add_x', file: 'V1_2_10__add_x.sql' }), '1.2.10_add_x.sql');
    assert.equal(nativeFileName({ version: '0003', name: 'tables/users', file: 'deploy/tables/users.sql' }), '0003_tables_users.sql');
    assert.equal(nativeFileName({ version: 'R_views', name: 'views', repeatable: true, file: 'R__views.sql' }), 'R_views.sql');
    assert.throws(() => nativeFileName({ version: 'abc', name: 'x', file: 'x.sql' }), /version "abc" cannot be a native file name's version/);
    const dotted = parseMigrationFile('-- Up migration\nSELECT 1;\n', 'm/1.2.10_add_x.sql', '1.2.10_add_x.sql');
    assert.equal(dotted.version, '1.2.10');
  });

  it('--create numbers after dotted and repeatable versions', () => {
    assert.equal(nextVersion(['1.1', '1.2.10', '2', 'R_views'], 'sequential'), '003');
  });
});
