/** Building fleets for the tests: throwaway databases on the server, a project directory, and reading each target back. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { PGliteDatabase } from '../../src/core/db/pglite-database';
import { adminQuery, cleanEnv, postgresServer, queryUrl, withDatabase, type CliResult } from './harness';

export { queryUrl };

let counter = 0;

export interface FleetProject {
  dir: string;
  urls: string[];
  /** Creates `n` more databases (unique names), returning their URLs. */
  createDatabases(n: number): Promise<string[]>;
  writeConfig(config: Record<string, unknown>): void;
  write(rel: string, text: string): void;
  cli(args: string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export async function fleetProject(migrations: Record<string, string>): Promise<FleetProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-fleet-'));
  const names: string[] = [];
  const server = await postgresServer();
  const project: FleetProject = {
    dir,
    urls: [],
    async createDatabases(n) {
      const made: string[] = [];
      for (let k = 0; k < n; k++) {
        const name = `dmf_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 6)}`;
        await adminQuery(`CREATE DATABASE ${name}`);
        names.push(name);
        made.push(withDatabase(server.adminUrl, name));
      }
      project.urls.push(...made);
      return made;
    },
    writeConfig(config) {
      fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({ lockWaitMs: 20000, ...config }, null, 2));
    },
    write(rel, text) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    },
    async cli(args) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(args, { cwd: dir, env: cleanEnv(), output: { out: (t) => { stdout += `${t}\n`; }, err: (t) => { stderr += `${t}\n`; }, tty: false } });
      return { code, stdout, stderr };
    },
    async cleanup() {
      // At once: each DROP DATABASE waits for a checkpoint, and concurrent ones share it (20 in a row take ~20 s).
      await Promise.all(names.map((n) => adminQuery(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`).catch(() => {})));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const [rel, text] of Object.entries(migrations)) project.write(path.join('migrations', rel), text);
  return project;
}


export async function queryPglite<T = Record<string, unknown>>(dataDir: string, sql: string): Promise<T[]> {
  const db = new PGliteDatabase(dataDir);
  try {
    const s = await db.session();
    return (await s.query<T>(sql)).rows;
  } finally {
    await db.close();
  }
}

/** What the history says of each version in `schema` (applied rows, and 'up' log rows): the "exactly once" check. */
export const HISTORY_SQL = (schema = 'public') => `
  SELECT m.version, m.status, (SELECT count(*)::int FROM "${schema}".database_migrations_log l WHERE l.version = m.version AND l.action = 'up' AND l.success) AS ups
    FROM "${schema}".database_migrations m ORDER BY m.version`;

/** The most targets running at once, read from the "[label] start" / "done" / "failed" lines of a run's output. */
export function maxConcurrent(output: string): number {
  let now = 0;
  let max = 0;
  for (const line of output.split('\n')) {
    if (/^\[[^\]]+\] start/.test(line)) max = Math.max(max, ++now);
    else if (/^\[[^\]]+\] (done|failed):/.test(line)) now--;
  }
  return max;
}

/** Migration files: `n` small migrations, each creating a table t<k> with a row. */
export function smallMigrations(n: number, body: (k: number) => string = () => ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (let k = 1; k <= n; k++) {
    const v = String(k).padStart(3, '0');
    files[`${v}_t${k}.sql`] = `-- Up migration\nCREATE TABLE t${k} (id int PRIMARY KEY, note text);\nINSERT INTO t${k} VALUES (${k}, 'x');\n${body(k)}\n-- Down migration\nDROP TABLE t${k};\n`;
  }
  return files;
}
