import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generatedMigration, realisticMigration } from '../../bench/lint-corpus';
import { loadConfig } from '../../src/core/config';
import { lintText } from '../../src/lint/linter';
import { lintSettingsFromConfig } from '../../src/lint/project';
import type { Finding } from '../../src/lint/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The findings of the starting commit (c9b4986, before the lint speed work of issue 13) on the NASA example, the
 * benchmark's generated corpus, a realistic history and plain scripts: the faster linter must report exactly these.
 * test/fixtures/lint-snapshot/findings.json.gz (gzipped JSON, file key -> findings) was written by that commit's linter.
 */
describe('lint findings snapshot (issue 13: same results after the speed work)', () => {
  const expected = JSON.parse(gunzipSync(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'lint-snapshot', 'findings.json.gz'))).toString('utf8')) as Record<string, Finding[]>;
  // Issue 16 lints the statements inside DO blocks: the corpus's DO blocks that create an enum type add these findings
  // (the down sections do not drop the type), and nothing else changes.
  const added = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'lint-snapshot', 'body-statements.json'), 'utf8')) as Record<string, Finding[]>;
  for (const [key, findings] of Object.entries(added)) {
    expected[key] = [...expected[key]!, ...findings].sort((a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }

  async function actual(): Promise<Record<string, Finding[]>> {
    const out: Record<string, Finding[]> = {};
    const nasa = path.join(ROOT, 'examples', 'nasa-portal', 'migrations');
    // The example is linted with its config's settings (lockTimeoutMs for every environment), as --lint does.
    const settings = lintSettingsFromConfig(loadConfig({ cwd: path.dirname(nasa) }));
    for (const n of fs.readdirSync(nasa).sort()) out[`nasa/${n}`] = await lintText(fs.readFileSync(path.join(nasa, n), 'utf8'), `migrations/${n}`, { asMigration: true, settings });
    for (let i = 1; i <= 6; i++) out[`generated/${i}`] = await lintText(generatedMigration(50, i), `migrations/${String(i).padStart(4, '0')}_bench.sql`, { asMigration: true });
    for (let i = 1; i <= 30; i++) {
      const m = realisticMigration(i, 25);
      out[`realistic/${m.name}`] = await lintText(m.text, `migrations/${m.name}`, { asMigration: true });
    }
    // Long sections: where the down-section check and redundant-index used to be quadratic.
    for (const i of [3, 5]) {
      const m = realisticMigration(i, 400);
      out[`realistic-long/${m.name}`] = await lintText(m.text, `migrations/${m.name}`, { asMigration: true });
    }
    out['generated-long/1'] = await lintText(generatedMigration(400, 1), 'migrations/0001_long.sql', { asMigration: true });
    for (let i = 1; i <= 3; i++) {
      const t = realisticMigration(i * 7, 25).text.replace(/^-- (Up|Down) migration$/gm, '');
      out[`script/${i}`] = await lintText(t, `sql/script_${i}.sql`);
    }
    return out;
  }

  it('reports the same findings, file by file, as the starting commit', async () => {
    const got = JSON.parse(JSON.stringify(await actual())) as Record<string, Finding[]>;
    assert.deepEqual(Object.keys(got), Object.keys(expected));
    for (const key of Object.keys(expected)) assert.deepEqual(got[key], expected[key], `findings of ${key} changed`);
    // The snapshot exercises the fast path, the statement-by-statement fallback and PL/pgSQL bodies.
    const all = Object.values(expected).flat();
    assert.ok(all.some((f) => f.ruleId === 'syntax-error'));
    assert.ok(all.length > 1000);
  });
});
