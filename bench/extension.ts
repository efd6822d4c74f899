/**
 * The extension's lint engine as the editor drives it, on the e2e test's 1,000-line migration
 * (test/e2e/large-migration.ts): what the user waits for, without the editor around it.
 *
 * - cold, in fresh processes: loading the linter's code, the parser WASM, the first lint of the file, and the
 *   lint after one keystroke that follows it (what the first open and the first edit cost);
 * - warm, in this process, interleaved: the re-lint after one keystroke (a character typed in a column name, and a
 *   "(" typed that makes a syntax error) parsed as an edit of the text linted before (incremental: only the edited
 *   statement is parsed again) vs parsed from scratch (the parse state cleared first, as every lint was before).
 *
 * Writes the "engine" entry of bench/extension-results.json (the e2e test writes the editor's figures there).
 * Compare ratios measured in the same run; absolute times depend on the machine.
 *
 *   npm run build && node out/bench/extension.js [reps]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { largeMigration } from '../test/e2e/large-migration';

const FILE = '/project/migrations/002_large_catalogue.sql';
const OPTIONS = { asMigration: true };
const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'extension-results.json');

/** One keystroke on line 4 ("    id bigint ..." of catalogue_0 → "    idx bigint ...") and one that breaks line 3. */
function keystrokes(text: string): { rename: string; syntaxError: string } {
  return {
    rename: text.replace('    id bigint GENERATED', '    idx bigint GENERATED'),
    syntaxError: text.replace('CREATE TABLE catalogue_0 (', 'CREATE TABLE catalogue_0 (('),
  };
}

async function cold(): Promise<void> {
  const t0 = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { lintText } = require('../src/lint/linter') as typeof import('../src/lint/linter');
  const { loadParser } = require('../src/sql/parser') as typeof import('../src/sql/parser');
  const t1 = performance.now();
  await loadParser();
  const t2 = performance.now();
  const text = largeMigration(1000);
  const findings = await lintText(text, FILE, OPTIONS);
  const t3 = performance.now();
  await lintText(keystrokes(text).rename, FILE, OPTIONS);
  const t4 = performance.now();
  process.stdout.write(JSON.stringify({ loadCode: t1 - t0, loadParser: t2 - t1, firstLint: t3 - t2, firstKeystroke: t4 - t3, findings: findings.length }));
}

async function warm(reps: number): Promise<Record<string, number[]>> {
  const { lintText } = require('../src/lint/linter') as typeof import('../src/lint/linter');
  const { clearParseCache } = require('../src/sql/parse') as typeof import('../src/sql/parse');
  const text = largeMigration(1000);
  const edits = keystrokes(text);
  const out: Record<string, number[]> = {};
  const time = async (key: string, edited: string, incremental: boolean): Promise<void> => {
    await lintText(text, FILE, OPTIONS); // the state before the keystroke
    if (!incremental) clearParseCache();
    const t = performance.now();
    const cpu = process.cpuUsage();
    await lintText(edited, FILE, OPTIONS);
    const used = process.cpuUsage(cpu);
    (out[key] ??= []).push(performance.now() - t);
    // CPU time of the process: on a busy machine wall time also counts the time other processes had the CPU.
    (out[`${key}_cpu`] ??= []).push((used.user + used.system) / 1000);
  };
  await lintText(text, FILE, OPTIONS);
  for (let i = 0; i < reps; i++) {
    await time('rename_incremental', edits.rename, true);
    await time('rename_whole', edits.rename, false);
    await time('syntax_error_incremental', edits.syntaxError, true);
    await time('syntax_error_whole', edits.syntaxError, false);
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 7);
  const colds: Record<string, number>[] = [];
  for (let i = 0; i < Math.max(3, Math.ceil(reps / 2)); i++) {
    colds.push(JSON.parse(execFileSync(process.execPath, [__filename, '--cold'], { encoding: 'utf8' })) as Record<string, number>);
  }
  const w = await warm(reps);
  const coldMedian = Object.fromEntries(['loadCode', 'loadParser', 'firstLint', 'firstKeystroke'].map((k) => [k, r1(median(colds.map((c) => c[k]!)))]));
  const coldMin = Object.fromEntries(['loadCode', 'loadParser', 'firstLint', 'firstKeystroke'].map((k) => [k, r1(Math.min(...colds.map((c) => c[k]!)))]));
  const warmMedian = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, r1(median(v))]));
  // On a busy machine the fastest run is the best estimate of the work itself.
  const warmMin = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, r1(Math.min(...v))]));
  const engine = {
    measuredAt: new Date().toISOString(),
    file: '1,000-line migration of test/e2e/large-migration.ts',
    coldMs: coldMedian,
    coldMinMs: coldMin,
    keystrokeRelintMs: warmMedian,
    keystrokeRelintMinMs: warmMin,
    ratios: Object.fromEntries(['rename', 'syntax_error', 'rename_cpu', 'syntax_error_cpu'].flatMap((k) => {
      const [inc, whole] = k.endsWith('_cpu') ? [`${k.slice(0, -4)}_incremental_cpu`, `${k.slice(0, -4)}_whole_cpu`] : [`${k}_incremental`, `${k}_whole`];
      return [[`${k}_incremental_vs_whole`, Math.round((warmMedian[inc]! / warmMedian[whole]!) * 100) / 100],
        [`${k}_incremental_vs_whole_min`, Math.round((warmMin[inc]! / warmMin[whole]!) * 100) / 100]];
    })),
    reps: { cold: colds.length, warm: reps },
  };
  console.log(JSON.stringify(engine, null, 2));
  const previous = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(RESULTS, `${JSON.stringify({ ...previous, engine }, null, 2)}\n`);
}

if (process.argv[2] === '--cold') void cold();
else if (require.main === module) main().catch((err) => { console.error(err); process.exitCode = 1; });
