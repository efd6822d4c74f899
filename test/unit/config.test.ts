import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CONFIG_FILE_NAME,
  describeTarget,
  loadConfig,
  resolveEnvironment,
  substituteEnv,
  type Config,
} from '../../src/core/config';
import { MigrationError, type ErrorCode } from '../../src/core/errors';

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
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-config-'));
  tempDirs.push(d);
  return d;
}
function withConfig(text: string, name = CONFIG_FILE_NAME): string {
  const d = tempDir();
  fs.writeFileSync(path.join(d, name), text);
  return d;
}

after(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('returns defaults rooted at cwd when there is no config file', () => {
    const d = tempDir();
    const c = loadConfig({ cwd: d });
    assert.equal(c.file, null);
    assert.equal(c.root, path.resolve(d));
    assert.equal(c.migrationsDir, path.join(d, 'migrations'));
    assert.equal(c.seedsDir, path.join(d, 'seeds'));
    assert.equal(c.templatesDir, null);
    assert.equal(c.numbering, 'sequential');
    assert.equal(c.defaultEnvironment, 'development');
    assert.equal(c.historySchema, 'public');
    assert.equal(c.historyTable, 'database_migrations');
    assert.equal(c.lockWaitMs, 10000);
    assert.equal(c.allowOutOfOrder, false);
    assert.deepEqual(c.environments, {});
  });

  it('reads database-migration.config.json from cwd and resolves paths relative to it', () => {
    const d = withConfig(JSON.stringify({
      migrationsDir: 'db/migrations',
      seedsDir: 'db/seeds',
      templatesDir: 'db/templates',
      numbering: 'timestamp',
      defaultEnvironment: 'dev',
      history: { schema: 'meta', table: 'migs' },
      lockWaitMs: 0,
      allowOutOfOrder: true,
      environments: { dev: { url: 'postgres://localhost/dev', pool: { max: 2 } } },
    }, null, 2));
    const c = loadConfig({ cwd: d });
    assert.equal(c.file, path.join(d, CONFIG_FILE_NAME));
    assert.equal(c.root, d);
    assert.equal(c.migrationsDir, path.join(d, 'db', 'migrations'));
    assert.equal(c.seedsDir, path.join(d, 'db', 'seeds'));
    assert.equal(c.templatesDir, path.join(d, 'db', 'templates'));
    assert.equal(c.numbering, 'timestamp');
    assert.equal(c.defaultEnvironment, 'dev');
    assert.equal(c.historySchema, 'meta');
    assert.equal(c.historyTable, 'migs');
    assert.equal(c.lockWaitMs, 0);
    assert.equal(c.allowOutOfOrder, true);
    assert.equal(c.environments['dev']!.pool!.max, 2);
  });

  it('--config resolves relative to cwd and roots paths at the config file directory', () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'conf'));
    fs.writeFileSync(path.join(d, 'conf', 'my.json'), '{"migrationsDir": "m"}');
    const c = loadConfig({ cwd: d, configPath: 'conf/my.json' });
    assert.equal(c.file, path.join(d, 'conf', 'my.json'));
    assert.equal(c.root, path.join(d, 'conf'));
    assert.equal(c.migrationsDir, path.join(d, 'conf', 'm'));
  });

  it('accepts a config file with a BOM and a $schema key', () => {
    const d = withConfig('\uFEFF{"$schema": "./schema/config.schema.json", "lockWaitMs": 5}');
    assert.equal(loadConfig({ cwd: d }).lockWaitMs, 5);
  });

  it('a missing --config path is E_CONFIG_NOT_FOUND naming the path', () => {
    const d = tempDir();
    const e = expectMigrationError(() => loadConfig({ cwd: d, configPath: 'nope.json' }), 'E_CONFIG_NOT_FOUND');
    assert.ok(e.message.includes(path.join(d, 'nope.json')), e.message);
    assert.equal(e.location.file, path.join(d, 'nope.json'));
    assert.equal(e.exitCode, 2);
  });

  it('malformed JSON is E_CONFIG_PARSE with the line of the problem', () => {
    const d = withConfig('{\n  "lockWaitMs": 5,\n  "numbering" "timestamp"\n}\n');
    const e = expectMigrationError(() => loadConfig({ cwd: d }), 'E_CONFIG_PARSE');
    assert.match(e.message, /not valid JSON/);
    assert.equal(e.location.file, path.join(d, CONFIG_FILE_NAME));
    assert.equal(e.location.line, 3);
  });

  it('a trailing comma is E_CONFIG_PARSE', () => {
    const d = withConfig('{"lockWaitMs": 5,}');
    expectMigrationError(() => loadConfig({ cwd: d }), 'E_CONFIG_PARSE');
  });

  it('an unknown key is E_CONFIG_INVALID naming its full key path and line', () => {
    const text = [
      '{',
      '  "environments": {',
      '    "dev": {',
      '      "urll": "postgres://localhost/dev"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig(text) }), 'E_CONFIG_INVALID');
    assert.match(e.message, /unknown key "environments\.dev\.urll"/);
    assert.equal(e.location.line, 4);
    assert.match(e.hint, /urll/);
  });

  it('an unknown top-level key names the key', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{\n"migrationDir": "x"\n}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /unknown key "migrationDir"/);
    assert.equal(e.location.line, 2);
  });

  it('a wrong type is E_CONFIG_INVALID naming the key and the wanted type', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{\n  "migrationsDir": "m",\n  "lockWaitMs": "x"\n}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /"lockWaitMs" must be an integer/);
    assert.equal(e.location.line, 3);
  });

  it('a nested wrong type names the nested key path', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{"environments": {"dev": {"pool": {"max": "ten"}}}}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /"environments\.dev\.pool\.max" must be an integer/);
  });

  it('a bad enum value lists the allowed values', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{"numbering": "random"}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /"numbering" must be one of "sequential", "timestamp"/);
  });

  it('a bad environment name is E_CONFIG_INVALID', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{"environments": {"bad name!": {}}}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /environments/);
  });

  it('a bad environment name is E_CONFIG_INVALID naming the environment', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{"environments": {"bad name!": {}}}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /environment name "bad name!" in "environments" is not allowed/);
  });

  it('a config that is not an object is E_CONFIG_INVALID', () => {
    expectMigrationError(() => loadConfig({ cwd: withConfig('[1, 2]') }), 'E_CONFIG_INVALID');
  });

  it('points at the line of the offending key when the same key name appears earlier', () => {
    const text = [
      '{',
      '  "environments": {',
      '    "dev": { "url": "postgres://localhost/dev" },',
      '    "test": { "url": 5 }',
      '  }',
      '}',
    ].join('\n');
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig(text) }), 'E_CONFIG_INVALID');
    assert.match(e.message, /"environments\.test\.url" must be a string/);
    assert.equal(e.location.line, 4);
  });
});

