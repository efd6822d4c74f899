import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { LintCache, lintCachePath, toolIdentity } from '../../src/lint/cache';
import { ALL_RULES } from '../../src/lint/rules';
import type { Finding } from '../../src/lint/types';

/** Issue 13: --lint keeps the findings of unchanged files in .migrations/lint-cache.json. */
describe('lint cache (--lint, .migrations/lint-cache.json)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lint-cache-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '001_a.sql'), '-- Up migration\nCREATE TABLE a (x varchar(5));\n-- Down migration\nDROP TABLE a;\n');
    fs.writeFileSync(path.join(dir, 'migrations', '002_b.sql'), '-- Up migration\nCREATE TABLE b (id int PRIMARY KEY);\n-- Down migration\nDROP TABLE b;\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { cwd: dir, env: {}, output: { out: (t) => { stdout += `${t}\n`; }, err: (t) => { stderr += `${t}\n`; }, tty: false } });
    return { code, stdout, stderr };
  }
  const cacheFile = () => lintCachePath(dir);
  const readCache = () => JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as { format: number; entries: Record<string, Finding[]> };

  /** Replaces every cached finding list with one planted finding: seeing it proves the run read the cache. */
  function plant(): void {
    const data = readCache();
    for (const key of Object.keys(data.entries)) {
      data.entries[key] = [{ ruleId: 'planted', severity: 'warning', message: 'from the cache', help: 'h', file: 'x', line: 1, column: 1, endLine: 1, endColumn: 1, section: 'up' }];
    }
    fs.writeFileSync(cacheFile(), JSON.stringify(data));
  }

  it('a second run reports the same output from the cache, and a changed file is linted again', async () => {
    const cold = await cli(['--lint', '--format', 'json']);
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(Object.keys(readCache().entries).length, 2);
    const warm = await cli(['--lint', '--format', 'json']);
    assert.equal(warm.stdout, cold.stdout);
    const text = [await cli(['--lint']), await cli(['--lint'])];
    assert.equal(text[1]!.stdout, text[0]!.stdout);

    plant();
    assert.match((await cli(['--lint', '--format', 'json'])).stdout, /from the cache/);
    // Content: editing one file re-lints that file only (while the edit changes nothing the other files' findings
    // depend on: the tables, columns, indexes and keys of the history).
    fs.writeFileSync(path.join(dir, 'migrations', '001_a.sql'), '-- Up migration\nCREATE TABLE a (x varchar(5));\nCOMMENT ON TABLE a IS \'edited\';\n-- Down migration\nDROP TABLE a;\n');
    const edited = JSON.parse((await cli(['--lint', '--format', 'json'])).stdout) as { findings: Finding[] };
    assert.deepEqual(edited.findings.filter((f) => f.ruleId === 'planted').length, 1);
    assert.ok(edited.findings.some((f) => f.file.endsWith('001_a.sql') && f.ruleId === 'prefer-text-field'));
  });

  it('a change of the lint configuration invalidates every entry', async () => {
    await cli(['--lint']);
    plant();
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({ lint: { rules: { 'prefer-text-field': 'error' } } }));
    const run = await cli(['--lint', '--format', 'json']);
    assert.equal(run.code, 6);
    assert.doesNotMatch(run.stdout, /from the cache/);
    assert.match(run.stdout, /prefer-text-field/);
    // The entries of the old configuration are gone, not kept beside the new ones (they can never be hit again).
    assert.equal(Object.keys(readCache().entries).length, 2);
    assert.doesNotMatch(fs.readFileSync(cacheFile(), 'utf8'), /from the cache/);
  });

  it('a cache written by another build of the tool is dropped, so the file does not grow with every rebuild or upgrade', () => {
    const older = { tool: '0.0.9', code: '1:1', parser: '17.0.0' };
    const old = LintCache.open(dir, {}, older);
    for (let i = 0; i < 5; i++) old.set(old.key(`SELECT ${i};`, `${i}.sql`, false), []);
    old.save();
    assert.equal(LintCache.open(dir, {}, older).size, 5, 'the same build reads its entries back');
    const current = LintCache.open(dir, {});
    assert.equal(current.size, 0);
    current.set(current.key('SELECT 1;', 'a.sql', false), []);
    current.save();
    assert.equal(Object.keys(readCache().entries).length, 1);
    // Nothing new to add: the foreign entries are still dropped from the file.
    const olderAgain = LintCache.open(dir, {}, older);
    olderAgain.save();
    assert.equal(Object.keys(readCache().entries).length, 0);
  });

  it('--no-cache neither reads nor writes the cache', async () => {
    const run = await cli(['--lint', '--no-cache']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fs.existsSync(cacheFile()), false);
    await cli(['--lint']);
    plant();
    assert.doesNotMatch((await cli(['--lint', '--no-cache', '--format', 'json'])).stdout, /from the cache/);
    assert.match((await cli(['--lint', '--format', 'json'])).stdout, /from the cache/);
    const wrong = await cli(['--history', '--no-cache']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--no-cache does not apply to --history/);
  });

  it('a corrupt or unwritable cache is ignored: the lint result is the same', async () => {
    const expected = (await cli(['--lint', '--no-cache', '--format', 'json'])).stdout;
    fs.mkdirSync(path.dirname(cacheFile()), { recursive: true });
    fs.writeFileSync(cacheFile(), '{"format": 1, "entries": [trunc');
    const corrupt = await cli(['--lint', '--format', 'json']);
    assert.equal(corrupt.stdout, expected);
    assert.equal(Object.keys(readCache().entries).length, 2, 'rewritten');
    fs.rmSync(path.join(dir, '.migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.migrations'), 'not a directory');
    const unwritable = await cli(['--lint', '--format', 'json']);
    assert.equal(unwritable.code, 0, unwritable.stderr);
    assert.equal(unwritable.stdout, expected);
  });

  it('keys depend on the text, the file name, how it is read, the options, the rule set and the tool version', () => {
    const base = LintCache.open(dir, {});
    const k = base.key('SELECT 1;', 'a.sql', false);
    assert.equal(LintCache.open(dir, {}).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(base.key('SELECT 2;', 'a.sql', false), k);
    assert.notEqual(base.key('SELECT 1;', 'b.sql', false), k);
    assert.notEqual(base.key('SELECT 1;', 'a.sql', true), k);
    assert.notEqual(LintCache.open(dir, { postgresVersion: 12 }).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(LintCache.open(dir, { severities: { 'prefer-text-field': 'off' } }).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(LintCache.open(dir, { rules: ALL_RULES.slice(1) }).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(LintCache.open(dir, { only: ['prefer-text-field'] }).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(LintCache.open(dir, {}, { ...toolIdentity(), tool: '999.0.0' }).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(LintCache.open(dir, {}, { ...toolIdentity(), parser: '0.0.1' }).key('SELECT 1;', 'a.sql', false), k);
    assert.notEqual(LintCache.open(dir, {}, { ...toolIdentity(), code: '1:2' }).key('SELECT 1;', 'a.sql', false), k);
  });
});
