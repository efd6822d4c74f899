/**
 * Status benchmark: 10,000 migration files on disk and 10,000 applied rows in
 * the history table; time each tool's status/list command as a whole process.
 * Floor: `psql` reading our 10,000 history rows (spawn + connect + query + print).
 * Target (issue 13): ours under 150 ms of process time.
 *
 * Second part, the embedded database: `--status` on PGlite with an existing data directory (PGLITE_N
 * migrations recorded), against a floor of a bare `node -e` that opens PGlite on the same directory, runs
 * one query and prints its rows. Target (issue 13): ours ≤ 600 ms.
 *
 *   node out/bench/status.js [N] [PGLITE_N]       (defaults: 10000, 200)
 *   node out/bench/status.js pglite [PGLITE_N]    (the embedded-database part only)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { graphileChain, padVersion, writeCorpus, type Tool } from './corpus';
import {
  BIN, PEER_BIN_DIR, CLI, REPS, dropDatabase, environmentLine, fmtMs, freshDatabase, measureInterleaved, node, psql, query, ratios, run,
  runBenchmark, statsTable, tempDir, writeResults, writeSection,
} from './common';

const POSTGRATOR_RUNNER = path.join(__dirname, 'postgrator-runner.js');
const TARGET_MS = 150; // issue 13: 150 ms of process time
const PGLITE_TARGET_MS = 600;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10000);
  console.log(`status: ${n} files, ${n} applied rows`);
  const root = tempDir('status');
  const tools: Tool[] = ['ours', 'node-pg-migrate', 'postgrator', 'dbmate', 'graphile-migrate'];
  const dirs = {} as Record<Tool, string>;
  for (const t of tools) {
    fs.mkdirSync(path.join(root, t));
    dirs[t] = writeCorpus(t, path.join(root, t), n);
  }
  const db = await freshDatabase('status');
  try {
    // History rows, untimed. Ours: --baseline records every file as applied without running it.
    await node(CLI, ['--baseline', String(n), '--url', db.url], { cwd: path.join(root, 'ours') });
    const values = (f: (i: number) => string): string => Array.from({ length: n }, (_, k) => f(k + 1)).join(',');
    await query(db.url, `CREATE TABLE pgmigrations (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
      INSERT INTO pgmigrations (name, run_on) VALUES ${values((i) => `('${padVersion(i)}_create_t${i}', now())`)}`);
    await query(db.url, `CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
      INSERT INTO schema_migrations (version) VALUES ${values((i) => `('${padVersion(i)}')`)}`);
    await node(POSTGRATOR_RUNNER, ['status', path.join(root, 'postgrator', 'empty'), db.url]).catch(() => undefined);
    await query(db.url, `CREATE TABLE IF NOT EXISTS schemaversion (version bigint PRIMARY KEY, name text, md5 text, run_at timestamptz);
      INSERT INTO schemaversion (version, name, md5, run_at) VALUES ${values((i) => `(${i}, 'create_t${i}', '', now())`)}`);
    const chain = graphileChain(n);
    await query(db.url, `CREATE SCHEMA graphile_migrate;
      CREATE TABLE graphile_migrate.migrations (hash text PRIMARY KEY, previous_hash text REFERENCES graphile_migrate.migrations, filename text NOT NULL, date timestamptz NOT NULL DEFAULT now());
      CREATE TABLE graphile_migrate.current (filename text PRIMARY KEY DEFAULT 'current.sql', content text NOT NULL, date timestamptz NOT NULL DEFAULT now());
      INSERT INTO graphile_migrate.migrations (hash, previous_hash, filename) VALUES ${chain.map((c) => `('${c.hash}', ${c.previousHash ? `'${c.previousHash}'` : 'NULL'}, '${c.filename}')`).join(',')}`);
    fs.writeFileSync(path.join(root, 'graphile-migrate', 'migrations', 'current.sql'), '');

    const commands: Record<string, () => Promise<{ ms: number; stdout: string }>> = {
      'floor: psql SELECT history': () => psql(db.url, ['-A', '-t', '-c', 'SELECT version, name, checksum, applied_at FROM database_migrations ORDER BY version']),
      'ours --status': () => node(CLI, ['--status', '--url', db.url], { cwd: path.join(root, 'ours') }),
      'ours --status --json': () => node(CLI, ['--status', '--json', '--url', db.url], { cwd: path.join(root, 'ours') }),
      'node-pg-migrate up (nothing pending)': () => run(path.join(BIN, 'node-pg-migrate'), ['up', '-m', dirs['node-pg-migrate'], '--no-verbose'], { cwd: path.join(root, 'node-pg-migrate'), env: { DATABASE_URL: db.url } }),
      'postgrator (status runner)': () => node(POSTGRATOR_RUNNER, ['status', dirs.postgrator, db.url]),
      'dbmate status': () => run(path.join(PEER_BIN_DIR, 'dbmate'), ['--url', `${db.url}?sslmode=disable`, '-d', dirs.dbmate, 'status'], { cwd: path.join(root, 'dbmate') }),
      'graphile-migrate status': () => run(path.join(BIN, 'graphile-migrate'), ['status'], { cwd: path.join(root, 'graphile-migrate'), env: { DATABASE_URL: db.url, SHADOW_DATABASE_URL: `${db.url}_shadow_unused` } }),
    };
    // Sanity: every tool sees n applied migrations and nothing pending.
    const ours = JSON.parse((await commands['ours --status --json']!()).stdout) as { migrations: { state: string }[] };
    if (ours.migrations.length !== n || ours.migrations.some((s) => s.state !== 'applied')) throw new Error(`ours: expected ${n} applied migrations`);
    const dbmate = (await commands['dbmate status']!()).stdout;
    if (!dbmate.includes(`Applied: ${n}`) || !dbmate.includes('Pending: 0')) throw new Error(`dbmate status does not see ${n} applied: ${dbmate.slice(-200)}`);
    const pgr = (await commands['postgrator (status runner)']!()).stdout;
    if (pgr.includes('pending')) throw new Error('postgrator sees pending migrations');

    const results = await measureInterleaved(Object.keys(commands), REPS, async () => undefined, async (tool) => (await commands[tool]!()).ms);
    const table = statsTable(results, 'floor: psql SELECT history');
    console.log(table);
    const oursMs = results.get('ours --status')!.median;
    const verdict = oursMs <= TARGET_MS ? `meets the ${TARGET_MS} ms target` : `misses the ${TARGET_MS} ms target`;
    writeSection('status', [
      `## Status: ${n.toLocaleString('en')} files on disk, ${n.toLocaleString('en')} applied rows`,
      '',
      `${await environmentLine()}.`,
      'Whole-process wall time of each tool\'s status/list command on one database holding every tool\'s history table.',
      'node-pg-migrate has no status command: the closest is `up` with nothing pending (reads every file and the history, applies nothing).',
      'postgrator has no CLI: `bench/postgrator-runner.ts status` lists files with their state. The floor is `psql` printing our history rows.',
      '',
      table,
      '',
      `Ours (\`--status\`, plain-text table): ${fmtMs(oursMs)} median — ${verdict}.`,
    ].join('\n'));
    const vsDbmate = oursMs / results.get('dbmate status')!.median;
    writeResults({ status: { ...ratios(results, 'floor: psql SELECT history'), 'ours --status / dbmate status': Math.round(vsDbmate * 100) / 100 } });
    console.log(`ours --status / dbmate status: ${vsDbmate.toFixed(2)}×`);
  } finally {
    await dropDatabase(db.name);
    fs.rmSync(root, { recursive: true, force: true });
  }
  await pgliteStatus(Number(process.argv[3] ?? 200));
}

/** `--status` on the embedded database with an existing data directory, against opening PGlite bare. */
export async function pgliteStatus(n: number): Promise<void> {
  console.log(`status on PGlite: ${n} files, ${n} recorded`);
  const root = tempDir('status-pglite');
  try {
    writeCorpus('ours', root, n);
    // No config and no URL: the embedded database in .migrations/pglite/development (created here, untimed).
    await node(CLI, ['--baseline', String(n)], { cwd: root });
    const dataDir = path.join(root, '.migrations', 'pglite', 'development');
    const floorScript = `const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite'))});
      (async () => { const db = new PGlite(${JSON.stringify(dataDir)}); const r = await db.query('SELECT version, name, checksum, applied_at FROM database_migrations ORDER BY version');
        for (const row of r.rows) process.stdout.write(row.version + '|' + row.name + '\\n'); await db.close(); })();`;
    const commands: Record<string, () => Promise<{ ms: number; stdout: string }>> = {
      'floor: node -e, open PGlite, one query': () => run(process.execPath, ['-e', floorScript], { cwd: root }),
      'floor, with --liftoff-only': () => run(process.execPath, ['--liftoff-only', '-e', floorScript], { cwd: root }),
      'ours --status (PGlite)': () => node(CLI, ['--status'], { cwd: root }),
    };
    const floorRows = (await commands['floor: node -e, open PGlite, one query']!()).stdout.trim().split('\n').length;
    if (floorRows !== n) throw new Error(`floor: expected ${n} history rows, got ${floorRows}`);
    const ours = JSON.parse((await node(CLI, ['--status', '--json'], { cwd: root })).stdout) as { migrations: { state: string }[] };
    if (ours.migrations.length !== n || ours.migrations.some((s) => s.state !== 'applied')) throw new Error(`ours on PGlite: expected ${n} applied migrations`);
    const results = await measureInterleaved(Object.keys(commands), REPS, async () => undefined, async (tool) => (await commands[tool]!()).ms);
    const floor = 'floor: node -e, open PGlite, one query';
    const table = statsTable(results, floor);
    console.log(table);
    const oursMs = results.get('ours --status (PGlite)')!.median;
    writeSection('status-pglite', [
      `## Status on the embedded database: ${n} files, an existing PGlite data directory`,
      '',
      `Node ${process.version}; ${REPS} repetitions, interleaved; ${new Date().toISOString().slice(0, 10)}.`,
      'Whole-process wall time. The floor is a bare `node -e` that opens PGlite on the same data directory, runs one query',
      '(the history rows) and prints them; the same floor with `--liftoff-only` (the V8 flag the CLI sets, see',
      '`src/cli/index.ts`) is shown for comparison. No peer tool runs on PGlite.',
      '',
      table,
      '',
      `Ours (\`--status\` on PGlite): ${fmtMs(oursMs)} median — ${oursMs <= PGLITE_TARGET_MS ? 'meets' : 'misses'} the ${PGLITE_TARGET_MS} ms target.`,
    ].join('\n'));
    writeResults({ 'status-pglite': ratios(results, floor) });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) runBenchmark(process.argv[2] === 'pglite' ? () => pgliteStatus(Number(process.argv[3] ?? 200)) : main);