describe('substituteEnv', () => {
  const where = { file: '/x/config.json', key: 'environments.dev.url' };

  it('replaces ${env:VAR} from the given environment', () => {
    assert.equal(substituteEnv('postgres://${env:PGUSER}@${env:PGHOST}/db', { PGUSER: 'ann', PGHOST: 'h' }, where), 'postgres://ann@h/db');
  });

  it('uses the default in ${env:VAR:-default} when the variable is unset or empty', () => {
    assert.equal(substituteEnv('${env:PORT:-5432}', {}, where), '5432');
    assert.equal(substituteEnv('${env:PORT:-5432}', { PORT: '' }, where), '5432');
    assert.equal(substituteEnv('${env:PORT:-5432}', { PORT: '6543' }, where), '6543');
    assert.equal(substituteEnv('x${env:EMPTY:-}y', {}, where), 'xy');
  });

  it('a missing variable without a default is E_ENV_VAR_MISSING naming the key and the variable', () => {
    const e = expectMigrationError(() => substituteEnv('postgres://${env:DB_HOST}/x', {}, where), 'E_ENV_VAR_MISSING');
    assert.match(e.message, /environments\.dev\.url/);
    assert.match(e.message, /DB_HOST is not set/);
    assert.equal(e.location.file, '/x/config.json');
  });

  it('leaves text without placeholders alone', () => {
    assert.equal(substituteEnv('postgres://h/$db{x}', {}, where), 'postgres://h/$db{x}');
  });
});

