/**
 * Lint benchmark: a generated 1,000-statement migration, linted cold (first
 * use: WASM parser load + every statement parsed), warm (parse cache full),
 * and after editing one statement (the editor's re-lint case). Prints times
 * and ratios measured in the same run; compare ratios, not absolute times.
 *
 * Then the peer comparison: our `--lint` vs `squawk` (squawk-cli) as whole
 * processes on three corpora (200 generated files of 50 statements, a realistic
 * history from bench/lint-corpus.ts, the NASA example), against a floor of a
 * bare Node process that loads libpg-query and parses every file (the least
 * work a parser-based linter in Node can do). Ours is measured cold (--no-cache:
 * every file parsed and linted) and warm (the lint cache filled by an earlier
 * run, no file changed), reported separately. Last, per 1,000-statement file,
 * our in-process lint vs a whole squawk process on that one file.
 *
 *   npm run bench:lint          (or node out/bench/lint.js)
 *   node out/bench/lint-floor.js DIR     (the floor process)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  PEER_BIN_DIR, CLI, REPO, REPS, type Stats, environmentLine, fmtMs, measureInterleaved, node, ratios, round2, run, runBenchmark, stats, statsTable, tempDir,
  writeResults, writeSection,
} from './common';
import { lintText } from '../src/lint/linter';
import { ALL_RULES } from '../src/lint/rules';
import { loadParser } from '../src/sql/parser';
import { clearParseCache, parseCacheStats } from '../src/sql/parse';
import { generatedMigration, writeGeneratedCorpus, writeRealisticCorpus } from './lint-corpus';

const generate = generatedMigration;

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
const REALISTIC_FILES = 20;
const REALISTIC_STATEMENTS = 25;
const NASA = path.join(REPO, 'examples', 'nasa-portal', 'migrations');

const FLOOR = 'floor: node + libpg-query parse only';
/** A separate script, so the floor process loads libpg-query and nothing else (not this benchmark's modules). */
const FLOOR_SCRIPT = path.join(__dirname, 'lint-floor.js');
const COLD = 'ours --lint, cold (--no-cache)';
const WARM = 'ours --lint, warm (lint cache, no file changed)';

/**
 * One corpus, whole processes interleaved: the parse-only floor, ours without the lint cache (every file parsed and
 * linted), ours with a warm cache (the cache filled by one earlier run, nothing changed since) and squawk.
 */
async function compareOnCorpus(root: string): Promise<Map<string, Stats>> {
  const corpus = path.join(root, 'migrations');
  const squawk = path.join(PEER_BIN_DIR, 'squawk');
  const lintCodes = [0, 1, 2, 6]; // both tools exit non-zero when they report problems
  await node(CLI, ['--lint', corpus], { cwd: root, okCodes: lintCodes }); // fills .migrations/lint-cache.json
  const commands: Record<string, () => Promise<number>> = {
    [FLOOR]: async () => (await node(FLOOR_SCRIPT, [corpus])).ms,
    [COLD]: async () => (await node(CLI, ['--lint', corpus, '--no-cache'], { cwd: root, okCodes: lintCodes })).ms,
    [WARM]: async () => (await node(CLI, ['--lint', corpus], { cwd: root, okCodes: lintCodes })).ms,
    squawk: async () => (await run(squawk, [path.join(corpus, '*.sql')], { cwd: root, okCodes: lintCodes })).ms,
  };
  return measureInterleaved(Object.keys(commands), REPS, async () => undefined, async (tool) => commands[tool]!());
}

function verdict(results: Map<string, Stats>, tool: string): string {
  const ours = results.get(tool)!.median;
  const squawk = results.get('squawk')!.median;
  return ours <= squawk ? `${(ours / squawk).toFixed(2)}× squawk-cli (target ≤ 1.0× met)` : `${(ours / squawk).toFixed(2)}× squawk-cli (target ≤ 1.0× not met)`;
}

async function main(): Promise<void> {
  const inproc = await inProcess();

  const dir = tempDir('lint');
  try {
    // Whole-process comparison on three corpora, each in its own project directory (its own lint cache).
    const generated = path.join(dir, 'generated');
    writeGeneratedCorpus(path.join(generated, 'migrations'), CORPUS_FILES, STATEMENTS_PER_FILE);
    const realistic = path.join(dir, 'realistic');
    writeRealisticCorpus(path.join(realistic, 'migrations'), REALISTIC_FILES, REALISTIC_STATEMENTS);
    const nasa = path.join(dir, 'nasa');
    fs.cpSync(NASA, path.join(nasa, 'migrations'), { recursive: true });
    const big = path.join(dir, 'big.sql');
    fs.writeFileSync(big, inproc.text);

    const sections: { key: string; title: string; results: Map<string, Stats> }[] = [];
    for (const [key, title, root] of [
      ['lint', `${CORPUS_FILES} generated migrations of ${STATEMENTS_PER_FILE} statements each (tables, indexes, columns, inserts, views)`, generated],
      ['lint_realistic', `a realistic history: ${REALISTIC_FILES} migrations of about ${REALISTIC_STATEMENTS} statements (bench/lint-corpus.ts: ADD COLUMN with defaults, foreign keys, CREATE INDEX CONCURRENTLY, PL/pgSQL functions and DO blocks, comments, a syntax error)`, realistic],
      ['lint_nasa', 'the NASA example (examples/nasa-portal/migrations)', nasa],
    ] as const) {
      console.log(`whole process: ${title}`);
      const results = await compareOnCorpus(root);
      console.log(statsTable(results, FLOOR));
      sections.push({ key, title, results });
    }

    // One 1,000-statement file: our in-process lint (parser loaded, cache cleared) vs a whole squawk process.
    const squawk = path.join(PEER_BIN_DIR, 'squawk');
    const squawkBigRuns: number[] = [];
    for (let i = 0; i < REPS; i++) squawkBigRuns.push((await run(squawk, [big], { cwd: dir, okCodes: [0, 1, 2, 6] })).ms);
    const squawkBig = stats(squawkBigRuns);
    writeSection('lint', [
      '## Lint: ours vs squawk-cli',
      '',
      `${await environmentLine()}.`,
      'Whole-process wall time. Floor: a Node process that loads libpg-query and parses every file (no splitting, no rules) — the least a parser-based linter in Node does.',
      'Cold: `--lint --no-cache`, every file parsed and linted. Warm: `--lint` with the lint cache (.migrations/lint-cache.json) filled by an earlier run and no file changed since — the usual case of linting a history where one file is new.',
      ...sections.flatMap((s) => [
        '',
        `### ${s.title[0]!.toUpperCase()}${s.title.slice(1)}`,
        '',
        statsTable(s.results, FLOOR),
        '',
        `Cold: ${verdict(s.results, COLD)}. Warm: ${verdict(s.results, WARM)}.`,
      ]),
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
      ...Object.fromEntries(sections.map((s) => [s.key, ratios(s.results, FLOOR)])),
      lint_1000_statements: {
        'floor: bare parse': 1, ours_uncached: round2(inproc.uncached / inproc.bareParse), ours_warm: round2(inproc.warm / inproc.bareParse),
        ours_one_edit: round2(inproc.edit / inproc.bareParse), squawk_whole_process: round2(squawkBig.median / inproc.bareParse),
      },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (require.main === module) runBenchmark(main);
