/**
 * CPU profiles of the CLI on the benchmark workloads: where a process's CPU time goes, by module and by function
 * (self time from `node --cpu-prof`, idle time left out). With `--base <checkout>` the same workloads are profiled with
 * that checkout's dist/cli.js too, side by side: the evidence behind each change described in BENCHMARKS.md.
 *
 *   node out/bench/profiles.js [--base /path/to/older/checkout] [--reps N]
 *
 * Each workload runs REPS times per CLI (default 3) and the run with the median CPU total is summarised.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCorpus } from './corpus';
import { generatedMigration } from './lint-corpus';
import { CLI, dropDatabase, environmentLine, freshDatabase, run, runBenchmark, tempDir, writeSection } from './common';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
export interface ProfileSummary { cpuMs: number; byModule: [string, number][]; byFunction: [string, number][] }

/** A module's short name: a package under node_modules, our bundle, Node's internals, or V8's pseudo-frames. */
function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : 'native code';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm://')) return 'WebAssembly';
  return path.basename(url);
}

/** Self time per module and per function of one .cpuprofile (idle samples left out). */
export function summariseProfile(profile: CpuProfile, top = 10): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let cpu = 0;
  profile.samples.forEach((id, i) => {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    cpu += us;
    const mod = moduleOf(cf.url, cf.functionName);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    const fn = cf.url ? `${cf.functionName || '(anonymous)'} (${mod}:${cf.lineNumber + 1})` : cf.functionName || '(native)';
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  });
  const topOf = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round(v / 1000)]);
  return { cpuMs: Math.round(cpu / 1000), byModule: topOf(modules), byFunction: topOf(functions) };
}

interface Workload { name: string; args: string[]; cwd: string; database?: boolean; setup?: (url: string) => Promise<unknown> }

async function profileRun(cli: string, w: Workload, dir: string): Promise<ProfileSummary> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = w.database ? await freshDatabase('prof') : null;
  try {
    if (db && w.setup) await w.setup(db.url);
    const args = db ? [...w.args, '--url', db.url] : w.args;
    const r = await run(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, cli, ...args], { cwd: w.cwd, okCodes: [0, 6] });
    if (r.code !== 0 && r.code !== 6) throw new Error(`${w.name}: exit ${r.code}: ${r.stderr.slice(-300)}`);
  } finally {
    if (db) await dropDatabase(db.name);
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${w.name}: no CPU profile written`);
  return summariseProfile(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile);
}

function table(title: string, rows: [string, number][]): string {
  return [`| ${title} | CPU ms |`, '|---|---:|', ...rows.map(([k, v]) => `| ${k.replace(/\|/g, '\\|')} | ${v} |`)].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const baseAt = argv.indexOf('--base');
  const base = baseAt >= 0 ? path.join(path.resolve(argv[baseAt + 1]!), 'dist', 'cli.js') : null;
  const repsAt = argv.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 3;
  const root = tempDir('profiles');
  fs.mkdirSync(path.join(root, 'up'));
  writeCorpus('ours', path.join(root, 'up'), 200);
  fs.mkdirSync(path.join(root, 'status'));
  writeCorpus('ours', path.join(root, 'status'), 10000);
  fs.mkdirSync(path.join(root, 'lint', 'migrations'), { recursive: true });
  for (let i = 1; i <= 200; i++) fs.writeFileSync(path.join(root, 'lint', 'migrations', `${String(i).padStart(4, '0')}_generated.sql`), generatedMigration(50, i));
  const workloads: Workload[] = [
    { name: '`--up`, 200 migrations (PostgreSQL, fresh database)', args: ['--up', '--no-backup'], cwd: path.join(root, 'up'), database: true },
    {
      name: '`--status`, 10,000 files and 10,000 applied rows (PostgreSQL)', args: ['--status'], cwd: path.join(root, 'status'), database: true,
      // Untimed: the history (every file recorded as applied), then one --status that leaves any cache it keeps warm.
      setup: async (url) => { await run(process.execPath, [CLI, '--baseline', '10000', '--url', url], { cwd: path.join(root, 'status') }); await run(process.execPath, [CLI, '--status', '--url', url], { cwd: path.join(root, 'status') }); },
    },
    { name: '`--lint --no-cache`, 200 files × 50 statements', args: ['--lint', '--no-cache', 'migrations'], cwd: path.join(root, 'lint') },
  ];
  const clis: [string, string][] = base ? [['before', base], ['now', CLI]] : [['now', CLI]];
  const out: string[] = [
    '## CPU profiles of the CLI',
    '',
    `${await environmentLine()}. \`node out/bench/profiles.js${base ? ' --base <older checkout>' : ''}\`: self time by module and by function from`,
    '`node --cpu-prof` (idle time left out), the median of each workload\'s runs by CPU total.',
  ];
  try {
    for (const w of workloads) {
      out.push('', `### ${w.name}`);
      for (const [label, cli] of clis) {
        const runs: ProfileSummary[] = [];
        for (let k = 0; k < reps; k++) runs.push(await profileRun(cli, w, path.join(root, 'prof')));
        runs.sort((a, b) => a.cpuMs - b.cpuMs);
        const s = runs[Math.floor(runs.length / 2)]!;
        console.log(`${w.name} ${label}: ${s.cpuMs} ms CPU`);
        out.push('', `**${label}**: ${s.cpuMs} ms of CPU in JavaScript, WebAssembly, GC and native calls.`, '', table('module', s.byModule.slice(0, 8)), '', table('function', s.byFunction));
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  writeSection('profiles', out.join('\n'));
}

if (require.main === module) runBenchmark(main);
