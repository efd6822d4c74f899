/**
 * Lint benchmark: a generated 1,000-statement migration, linted cold (first
 * use: WASM parser load + every statement parsed), warm (parse cache full),
 * and after editing one statement (the editor's re-lint case). Prints times
 * and ratios measured in the same run; compare ratios, not absolute times.
 *
 * Then the peer comparison: our `--lint` vs `squawk` (squawk-cli) as whole
 * processes on the same generated corpus, against a floor of a bare Node
 * process that loads libpg-query and parses every file (the least work a
 * parser-based linter in Node can do); and per 1,000-statement file, our
 * in-process lint vs a whole squawk process on that one file.
 *
 *   npm run bench:lint          (or node out/bench/lint.js)
 *   node out/bench/lint.js --parse-only DIR     (the floor process)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BIN, PEER_BIN_DIR, CLI, REPS, environmentLine, fmtMs, measureInterleaved, node, ratios, round2, run, runBenchmark, stats, statsTable, tempDir,
  writeResults, writeSection,
} from './common';
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

async function inProcess(): Promise<{ text: string; uncached: number; warm: number; bareParse: number; cold: number; edit: number }> {
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
  return { text, uncached, warm, bareParse, cold, edit };
}

const CORPUS_FILES = 200;
const STATEMENTS_PER_FILE = 50;

async function main(): Promise<void> {
  const inproc = await inProcess();

  // Whole-process comparison on a corpus of generated migrations.
  const dir = tempDir('lint');
  try {
    const corpus = path.join(dir, 'migrations');
    fs.mkdirSync(corpus);
    for (let i = 1; i <= CORPUS_FILES; i++) fs.writeFileSync(path.join(corpus, `${String(i).padStart(4, '0')}_bench.sql`), generate(STATEMENTS_PER_FILE, i));
    const big = path.join(dir, 'big.sql');
    fs.writeFileSync(big, inproc.text);
    const squawk = path.join(PEER_BIN_DIR, 'squawk');
    const self = __filename;
    const lintCodes = [0, 1, 2, 6]; // both tools exit non-zero when they report problems
    const commands: Record<string, () => Promise<number>> = {
      'floor: node + libpg-query parse only': async () => (await node(self, ['--parse-only', corpus])).ms,
      'ours --lint': async () => (await node(CLI, ['--lint', corpus], { cwd: dir, okCodes: lintCodes })).ms,
      squawk: async () => (await run(squawk, [path.join(corpus, '*.sql')], { cwd: dir, okCodes: lintCodes })).ms,
    };
    console.log(`whole process: ${CORPUS_FILES} files x ${STATEMENTS_PER_FILE} statements`);
    const whole = await measureInterleaved(Object.keys(commands), REPS, async () => undefined, async (tool) => commands[tool]!());
    const table = statsTable(whole, 'floor: node + libpg-query parse only');
    console.log(table);

    // One 1,000-statement file: our in-process lint (parser loaded, cache cleared) vs a whole squawk process.
    const squawkBigRuns: number[] = [];
    for (let i = 0; i < REPS; i++) squawkBigRuns.push((await run(squawk, [big], { cwd: dir, okCodes: lintCodes })).ms);
    const squawkBig = stats(squawkBigRuns);
    const oursWhole = whole.get('ours --lint')!.median;
    const squawkWhole = whole.get('squawk')!.median;
    const verdict = oursWhole < squawkWhole ? 'faster than squawk-cli (target met)' : `${(oursWhole / squawkWhole).toFixed(1)}× slower than squawk-cli (target: faster)`;
    writeSection('lint', [
      '## Lint: ours vs squawk-cli',
      '',
      `${await environmentLine()}.`,
      `Corpus: ${CORPUS_FILES} generated migrations of ${STATEMENTS_PER_FILE} statements each (tables, indexes, columns, inserts, views). Whole-process wall time.`,
      'Floor: a Node process that loads libpg-query and parses every file (no splitting, no rules) — the least a parser-based linter in Node does.',
      '',
      table,
      '',
      `Ours: ${verdict}.`,
      '',
      `### One 1,000-statement file`,
      '',
      '| measurement | median |',
      '|---|---:|',
      `| ours in-process, parser loaded, parse cache cleared | ${fmtMs(inproc.uncached)} |`,
      `| ours in-process, cold (first use: WASM load + parse + rules) | ${fmtMs(inproc.cold)} |`,
      `| ours in-process, warm (parse cache hit, rules only) | ${fmtMs(inproc.warm)} |`,
      `| ours in-process, re-lint after editing one statement | ${fmtMs(inproc.edit)} |`,
      `| bare libpg-query parse of the file (in-process floor) | ${fmtMs(inproc.bareParse)} |`,
      `| squawk, whole process on the file | ${fmtMs(squawkBig.median)} |`,
    ].join('\n'));
    writeResults({
      lint: ratios(whole, 'floor: node + libpg-query parse only'),
      lint_1000_statements: {
        'floor: bare parse': 1, ours_uncached: round2(inproc.uncached / inproc.bareParse), ours_warm: round2(inproc.warm / inproc.bareParse),
        ours_one_edit: round2(inproc.edit / inproc.bareParse), squawk_whole_process: round2(squawkBig.median / inproc.bareParse),
      },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor process: load the parser and parse every .sql file in DIR. */
async function parseOnly(dir: string): Promise<void> {
  const parser = await loadParser();
  let statements = 0;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    statements += (parser.parseSync(fs.readFileSync(path.join(dir, name), 'utf8')) as { stmts: unknown[] }).stmts.length;
  }
  console.log(`${statements} statements`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (require.main === module) {
  const i = process.argv.indexOf('--parse-only');
  runBenchmark(i >= 0 ? () => parseOnly(process.argv[i + 1]!) : main);
}