describe('resolveEnvironment', () => {
  function config(environments: Config['environments'], extra: Partial<Config> = {}): Config {
    const d = tempDir();
    return { ...loadConfig({ cwd: d }), environments, file: path.join(d, CONFIG_FILE_NAME), ...extra };
  }
  const envs = {
    development: { url: 'postgres://localhost/dev' },
    staging: { url: 'postgres://staging.example/app' },
    test: {},
  };

  it('1. --url wins over everything', () => {
    const r = resolveEnvironment(config(envs), { url: 'postgres://cli/db', env: 'staging', processEnv: { DATABASE_URL: 'postgres://envvar/db' } });
    assert.deepEqual(r.target, { kind: 'postgres', url: 'postgres://cli/db', source: '--url' });
    assert.equal(r.name, 'staging');
    assert.deepEqual(r.settings, envs.staging);
  });

  it("2. --env's url wins over DATABASE_URL", () => {
    const r = resolveEnvironment(config(envs), { env: 'staging', processEnv: { DATABASE_URL: 'postgres://envvar/db' } });
    assert.deepEqual(r.target, { kind: 'postgres', url: 'postgres://staging.example/app', source: 'environments.staging.url' });
  });

  it('DATABASE_MIGRATION_ENV counts as --env', () => {
    const r = resolveEnvironment(config(envs), { processEnv: { DATABASE_MIGRATION_ENV: 'staging', DATABASE_URL: 'postgres://envvar/db' } });
    assert.equal(r.name, 'staging');
    assert.equal(r.target.kind === 'postgres' && r.target.url, 'postgres://staging.example/app');
  });

  it('3. DATABASE_URL wins over the default environment url', () => {
    const r = resolveEnvironment(config(envs), { processEnv: { DATABASE_URL: 'postgres://envvar/db' } });
    assert.deepEqual(r.target, { kind: 'postgres', url: 'postgres://envvar/db', source: 'DATABASE_URL' });
    assert.equal(r.name, 'development');
  });

  it('3. DATABASE_URL is used for --env NAME when that environment has no url', () => {
    const r = resolveEnvironment(config(envs), { env: 'test', processEnv: { DATABASE_URL: 'postgres://envvar/db' } });
    assert.equal(r.target.source, 'DATABASE_URL');
    assert.equal(r.name, 'test');
  });

  it('4. the default environment url is used without --env and DATABASE_URL', () => {
    const r = resolveEnvironment(config(envs), { processEnv: {} });
    assert.deepEqual(r.target, { kind: 'postgres', url: 'postgres://localhost/dev', source: 'environments.development.url' });
  });

  it('4. honours defaultEnvironment', () => {
    const r = resolveEnvironment(config(envs, { defaultEnvironment: 'staging' }), { processEnv: {} });
    assert.equal(r.name, 'staging');
    assert.equal(r.target.source, 'environments.staging.url');
  });

  it('5. falls back to PGlite in .migrations/pglite/<env> under the config root', () => {
    const c = config(envs);
    const r = resolveEnvironment(c, { env: 'test', processEnv: {} });
    assert.deepEqual(r.target, { kind: 'pglite', dataDir: path.join(c.root, '.migrations', 'pglite', 'test'), source: 'embedded' });
    assert.equal(describeTarget(r.target, c.root), `embedded PGlite (${path.join('.migrations', 'pglite', 'test')})`);
  });

  it('5. with no config at all uses PGlite for the default environment', () => {
    const d = tempDir();
    const c = loadConfig({ cwd: d });
    const r = resolveEnvironment(c, { processEnv: {} });
    assert.equal(r.name, 'development');
    assert.deepEqual(r.target, { kind: 'pglite', dataDir: path.join(d, '.migrations', 'pglite', 'development'), source: 'embedded' });
    assert.deepEqual(r.settings, {});
  });

  it('substitutes ${env:VAR} and ${env:VAR:-default} in the configured url from processEnv', () => {
    const c = config({ development: { url: 'postgres://${env:DB_USER}@${env:DB_HOST:-localhost}:${env:DB_PORT:-5432}/app' } });
    const r = resolveEnvironment(c, { processEnv: { DB_USER: 'ann', DB_PORT: '6000' } });
    assert.equal(r.target.kind === 'postgres' && r.target.url, 'postgres://ann@localhost:6000/app');
  });

  it('does not read or change process.env when processEnv is given', () => {
    const before = JSON.stringify(process.env);
    const c = config({ development: { url: 'postgres://${env:DBM_TEST_ONLY_VAR:-fallback}/app' } });
    const r = resolveEnvironment(c, { processEnv: {} });
    assert.equal(r.target.kind === 'postgres' && r.target.url, 'postgres://fallback/app');
    assert.ok(JSON.stringify(process.env) === before, 'process.env was changed');
    assert.equal(process.env['DBM_TEST_ONLY_VAR'], undefined);
  });

  it('a missing variable is E_ENV_VAR_MISSING naming the environment key', () => {
    const c = config({ development: { url: 'postgres://${env:DB_PASSWORD_HOST}/app' } });
    const e = expectMigrationError(() => resolveEnvironment(c, { processEnv: {} }), 'E_ENV_VAR_MISSING');
    assert.match(e.message, /environments\.development\.url/);
    assert.match(e.message, /DB_PASSWORD_HOST/);
  });

  it('a missing variable in a url that --url overrides is not an error', () => {
    const c = config({ development: { url: 'postgres://${env:UNSET_HOST}/app' } });
    const r = resolveEnvironment(c, { url: 'postgres://cli/db', processEnv: {} });
    assert.equal(r.target.source, '--url');
  });

  it('an unknown --env is E_UNKNOWN_ENVIRONMENT listing the known ones', () => {
    const e = expectMigrationError(() => resolveEnvironment(config(envs), { env: 'prod', processEnv: {} }), 'E_UNKNOWN_ENVIRONMENT');
    assert.match(e.message, /unknown environment "prod"/);
    assert.match(e.hint, /development, staging, test/);
  });

  it('an unknown DATABASE_MIGRATION_ENV is E_UNKNOWN_ENVIRONMENT', () => {
    expectMigrationError(() => resolveEnvironment(config(envs), { processEnv: { DATABASE_MIGRATION_ENV: 'nope' } }), 'E_UNKNOWN_ENVIRONMENT');
  });

  it('with no environments configured only the default environment name is accepted', () => {
    const c = config({});
    assert.equal(resolveEnvironment(c, { env: 'development', processEnv: {} }).name, 'development');
    const e = expectMigrationError(() => resolveEnvironment(c, { env: 'production', processEnv: {} }), 'E_UNKNOWN_ENVIRONMENT');
    assert.match(e.message, /no environments are configured/);
  });

  it('a url with a non-postgres scheme is E_BAD_URL without the password', () => {
    const c = config({ development: { url: 'mysql://admin:s3cr3tpw@db.example/app' } });
    const e = expectMigrationError(() => resolveEnvironment(c, { processEnv: {} }), 'E_BAD_URL');
    assert.match(e.message, /must start with postgres:\/\/ or postgresql:\/\//);
    assert.match(e.message, /mysql:/);
    assert.ok(!e.message.includes('s3cr3tpw'), e.message);
    assert.ok(!e.hint.includes('s3cr3tpw'));
    assert.ok(!JSON.stringify(e.toJSON()).includes('s3cr3tpw'));
  });

  it('an unparsable url is E_BAD_URL with the password redacted', () => {
    const e = expectMigrationError(
      () => resolveEnvironment(config({}), { url: 'postgres://admin:s3cr3tpw@host:notaport/db', processEnv: {} }), 'E_BAD_URL');
    assert.match(e.message, /--url is not a valid connection URL/);
    assert.ok(!e.message.includes('s3cr3tpw'), e.message);
    assert.ok(e.message.includes('admin'), e.message);
  });

  it('a bad DATABASE_URL is E_BAD_URL naming DATABASE_URL', () => {
    const e = expectMigrationError(() => resolveEnvironment(config({}), { processEnv: { DATABASE_URL: 'http://u:topsecret@h/db' } }), 'E_BAD_URL');
    assert.match(e.message, /DATABASE_URL/);
    assert.ok(!e.message.includes('topsecret'));
  });

  it('an unparsable url whose password contains "#" does not leak the password', () => {
    const e = expectMigrationError(() => resolveEnvironment(config({}), { url: 'postgres://admin:pa#ss@host/db', processEnv: {} }), 'E_BAD_URL');
    assert.ok(!e.message.includes('pa#ss'), e.message);
  });

  it('accepts postgresql:// as well as postgres://', () => {
    const r = resolveEnvironment(config({}), { url: 'postgresql://u@h:5433/db', processEnv: {} });
    assert.equal(r.target.kind, 'postgres');
  });

  it('describeTarget shows a postgres url with the password hidden', () => {
    const r = resolveEnvironment(config({}), { url: 'postgres://u:hunter2@h/db', processEnv: {} });
    assert.equal(describeTarget(r.target), 'postgres://u:***@h/db');
  });
});

describe('history.schema and history.table (issue 12)', () => {
  const refused: [string, RegExp][] = [
    ['pg_temp', /"history\.schema" is a system schema \("pg_temp"\)/],
    ['pg_catalog', /"history\.schema" is a system schema \("pg_catalog"\)/],
    ['PG_toast', /"history\.schema" is a system schema \("PG_toast"\)/],
    ['pg_anything', /"history\.schema" is a system schema \("pg_anything"\)/],
    ['information_schema', /"history\.schema" is a system schema \("information_schema"\)/],
    ['', /"history\.schema" is empty/],
    ['audit\u0000x', /"history\.schema" contains a NUL byte/],
  ];
  for (const [schema, message] of refused) {
    it(`refuses history.schema ${JSON.stringify(schema)} at load time, naming the file, line and key`, () => {
      const cwd = withConfig(`{\n  "history": {\n    "schema": ${JSON.stringify(schema)}\n  }\n}\n`);
      const e = expectMigrationError(() => loadConfig({ cwd }), 'E_CONFIG_INVALID');
      assert.match(e.message, message);
      assert.equal(e.exitCode, 2);
      assert.equal(e.location.file, path.join(cwd, CONFIG_FILE_NAME));
      assert.equal(e.location.line, 3);
      assert.match(e.hint, /set "history\.schema" to a schema of your own/);
    });
  }

  it('refuses a history.table with a NUL byte, and accepts ordinary names', () => {
    const e = expectMigrationError(() => loadConfig({ cwd: withConfig('{"history": {"table": "a\\u0000b"}}') }), 'E_CONFIG_INVALID');
    assert.match(e.message, /"history\.table" contains a NUL byte/);
    const ok = loadConfig({ cwd: withConfig('{"history": {"schema": "audit_pg_", "table": "pg_history"}}') });
    assert.deepEqual([ok.historySchema, ok.historyTable], ['audit_pg_', 'pg_history']);
  });

  it('a config path that is a directory is E_NOT_A_FILE naming it', () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'conf.json'));
    const e = expectMigrationError(() => loadConfig({ cwd: d, configPath: 'conf.json' }), 'E_NOT_A_FILE');
    assert.equal(e.location.file, path.join(d, 'conf.json'));
    assert.equal(e.exitCode, 2);
  });
});
