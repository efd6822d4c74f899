import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { discoverSeeds } from '../../src/core/discovery';
import { discoverMigrations } from '../../src/core/formats';
import { MigrationError } from '../../src/core/errors';

/** Issue 12: *.sql entries that are not files are refused by name (exit 2), never skipped, never opened. */
describe('discovery: entries named *.sql that are not files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-discovery-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '001_create_agencies.sql'), '-- Up migration\nCREATE TABLE agencies (id int);\n');
  });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const refused = (fn: () => unknown): MigrationError => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof MigrationError, `a MigrationError, not ${String(e)}`);
      assert.equal(e.exitCode, 2);
      return e;
    }
    return assert.fail('expected a MigrationError');
  };
  const migrations = () => discoverMigrations(path.join(dir, 'migrations'), { displayRoot: dir });

  it('a directory', () => {
    fs.mkdirSync(path.join(dir, 'migrations', '002_dir.sql'));
    const e = refused(migrations);
    assert.equal(e.code, 'E_NOT_A_FILE');
    assert.equal(e.format().split('\n')[0], 'migrations/002_dir.sql: is a directory, not a migration file');
  });

  it('a FIFO (returns instead of blocking on it)', () => {
    execFileSync('mkfifo', [path.join(dir, 'migrations', '002_fifo.sql')]);
    const e = refused(migrations);
    assert.equal(e.format().split('\n')[0], 'migrations/002_fifo.sql: is a FIFO (named pipe), not a migration file');
  });

  it('a symbolic link to a directory', () => {
    fs.symlinkSync(dir, path.join(dir, 'migrations', '002_link.sql'));
    const e = refused(migrations);
    assert.equal(e.format().split('\n')[0], 'migrations/002_link.sql: is a symbolic link to a directory, not a migration file');
  });

  it('a symbolic link to a file is read as before', () => {
    fs.writeFileSync(path.join(dir, 'elsewhere.sql'), '-- Up migration\nSELECT 1;\n');
    fs.symlinkSync(path.join(dir, 'elsewhere.sql'), path.join(dir, 'migrations', '002_link.sql'));
    assert.deepEqual(migrations().map((m) => m.version), ['001', '002']);
  });

  it('a directory in seeds/', () => {
    fs.mkdirSync(path.join(dir, 'seeds', '001_planets.sql'), { recursive: true });
    const e = refused(() => discoverSeeds(path.join(dir, 'seeds'), dir));
    assert.equal(e.format().split('\n')[0], 'seeds/001_planets.sql: is a directory, not a seed file');
  });

  it('a file in place of the migrations directory', () => {
    fs.rmSync(path.join(dir, 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'migrations'), '');
    const e = refused(migrations);
    assert.equal(e.code, 'E_NOT_A_DIRECTORY');
    assert.match(e.format(), /^migrations: the migrations directory is a file, not a directory\n {2}fix: /);
  });
});

describe('--lint on paths that are not SQL files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-lint-paths-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({ environments: { dev: { url: 'postgres://localhost/x' } } }));
  });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  async function lint(target: string): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await runCli(['--lint', target], { cwd: dir, env: { NO_COLOR: '1' }, output: { out: () => {}, err: (t: string) => { err += `${t}\n`; }, tty: false } });
    return { code, err };
  }

  it('a FIFO named as the lint target is exit 2 naming it, never an internal error or a hang', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.sql')]);
    const r = await lint('pipe.sql');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /pipe\.sql.*FIFO/);
    assert.doesNotMatch(r.err, /internal error/);
  });

  it('an unreadable plain script (not in migrations/) is exit 2 naming it', async function () {
    if (process.getuid?.() === 0) {
      // root reads a mode-000 file: use a directory entry that cannot be read as a file instead
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.symlinkSync(path.join(dir, 'nowhere.sql'), path.join(dir, 'scripts', 'broken.sql'));
    } else {
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.writeFileSync(path.join(dir, 'scripts', 'broken.sql'), 'SELECT 1;');
      fs.chmodSync(path.join(dir, 'scripts', 'broken.sql'), 0);
    }
    const r = await lint(path.join('scripts', 'broken.sql'));
    assert.notEqual(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /internal error/);
    assert.match(r.err, /broken\.sql/);
  });
});
