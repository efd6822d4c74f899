import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backupDir } from '../../src/core/backups';
import { environmentDir, loadConfig, resolveEnvironment, type Config } from '../../src/core/config';
import { MigrationError } from '../../src/core/errors';

function thrown(fn: () => unknown): MigrationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MigrationError, `expected a MigrationError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a MigrationError');
}

function config(overrides: Partial<Config> = {}): Config {
  const root = path.join(os.tmpdir(), 'dm-envnames-project');
  return {
    root, file: null, migrationsDir: path.join(root, 'migrations'), seedsDir: path.join(root, 'seeds'), templatesDir: null,
    numbering: 'sequential', defaultEnvironment: 'development', historySchema: 'public', historyTable: 'database_migrations',
    lockWaitMs: 1000, allowOutOfOrder: false, environments: { development: {}, staging: {} }, lint: {}, slowStatementMs: 1000,
    partitions: {}, sampleDataDir: null, format: 'auto', placeholders: {}, ...overrides,
  };
}

describe('environment names: the rule of "environments" keys everywhere a name is taken', () => {
  const BAD = ['', '.', '..', '../x', '../../../x', 'a/b', '/etc', 'a\\b', '-x', '_x', 'a b', 'dev\n', 'é'];

  for (const bad of BAD) {
    it(`--env ${JSON.stringify(bad)} and DATABASE_MIGRATION_ENV=${JSON.stringify(bad)} are refused (exit 2)`, () => {
      for (const c of [config(), config({ environments: {} })]) {
        const e = thrown(() => resolveEnvironment(c, { env: bad, processEnv: {} }));
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, `--env ${JSON.stringify(bad)} is not a valid environment name (letters, digits, "_" and "-" only, starting with a letter or digit)`);
        assert.match(e.hint, Object.keys(c.environments).length ? /the configured environments are: development, staging/ : /no environments are configured; leave out --env/);
        if (bad === '') continue; // an empty variable counts as unset
        const v = thrown(() => resolveEnvironment(c, { processEnv: { DATABASE_MIGRATION_ENV: bad } }));
        assert.equal(v.exitCode, 2);
        assert.match(v.message, /^DATABASE_MIGRATION_ENV ".*" is not a valid environment name/s);
      }
    });
  }

  it('an empty DATABASE_MIGRATION_ENV counts as unset (as an empty DATABASE_URL does)', () => {
    assert.equal(resolveEnvironment(config(), { processEnv: { DATABASE_MIGRATION_ENV: '' } }).name, 'development');
  });

  it('good names still resolve, to a data directory directly under .migrations/pglite', () => {
    const r = resolveEnvironment(config(), { env: 'staging', processEnv: {} });
    assert.equal(r.target.kind === 'pglite' && r.target.dataDir, path.join(config().root, '.migrations', 'pglite', 'staging'));
  });

  it('"defaultEnvironment" in the config file follows the rule: E_CONFIG_INVALID with file and line', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-envnames-'));
    try {
      for (const bad of ['../x', 'a/b', '.']) {
        fs.writeFileSync(path.join(d, 'database-migration.config.json'), `{\n  "environments": { "dev": {} },\n  "defaultEnvironment": ${JSON.stringify(bad)}\n}\n`);
        const e = thrown(() => loadConfig({ cwd: d }));
        assert.equal(e.code, 'E_CONFIG_INVALID');
        assert.equal(e.message, `"defaultEnvironment" ${JSON.stringify(bad)} is not a valid environment name (letters, digits, "_" and "-" only, starting with a letter or digit)`);
        assert.match(e.hint, /the configured environments are: dev/);
        assert.equal(e.location.line, 3);
      }
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a Config built in code with a bad defaultEnvironment is refused too', () => {
    assert.equal(thrown(() => resolveEnvironment(config({ defaultEnvironment: '../x' }), { processEnv: {} })).exitCode, 2);
  });

  it('defence in depth: the directories derived from a name refuse one that is not a plain key', () => {
    const base = path.join(os.tmpdir(), 'dm-envnames-base');
    assert.equal(environmentDir(base, 'dev'), path.join(base, 'dev'));
    for (const bad of BAD) assert.equal(thrown(() => environmentDir(base, bad)).exitCode, 2, JSON.stringify(bad));
    const c = config();
    for (const bad of BAD) {
      const env = { name: bad, settings: {}, target: { kind: 'pglite' as const, dataDir: path.join(c.root, 'x'), source: 'embedded' } };
      assert.equal(thrown(() => backupDir(c, env)).exitCode, 2, `backupDir refuses ${JSON.stringify(bad)}`);
    }
    assert.equal(backupDir(c, { name: 'dev', settings: {}, target: { kind: 'pglite', dataDir: '', source: 'embedded' } }), path.join(c.root, '.migrations', 'backups', 'dev'));
  });
});
