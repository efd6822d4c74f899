import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectFormat, discoverMigrations, FORMATS, readMigrationSet } from '../../src/core/formats';
import { flywayFormat, parseFlywayName, readScriptConfig } from '../../src/core/formats/flyway';
import { replacePlaceholders } from '../../src/core/formats/flyway-placeholders';
import { checksumSql } from '../../src/core/migration-file';

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

const history = { schema: 'public', table: 'database_migrations' };

describe('Flyway format', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-flyway-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('reads versions with "." or "_" parts as dotted versions, U files as downs, R__ files as repeatables', () => {
    write(dir, {
      'V1__create_missions.sql': 'CREATE TABLE missions (id int);\n',
      'V1_1__add_name.sql': 'ALTER TABLE missions ADD name text;\n',
      'U1_1__add_name.sql': 'ALTER TABLE missions DROP name;\n',
      'V1.2__more.sql': 'SELECT 1;\n',
      'R__mission_view.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;\n',
    });
    const ms = discoverMigrations(dir, { format: 'flyway' });
    assert.deepEqual(ms.map((m) => [m.version, m.name]), [['1', 'create_missions'], ['1.1', 'add_name'], ['1.2', 'more'], ['R_mission_view', 'mission_view']]);
    const addName = ms[1]!;
    assert.equal(addName.down, 'ALTER TABLE missions DROP name;\n');
    assert.equal(addName.downFile, path.join(dir, 'U1_1__add_name.sql'));
    assert.equal(addName.downLine, 1);
    assert.equal(ms[0]!.down, null, 'no U file: irreversible');
    assert.equal(ms[3]!.repeatable, true);
    assert.equal(ms[3]!.down, null);
    assert.ok(ms.every((m) => m.format === 'flyway' && m.upLine === 1));
  });

  it('is detected from V/R names, and native stays native', () => {
    write(dir, { 'V1__a.sql': 'SELECT 1;' });
    assert.equal(detectFormat(dir).name, 'flyway');
    const native = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-native-'));
    try {
      write(native, { '001_a.sql': '-- Up migration\nSELECT 1;', 'R_view.sql': '-- Up migration\nSELECT 1;' });
      assert.equal(detectFormat(native).name, 'native');
    } finally {
      fs.rmSync(native, { recursive: true, force: true });
    }
  });

  it('reads subdirectories, as Flyway scans a location recursively', () => {
    write(dir, { 'V1__a.sql': 'SELECT 1;', 'release2/V2__b.sql': 'SELECT 2;' });
    assert.deepEqual(discoverMigrations(dir, { format: 'flyway' }).map((m) => m.version), ['1', '2']);
  });

  it('refuses other names, callbacks, baseline files, orphan and duplicate undo scripts by name', () => {
    write(dir, { 'V1__a.sql': 'SELECT 1;', 'notes.sql': 'SELECT 1;' });
    assert.match(errorOf(() => discoverMigrations(dir, { format: 'flyway' })).message, /"notes\.sql" is not a Flyway migration file name/);
    fs.rmSync(path.join(dir, 'notes.sql'));
    write(dir, { 'afterMigrate.sql': 'SELECT 1;' });
    assert.match(errorOf(() => discoverMigrations(dir, { format: 'flyway' })).message, /"afterMigrate\.sql" is a Flyway callback script/);
    fs.rmSync(path.join(dir, 'afterMigrate.sql'));
    write(dir, { 'B2__baseline.sql': 'SELECT 1;' });
    assert.match(errorOf(() => discoverMigrations(dir, { format: 'flyway' })).message, /baseline migration/);
    fs.rmSync(path.join(dir, 'B2__baseline.sql'));
    write(dir, { 'U3__gone.sql': 'SELECT 1;' });
    const orphan = errorOf(() => discoverMigrations(dir, { format: 'flyway' }));
    assert.match(orphan.message, /undo script .*U3__gone\.sql has no versioned migration V3__\.\.\.sql/);
    fs.rmSync(path.join(dir, 'U3__gone.sql'));
    write(dir, { 'V1.0__same.sql': 'SELECT 1;' });
    assert.match(errorOf(() => discoverMigrations(dir, { format: 'flyway' })).message, /version 1\.0 is used by two files|version 1 is used by two files/);
  });

  it('a script config file with executeInTransaction=false, or our header directive, runs it outside a transaction', () => {
    write(dir, {
      'V1__a.sql': 'CREATE TABLE t (id int);',
      'V2__index.sql': 'CREATE INDEX CONCURRENTLY t_id ON t (id);',
      'V2__index.sql.conf': '# Flyway script config\nexecuteInTransaction=false\n',
      'V3__index2.sql': '-- transaction: none\n-- depends: 1\nCREATE INDEX CONCURRENTLY t_id2 ON t (id);',
    });
    const ms = discoverMigrations(dir, { format: 'flyway' });
    assert.deepEqual(ms.map((m) => m.transactional), [true, false, false]);
    assert.deepEqual(ms[2]!.depends, ['1']);
    assert.deepEqual(readScriptConfig('executeInTransaction = true', 'x.conf'), { executeInTransaction: true });
    const bad = errorOf(() => readScriptConfig('\nshouldExecute=false', 'x.conf'));
    assert.match(bad.message, /"shouldExecute=false" is not a script setting/);
    assert.equal(bad.location.line, 2);
  });

  it('a misspelled header directive is refused as in native files', () => {
    write(dir, { 'V1__a.sql': '-- transacton: none\nSELECT 1;' });
    assert.match(errorOf(() => discoverMigrations(dir, { format: 'flyway' })).message, /did you mean "-- transaction:"/);
  });

  it('a script may carry its own down after our "-- Down migration" marker, but not beside a U file', () => {
    write(dir, { 'R__v.sql': 'CREATE VIEW v AS SELECT 1;\n-- Down migration\nDROP VIEW v;\n' });
    const [v] = discoverMigrations(dir, { format: 'flyway' });
    assert.equal(v!.up, 'CREATE VIEW v AS SELECT 1;');
    assert.equal(v!.down, 'DROP VIEW v;\n');
    assert.equal(v!.downLine, 3);
    write(dir, { 'V1__a.sql': 'SELECT 1;\n-- Down migration\nSELECT 2;', 'U1__a.sql': 'SELECT 3;' });
    assert.match(errorOf(() => discoverMigrations(dir, { format: 'flyway' })).message, /has a "-- Down migration" section and an undo script/);
  });

  it('replaces placeholders before the checksum, so a new value changes it', () => {
    write(dir, { 'R__grants.sql': 'GRANT SELECT ON missions TO ${reader};\n' });
    const a = discoverMigrations(dir, { format: 'flyway', placeholders: { reader: 'analyst' } })[0]!;
    const b = discoverMigrations(dir, { format: 'flyway', placeholders: { READER: 'auditor' } })[0]!;
    assert.equal(a.up, 'GRANT SELECT ON missions TO analyst;\n');
    assert.equal(b.up, 'GRANT SELECT ON missions TO auditor;\n', 'placeholder names match case-insensitively');
    assert.notEqual(a.checksum, b.checksum);
    assert.equal(a.checksum, checksumSql(a.up));
  });

  it('knows Flyway\'s built-in placeholders it can know, and refuses the others by name', () => {
    const ctx = { values: {}, baseName: 'V1__a.sql', history, repeatable: false };
    assert.equal(replacePlaceholders('${flyway:filename} ${flyway:table} ${flyway:defaultSchema}', 'f', ctx), 'V1__a.sql database_migrations public');
    assert.match(replacePlaceholders('-- ${flyway:timestamp}', 'f', { ...ctx, repeatable: true }), /^-- \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const ts = errorOf(() => replacePlaceholders('SELECT 1;\nSELECT \'${flyway:timestamp}\';', 'V1__a.sql', ctx));
    assert.match(ts.message, /\$\{flyway:timestamp\} in a versioned migration/);
    assert.equal(ts.location.line, 2);
    const user = errorOf(() => replacePlaceholders('GRANT x TO ${flyway:user};', 'V1__a.sql', ctx));
    assert.match(user.message, /\$\{flyway:user\} is Flyway's placeholder for the user the migration connects as/);
    assert.match(user.hint, /"placeholders": \{"flyway:user": "\.\.\."\}/);
    assert.equal(replacePlaceholders('${flyway:user}', 'f', { ...ctx, values: { 'flyway:user': 'app' } }), 'app', 'a configured value wins');
  });

  it('an unknown placeholder is an error naming the file, the line and the config key', () => {
    write(dir, { 'V1__a.sql': 'SELECT 1;\n\nINSERT INTO ${schema}.missions VALUES (1);' });
    const e = errorOf(() => discoverMigrations(dir, { format: 'flyway', displayRoot: dir }));
    assert.equal(e.message, 'no value for placeholder ${schema}');
    assert.match(e.hint, /set "placeholders": \{"schema": "\.\.\."\} in database-migration\.config\.json/);
    assert.equal(e.location.file, 'V1__a.sql');
    assert.equal(e.location.line, 3);
  });

  it('parseText: a V file with its U file, a U file alone as a down section, names it does not own refused', () => {
    write(dir, { 'V2__b.sql': 'CREATE TABLE b (id int);', 'U2__b.sql': 'DROP TABLE b;' });
    const v = flywayFormat.parseText('CREATE TABLE b (id int);', 'db/V2__b.sql', 'V2__b.sql', { dir })!;
    assert.equal(v.version, '2');
    assert.equal(v.down, 'DROP TABLE b;');
    assert.equal(v.downFile, path.join(dir, 'U2__b.sql'));
    const alone = flywayFormat.parseText('CREATE TABLE b (id int);', 'V2__b.sql', 'V2__b.sql', {})!;
    assert.equal(alone.down, null);
    const u = flywayFormat.parseText('\nDROP TABLE b;', 'U2__b.sql', 'U2__b.sql', {})!;
    assert.deepEqual([u.up, u.down, u.upLine, u.downLine], ['', '\nDROP TABLE b;', 1, 1]);
    assert.equal(parseFlywayName('V1_2_3__x.sql', 'f').kind, 'versioned');
    assert.match(errorOf(() => flywayFormat.parseText('SELECT 1;', 'v1__x.sql', 'v1__x.sql', {})).message, /not a Flyway migration file name/);
  });

  it('readMigrationSet reports the format', () => {
    write(dir, { 'V1__a.sql': 'SELECT 1;' });
    assert.equal(readMigrationSet(dir).format, 'flyway');
  });
});

describe('formats registry', () => {
  it('registers Flyway and Sqitch after native', () => {
    const names = FORMATS.map((f) => f.name);
    assert.equal(names[0], 'native');
    assert.ok(names.includes('flyway') && names.includes('sqitch'), names.join(', '));
  });
});
