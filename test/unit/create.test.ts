import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../src/core/config';
import { createMigration, listTemplates, nextVersion, toSnakeName } from '../../src/core/create';
import { MigrationError, type ErrorCode } from '../../src/core/errors';
import { isReversible, parseMigrationFile } from '../../src/core/migration-file';

function expectMigrationError(fn: () => unknown, code: ErrorCode): MigrationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MigrationError, `expected a MigrationError, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code} to be thrown`);
}

const tempDirs: string[] = [];
function project(extra: Partial<Config> = {}): Config {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-create-'));
  tempDirs.push(d);
  return { ...loadConfig({ cwd: d }), ...extra };
}
after(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('toSnakeName', () => {
  const cases: [string, string][] = [
    ['CreateSpaceObjects', 'create_space_objects'],
    ['create space-objects', 'create_space_objects'],
    ['create_space_objects', 'create_space_objects'],
    ['  add  observations  ', 'add_observations'],
    ['add_index.sql', 'add_index'],
    ['HTTPServerLog', 'http_server_log'],
    ['addIDColumn', 'add_id_column'],
    ['v2Schema', 'v2_schema'],
    ['__weird--name!!', 'weird_name'],
    ['ÄÖÜ', ''],
    ['', ''],
  ];
  for (const [raw, want] of cases) {
    it(`${JSON.stringify(raw)} -> ${JSON.stringify(want)}`, () => {
      assert.equal(toSnakeName(raw), want);
    });
  }
});

describe('nextVersion', () => {
  it('starts at 001', () => {
    assert.equal(nextVersion([], 'sequential'), '001');
  });

  it('is max + 1 with 3-digit padding', () => {
    assert.equal(nextVersion(['001', '002'], 'sequential'), '003');
    assert.equal(nextVersion(['001', '009'], 'sequential'), '010');
    assert.equal(nextVersion(['5', '2'], 'sequential'), '006');
  });

  it('uses the maximum, not the last or the count', () => {
    assert.equal(nextVersion(['010', '002', '003'], 'sequential'), '011');
  });

  it('grows past 999 without truncating', () => {
    assert.equal(nextVersion(['999'], 'sequential'), '1000');
  });

  it('keeps a wider padding used by the project', () => {
    assert.equal(nextVersion(['0001', '0002'], 'sequential'), '0003');
    assert.equal(nextVersion(['00042'], 'sequential'), '00043');
  });

  it('ignores timestamp versions when numbering sequentially', () => {
    assert.equal(nextVersion(['001', '20240101000000'], 'sequential'), '002');
  });

  it('timestamp numbering uses the UTC time as YYYYMMDDHHMMSS', () => {
    const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(nextVersion([], 'timestamp', now), '20240102030405');
    assert.equal(nextVersion(['001'], 'timestamp', new Date(Date.UTC(2025, 11, 31, 23, 59, 59))), '20251231235959');
  });

  it('timestamp numbering bumps by a second on collision, repeatedly', () => {
    const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(nextVersion(['20240102030405'], 'timestamp', now), '20240102030406');
    assert.equal(nextVersion(['20240102030405', '20240102030406', '20240102030407'], 'timestamp', now), '20240102030408');
  });
});

describe('createMigration', () => {
  it('lists the built-in templates', () => {
    const names = listTemplates(project());
    assert.ok(names.includes('blank'), names.join(','));
    assert.ok(names.includes('create-table'), names.join(','));
  });

  it('writes migrations/001_name.sql from the blank template and the file parses', () => {
    const c = project();
    const r = createMigration(c, 'AddObservations');
    assert.equal(r.version, '001');
    assert.equal(r.name, 'add_observations');
    assert.equal(r.template, 'blank');
    assert.equal(r.path, path.join(c.migrationsDir, '001_add_observations.sql'));
    const text = fs.readFileSync(r.path, 'utf8');
    assert.ok(!text.includes('{{'), text);
    assert.ok(text.includes('001_add_observations'), text);
    const m = parseMigrationFile(text, r.path);
    assert.equal(m.version, '001');
    assert.equal(m.name, 'add_observations');
    assert.notEqual(m.down, null);
  });

  it('writes from the create-table template with the table name filled in', () => {
    const c = project();
    const r = createMigration(c, 'create_observations', { template: 'create-table' });
    const text = fs.readFileSync(r.path, 'utf8');
    assert.match(text, /CREATE TABLE IF NOT EXISTS observations \(/);
    assert.match(text, /DROP TABLE IF EXISTS observations;/);
    assert.ok(!text.includes('{{'));
    const m = parseMigrationFile(text, r.path);
    assert.match(m.up, /CREATE TABLE IF NOT EXISTS observations/);
    assert.equal(isReversible(m), true);
  });

  it('numbers after the existing migrations', () => {
    const c = project();
    fs.mkdirSync(c.migrationsDir, { recursive: true });
    fs.writeFileSync(path.join(c.migrationsDir, '007_old.sql'), '-- Up migration\nSELECT 1;\n');
    const r = createMigration(c, 'next one');
    assert.equal(path.basename(r.path), '008_next_one.sql');
    const r2 = createMigration(c, 'and another');
    assert.equal(path.basename(r2.path), '009_and_another.sql');
  });

  it('uses timestamp numbering when configured', () => {
    const c = project({ numbering: 'timestamp' });
    const now = new Date(Date.UTC(2024, 5, 7, 8, 9, 10));
    const r1 = createMigration(c, 'first', { now });
    const r2 = createMigration(c, 'second', { now });
    assert.equal(path.basename(r1.path), '20240607080910_first.sql');
    assert.equal(path.basename(r2.path), '20240607080911_second.sql');
  });

  it('uses a project template from templatesDir before the built-in ones', () => {
    const c = project();
    const tdir = path.join(c.root, 'templates');
    fs.mkdirSync(tdir);
    fs.writeFileSync(path.join(tdir, 'blank.sql'), '-- mine {{name}} {{version}}\n-- Up migration\nSELECT 1;\n');
    const c2 = { ...c, templatesDir: tdir };
    const r = createMigration(c2, 'x');
    assert.equal(fs.readFileSync(r.path, 'utf8'), '-- mine x 001\n-- Up migration\nSELECT 1;\n');
  });

  it('an unknown template is E_TEMPLATE_NOT_FOUND listing the available names, and writes nothing', () => {
    const c = project();
    const e = expectMigrationError(() => createMigration(c, 'x', { template: 'nope' }), 'E_TEMPLATE_NOT_FOUND');
    assert.match(e.message, /"nope"/);
    assert.match(e.hint, /blank/);
    assert.match(e.hint, /create-table/);
    assert.ok(!fs.existsSync(c.migrationsDir) || fs.readdirSync(c.migrationsDir).length === 0);
  });

  it('a name already used is E_MIGRATION_EXISTS and the existing file is untouched', () => {
    const c = project();
    const first = createMigration(c, 'add_x');
    fs.writeFileSync(first.path, '-- Up migration\nSELECT 42;\n');
    const e = expectMigrationError(() => createMigration(c, 'AddX'), 'E_MIGRATION_EXISTS');
    assert.match(e.message, /"add_x" already exists/);
    assert.equal(fs.readFileSync(first.path, 'utf8'), '-- Up migration\nSELECT 42;\n');
    assert.deepEqual(fs.readdirSync(c.migrationsDir), ['001_add_x.sql']);
  });

  it('never overwrites an existing path', () => {
    // A directory with the target's name is invisible to discovery but still occupies the path.
    const c = project();
    fs.mkdirSync(path.join(c.migrationsDir, '001_x.sql'), { recursive: true });
    assert.throws(() => createMigration(c, 'x'));
    assert.ok(fs.statSync(path.join(c.migrationsDir, '001_x.sql')).isDirectory());
  });

  it('a name with no letters or digits is E_USAGE', () => {
    expectMigrationError(() => createMigration(project(), '  --  '), 'E_USAGE');
  });
});

describe('createMigration: file names and the migrations directory (issue 12)', () => {
  it('refuses a 300-character name: E_NAME_TOO_LONG, exit 2, saying the 255-byte limit', () => {
    const config = project();
    const e = expectMigrationError(() => createMigration(config, 'a'.repeat(300)), 'E_NAME_TOO_LONG');
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /would be 308 bytes, and file names are limited to 255 bytes/);
    assert.match(e.hint, /at most 247 bytes \(UTF-8\) after the "001_" prefix/);
    assert.ok(!fs.existsSync(config.migrationsDir) || fs.readdirSync(config.migrationsDir).length === 0, 'nothing written');
  });

  it('the limit is exactly 255 bytes of file name', () => {
    const config = project();
    const made = createMigration(config, 'b'.repeat(247));
    assert.equal(Buffer.byteLength(path.basename(made.path)), 255);
    expectMigrationError(() => createMigration(config, 'c'.repeat(248)), 'E_NAME_TOO_LONG');
  });

  it('counts the bytes of the file name, not of the typed name: multibyte input', () => {
    const config = project();
    // 200 two-byte letters (400 bytes typed) are not part of a snake_case file name: the file is short.
    const short = createMigration(config, `${'é'.repeat(200)}_mars`);
    assert.equal(path.basename(short.path), '001_mars.sql');
    // Multibyte separators between ASCII words: 25 words of 10 letters joined by "_" is 274 bytes of name.
    const e = expectMigrationError(() => createMigration(config, Array.from({ length: 25 }, () => 'a'.repeat(10)).join('ß')), 'E_NAME_TOO_LONG');
    assert.match(e.message, /would be 282 bytes/);
  });

  it('creates a missing migrations directory', () => {
    const config = project();
    fs.rmSync(config.migrationsDir, { recursive: true, force: true });
    const made = createMigration(config, 'create_rovers');
    assert.ok(fs.statSync(config.migrationsDir).isDirectory());
    assert.ok(fs.existsSync(made.path));
  });

  it('a file where the migrations directory should be is E_NOT_A_DIRECTORY naming it', () => {
    const config = project();
    fs.writeFileSync(config.migrationsDir, 'not a directory');
    const e = expectMigrationError(() => createMigration(config, 'create_rovers'), 'E_NOT_A_DIRECTORY');
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /the migrations directory is a file, not a directory/);
    assert.equal(e.location.file, config.migrationsDir);
    assert.equal(fs.readFileSync(config.migrationsDir, 'utf8'), 'not a directory');
  });
});
