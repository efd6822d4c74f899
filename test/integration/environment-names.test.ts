/**
 * Environment names become directories (.migrations/pglite/<env>, .migrations/backups/<env>), so --env,
 * DATABASE_MIGRATION_ENV and "defaultEnvironment" follow the rule for the keys of "environments":
 * anything else is exit 2 naming the value, the rule and the known environments, before any path exists.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, migration, type TestProject } from './harness';
import { walk } from '../reliability/common';

const ONE = { 'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;') };
const RULE = /is not a valid environment name \(letters, digits, "_" and "-" only, starting with a letter or digit\)/;

/** Every file and directory under `dir` (relative), and every entry of its parent. */
function tree(p: TestProject): { inside: string[]; beside: string[] } {
  const list = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap((e) => { const full = path.join(d, e.name); return e.isDirectory() ? [full, ...list(full)] : [full]; });
  return { inside: list(p.dir).map((f) => path.relative(p.dir, f)).sort(), beside: fs.readdirSync(path.dirname(p.dir)).sort() };
}

function writeConfig(p: TestProject, config: object): void {
  fs.writeFileSync(path.join(p.dir, 'database-migration.config.json'), JSON.stringify(config, null, 2));
}

describe('environment names are plain keys (--env, DATABASE_MIGRATION_ENV, defaultEnvironment)', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  for (const bad of ['../../../x', '', 'a/b']) {
    it(`--env ${JSON.stringify(bad)}: exit 2 naming the value, the rule and the known environments; nothing created`, async () => {
      p = await makeProject('pglite', ONE, { environments: { test: { backups: { enabled: true } } } });
      await p.releaseDatabase();
      const before = tree(p);
      for (const args of [['--backup'], ['--up'], ['--status']]) {
        const r = await p.cliFresh([...args, '--env', bad]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.ok(r.stderr.includes(`--env ${JSON.stringify(bad)} is not`), r.stderr);
        assert.match(r.stderr, RULE);
        assert.match(r.stderr, /fix: the configured environments are: test/);
      }
      const json = await p.cliFresh(['--status', '--json', '--env', bad]);
      assert.equal(json.code, 2);
      const error = (JSON.parse(json.stdout) as { error: { code: string; message: string; exitCode: number } }).error;
      assert.deepEqual([error.code, error.exitCode], ['E_UNKNOWN_ENVIRONMENT', 2]);
      assert.match(error.message, RULE);
      assert.deepEqual(tree(p), before, 'no file or directory was created, inside the project or beside it');
      assert.equal(fs.existsSync(path.join(path.dirname(p.dir), 'x')), false);
    });
  }

  for (const [label, config, args] of [
    ['with environments', { defaultEnvironment: '../x', environments: { test: { backups: { enabled: true } } } }, ['--backup']],
    ['without environments, and --env naming it', { defaultEnvironment: '../../../x' }, ['--backup', '--env', '../../../x']],
    ['without environments', { defaultEnvironment: '../../../x' }, ['--up']],
  ] as const) {
    it(`"defaultEnvironment" outside the rule (${label}): exit 2 naming the value and the rule; nothing created`, async () => {
      p = await makeProject('pglite', ONE);
      await p.releaseDatabase();
      writeConfig(p, config);
      const before = tree(p);
      const r = await p.cliFresh([...args]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /database-migration\.config\.json:\d+: "defaultEnvironment" "(\.\.\/)+x" is not a valid environment name \(letters, digits/);
      assert.deepEqual(tree(p), before, 'no file or directory was created, inside the project or beside it');
      assert.deepEqual(walk(path.join(path.dirname(p.dir), 'x')), []);
      assert.equal(fs.existsSync(path.join(path.dirname(p.dir), 'x')), false);
    });
  }
});
