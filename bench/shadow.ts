/**
 * Shadow benchmark (issue 15): rebuilding the expected schema of the NASA example after its last migration is edited.
 *
 *   - full replay: a new project (empty .migrations/shadow) replays all 11 migrations: the floor every other line is
 *     compared with, measured in the same run;
 *   - warm edit: the editor's case: the service is open, the last migration is edited, the service rebuilds (target
 *     ≤ 1 s): it rolls back to the migration's savepoint and replays it alone;
 *   - cold edit: a new process (the CLI's --drift or --schema-dump) after the same edit: it starts the embedded
 *     database from the snapshot stored before the last migration and replays that one;
 *   - unchanged: a new process when nothing changed: the catalog comes from the cache, no database is started.
 *
 *   node out/bench/shadow.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/core/config';
import { ShadowService } from '../src/core/shadow/service';
import { REPO, REPS, fmtMs, round2, runBenchmark, stats, tempDir, writeResults, writeSection, type Stats } from './common';

const TARGET_MS = 1000;
const EXAMPLE = path.join(REPO, 'examples', 'nasa-portal');

function copyExample(): string {
  const dir = tempDir('shadow');
  fs.cpSync(path.join(EXAMPLE, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
  fs.copyFileSync(path.join(EXAMPLE, 'database-migration.config.json'), path.join(dir, 'database-migration.config.json'));
  return dir;
}

function lastMigration(dir: string): string {
  const files = fs.readdirSync(path.join(dir, 'migrations')).filter((f) => f.endsWith('.sql')).sort();
  return path.join(dir, 'migrations', files[files.length - 1]!);
}

/** An edit an author makes: one more statement in the up section. */
function edit(file: string, original: string, rep: number): void {
  fs.writeFileSync(file, original.replace(/^-- Down migration/m, `CREATE INDEX IF NOT EXISTS bench_edit_${rep} ON missions (launch_date);\n\n-- Down migration`));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const samples: Record<string, number[]> = { full: [], warm: [], cold: [], unchanged: [] };
  for (let rep = 0; rep < REPS; rep++) {
    const dir = copyExample();
    const config = loadConfig({ cwd: dir });
    const last = lastMigration(dir);
    const original = fs.readFileSync(last, 'utf8');
    // Full replay into an empty project cache.
    const first = new ShadowService(config);
    samples['full']!.push(await timed(() => first.refresh()));
    samples['unchanged']!.push(await timed(() => new ShadowService(config).refresh()));
    // Cold edit: a new process after the last migration changed.
    edit(last, original, rep * 2);
    samples['cold']!.push(await timed(() => new ShadowService(config).refresh()));
    // Warm edit: the editor's open service (warmed first, as the editor does in the background).
    const warm = new ShadowService(config, { keepWarm: true });
    await warm.refresh();
    edit(last, original, rep * 2 + 1);
    await warm.refresh();
    edit(last, original, rep * 2 + 100);
    samples['warm']!.push(await timed(() => warm.refresh()));
    await warm.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`  rep ${rep + 1}/${REPS} done\n`);
  }
  const results = new Map<string, Stats>(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
  const base = results.get('full')!.median;
  const labels: Record<string, string> = {
    full: 'full replay of 11 migrations (floor)', warm: 'warm edit of the last migration (editor)',
    cold: 'cold edit of the last migration (new process)', unchanged: 'nothing changed (new process, cache only)',
  };
  const rows = ['| build | median | min – max | ratio to full replay |', '|---|---:|---:|---:|'];
  for (const [k, s] of results) rows.push(`| ${labels[k]} | ${fmtMs(s.median)} | ${fmtMs(s.min)} – ${fmtMs(s.max)} | ${(s.median / base).toFixed(2)}× |`);
  const warmMs = results.get('warm')!.median;
  const verdict = warmMs <= TARGET_MS ? `meets the ≤ ${TARGET_MS} ms target` : `MISSES the ≤ ${TARGET_MS} ms target`;
  const md = [
    '## Shadow schema rebuild (NASA example, 11 migrations)',
    '',
    `Rebuilding the expected schema after the last migration is edited. Warm edit: ${fmtMs(warmMs)} median, ${verdict}.`,
    '',
    rows.join('\n'),
  ].join('\n');
  console.log(md);
  writeSection('shadow', md);
  writeResults({ shadow: Object.fromEntries([...results].map(([k, s]) => [k, round2(s.median / base)])) });
}

runBenchmark(main);
