/**
 * Lint benchmark: a generated 1,000-statement migration, linted cold (first
 * use: WASM parser load + every statement parsed), warm (parse cache full),
 * and after editing one statement (the editor's re-lint case). Prints times
 * and ratios measured in the same run; compare ratios, not absolute times.
 *
 *   npm run bench:lint
 */
import { performance } from 'node:perf_hooks';
import { lintText } from '../src/lint/linter';
import { ALL_RULES } from '../src/lint/rules';
import { loadParser } from '../src/sql/parser';
import { clearParseCache, parseCacheStats } from '../src/sql/parse';

function generate(n: number, variant = 0): string {
  const out: string[] = ['-- Up migration', 'SET lock_timeout = \'5s\';'];
  for (let i = 0; out.length < n + 1; i++) {
    switch (i % 5) {
      case 0: out.push(`CREATE TABLE obs_${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, object_id bigint NOT NULL, observed_at timestamptz NOT NULL, note text);`); break;
      case 1: out.push(`CREATE INDEX obs_${i - 1}_object_idx ON obs_${i - 1} (object_id, observed_at);`); break;
      case 2: out.push(`ALTER TABLE obs_${i - 2} ADD COLUMN magnitude numeric(6, 3);`); break;
      case 3: out.push(`INSERT INTO obs_${i - 3} (object_id, observed_at, note) VALUES (${i}, now(), 'seen ${variant}');`); break;
      default: out.push(`CREATE VIEW obs_${i - 4}_recent AS SELECT * FROM obs_${i - 4} WHERE observed_at > now() - interval '7 days';`);
    }
  }
  out.push('', '-- Down migration', 'SELECT 1;', '');
  return out.join('\n');
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const text = generate(1000);
  const statements = text.split('\n').filter((l) => l.endsWith(';')).length;

  const cold = await time(() => lintText(text, 'migrations/001_bench.sql'));
  const coldStats = parseCacheStats();

  const warmRuns: number[] = [];
  for (let i = 0; i < 10; i++) warmRuns.push(await time(() => lintText(text, 'migrations/001_bench.sql')));
  const warm = median(warmRuns);

  const lines = text.split('\n');
  const editRuns: number[] = [];
  for (let i = 0; i < 10; i++) {
    lines[500] = `INSERT INTO obs_495 (object_id, observed_at, note) VALUES (${i}, now(), 'edited ${i}');`;
    const edited = lines.join('\n');
    editRuns.push(await time(() => lintText(edited, 'migrations/001_bench.sql')));
  }
  const edit = median(editRuns);

  clearParseCache();
  const uncachedRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    clearParseCache();
    uncachedRuns.push(await time(() => lintText(text, 'migrations/001_bench.sql')));
  }
  const uncached = median(uncachedRuns);

  // Baseline: the bare parser on the whole file at once (no splitting, no rules).
  const parser = await loadParser();
  const sqlOnly = lines.filter((l) => !l.startsWith('--')).join('\n');
  const parseRuns: number[] = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); parser.parseSync(sqlOnly); parseRuns.push(performance.now() - t0); }
  const bareParse = median(parseRuns);

  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`lint benchmark: ${statements} statements, ${ALL_RULES.length} rules`);
  console.log(`  cold (parser load + parse + rules)      ${f(cold)}   (${coldStats.misses} statements parsed)`);
  console.log(`  uncached (parse + rules, parser loaded) ${f(uncached)}`);
  console.log(`  warm (parse cache hit, rules only)      ${f(warm)}`);
  console.log(`  re-lint after editing one statement     ${f(edit)}`);
  console.log(`  bare libpg-query parse of the file      ${f(bareParse)}`);
  console.log('ratios (same run):');
  console.log(`  uncached / bare parse   ${(uncached / bareParse).toFixed(2)}x`);
  console.log(`  warm / uncached         ${(warm / uncached).toFixed(2)}x`);
  console.log(`  one-edit / uncached     ${(edit / uncached).toFixed(2)}x`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

void main();
