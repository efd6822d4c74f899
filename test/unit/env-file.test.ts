import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEnvFiles } from '../../src/core/env-file';
import { MigrationError } from '../../src/core/errors';
import { openProject } from '../../src/core/project';

describe('.env files (core/env-file.ts)', () => {
  const dirs: string[] = [];
  const tempDir = (files: Record<string, string> = {}): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-envfile-'));
    dirs.push(d);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(d, rel)), { recursive: true });
      fs.writeFileSync(path.join(d, rel), text);
    }
    return d;
  };
  after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  it('reads <root>/.env and adds its variables to a copy of the environment, reporting their names only', () => {
    const d = tempDir({ '.env': 'DATABASE_URL=postgres://app@db.internal/portal\nAPI_KEY=k-123\n' });
    const processEnv = { PATH: '/bin' };
    const r = loadEnvFiles({ root: d, cwd: d, processEnv });
    assert.equal(r.env['DATABASE_URL'], 'postgres://app@db.internal/portal');
    assert.equal(r.env['PATH'], '/bin');
    assert.deepEqual(r.names, ['DATABASE_URL', 'API_KEY']);
    assert.deepEqual(r.files, [path.join(d, '.env')]);
    assert.deepEqual(processEnv, { PATH: '/bin' }, 'the caller\'s environment is not changed');
  });

  it('never overrides a variable already set, even to an empty value (dotenv\'s rule)', () => {
    const d = tempDir({ '.env': 'DATABASE_URL=postgres://from-file/db\nDATABASE_MIGRATION_ENV=staging\n' });
    const r = loadEnvFiles({ root: d, cwd: d, processEnv: { DATABASE_URL: 'postgres://from-shell/db', DATABASE_MIGRATION_ENV: '' } });
    assert.equal(r.env['DATABASE_URL'], 'postgres://from-shell/db');
    assert.equal(r.env['DATABASE_MIGRATION_ENV'], '');
    assert.deepEqual(r.names, []);
  });

  it('a project without .env reads nothing and is no error', () => {
    const d = tempDir();
    const r = loadEnvFiles({ root: d, cwd: d, processEnv: { A: '1' } });
    assert.deepEqual(r, { env: { A: '1' }, files: [], names: [] });
  });

  it('explicit files replace .env, are relative to cwd, and an earlier file wins over a later one', () => {
    const d = tempDir({ '.env': 'X=from-dot-env\n', 'env/one.env': 'X=one\nY=one\n', 'env/two.env': 'Y=two\nZ=two\n' });
    const r = loadEnvFiles({ root: path.join(d, 'elsewhere'), cwd: d, envFile: ['env/one.env', 'env/two.env'], processEnv: {} });
    assert.deepEqual({ X: r.env['X'], Y: r.env['Y'], Z: r.env['Z'] }, { X: 'one', Y: 'one', Z: 'two' });
    assert.deepEqual(r.files, [path.join(d, 'env/one.env'), path.join(d, 'env/two.env')]);
  });

  it('envFile false reads no file', () => {
    const d = tempDir({ '.env': 'X=1\n' });
    assert.equal(loadEnvFiles({ root: d, cwd: d, envFile: false, processEnv: {} }).env['X'], undefined);
  });

  it('a missing explicit file is E_ENV_FILE_NOT_FOUND naming it (exit 2); a directory is E_UNREADABLE_FILE', () => {
    const d = tempDir({ 'dir.env/x': '' });
    assert.throws(() => loadEnvFiles({ root: d, cwd: d, envFile: 'nope.env', processEnv: {} }), (e: unknown) =>
      e instanceof MigrationError && e.code === 'E_ENV_FILE_NOT_FOUND' && e.exitCode === 2 && e.message.includes(path.join(d, 'nope.env')) && /--env-file/.test(e.hint));
    assert.throws(() => loadEnvFiles({ root: d, cwd: d, envFile: 'dir.env', processEnv: {} }), (e: unknown) =>
      e instanceof MigrationError && e.code === 'E_UNREADABLE_FILE' && /is a directory/.test(e.message));
  });

  it('malformed lines are skipped as dotenv skips them; quotes, comments, export and multi-line values are dotenv\'s; no ${} expansion', () => {
    const d = tempDir({
      '.env': 'this line is not an assignment\n=novalue\nexport A=1\nB = "two words" # comment\nC=\'${A} stays\'\nD="multi\nline"\nDATABASE_URL=postgres://app@db/portal\n',
    });
    const r = loadEnvFiles({ root: d, cwd: d, processEnv: {} });
    assert.deepEqual(r.names, ['A', 'B', 'C', 'D', 'DATABASE_URL']);
    assert.deepEqual([r.env['A'], r.env['B'], r.env['C'], r.env['D']], ['1', 'two words', '${A} stays', 'multi\nline']);
    assert.equal(r.env['DATABASE_URL'], 'postgres://app@db/portal');
  });

  it('openProject (both shells) resolves DATABASE_URL and ${env:VAR} in the config from the project\'s .env, next to the config file', () => {
    const d = tempDir({
      'app/database-migration.config.json': JSON.stringify({ environments: { development: {}, staging: { url: '${env:STAGING_URL}' } } }),
      'app/.env': 'DATABASE_URL=postgres://app@dev-db/portal\nSTAGING_URL=postgres://app@staging-db/portal\n',
      '.env': 'DATABASE_URL=postgres://wrong-folder/db\n',
    });
    const dev = openProject({ cwd: d, configPath: 'app/database-migration.config.json', processEnv: {} });
    assert.deepEqual(dev.environment.target, { kind: 'postgres', url: 'postgres://app@dev-db/portal', source: 'DATABASE_URL' });
    assert.deepEqual(dev.envFiles, [path.join(d, 'app', '.env')]);
    const staging = openProject({ cwd: d, configPath: 'app/database-migration.config.json', env: 'staging', processEnv: {} });
    assert.equal(staging.environment.target.kind === 'postgres' && staging.environment.target.url, 'postgres://app@staging-db/portal');
    const shell = openProject({ cwd: d, configPath: 'app/database-migration.config.json', processEnv: { DATABASE_URL: 'postgres://shell/db' } });
    assert.equal(shell.environment.target.kind === 'postgres' && shell.environment.target.url, 'postgres://shell/db');
  });
});
