/**
 * Backup overhead: our `--up` of one small pending migration with its automatic
 * backup, vs `pg_dump -Fc` of the same database alone (the floor), on the seeded
 * NASA example database with generated observations. The ratio should approach 1:
 * the backup is pg_dump plus bookkeeping (checksum, manifest, log row).
 *
 *   node out/bench/backup.js [OBSERVATION_ROWS]     (default: 300000)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nasaProject, nasaTemplate } from './nasa';
import {
  CLI, PG_DUMP, REPS, dropDatabase, environmentLine, fmtMs, freshDatabase, measureInterleaved, node, query, ratios, run, runBenchmark,
  server, statsTable, tempDir, writeResults, writeSection,
} from './common';

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 300000);
  const srv = await server();
  const dumpVersion = (await run(PG_DUMP, ['--version'])).stdout;
  const dumpMajor = Number(/(\d+)\./.exec(dumpVersion)?.[1] ?? 0);
  if (dumpMajor < srv.major) {
    writeSection('backup', `## Backup overhead\n\nSkipped: ${PG_DUMP} is ${dumpVersion.trim()}, older than the PostgreSQL ${srv.major} server (set BENCH_PG_DUMP).`);
    console.log('backup: skipped, pg_dump too old for the server');
    return;
  }
  const work = tempDir('backup');
  console.log(`backup: NASA example database + ${rows} observations`);
  const template = await nasaTemplate('backuptpl', work, rows);
  try {
    const size = (await query(template.url, 'SELECT pg_size_pretty(pg_database_size(current_database())) AS s')).rows[0] as { s: string };
    const tools = ['floor: pg_dump -Fc', 'ours --up (with backup)', 'ours --up --no-backup'];
    let rep = 0;
    const results = await measureInterleaved(tools, REPS,
      async (tool) => {
        const db = await freshDatabase('backup', template.name);
        const dir = nasaProject(path.join(work, `run-${rep++}`));
        fs.writeFileSync(path.join(dir, 'migrations', '99999_backup_probe.sql'), '-- Up migration\nCREATE TABLE backup_probe (id int);\n\n-- Down migration\nDROP TABLE backup_probe;\n');
        void tool;
        return { db, dir };
      },
      async (tool, { db, dir }) => {
        switch (tool) {
          case 'floor: pg_dump -Fc': return (await run(PG_DUMP, ['-Fc', '-f', path.join(dir, 'dump.pgdump'), '-d', db.url])).ms;
          case 'ours --up (with backup)': {
            const r = await node(CLI, ['--up', '--url', db.url], { cwd: dir });
            const backups = fs.readdirSync(path.join(dir, '.migrations', 'backups'), { recursive: true }).map(String);
            if (!backups.some((f) => /\.(dump|pgdump|sql|tar|gz)$/.test(f) || f.includes('.'))) throw new Error(`no backup written: ${backups.join(', ')}`);
            return r.ms;
          }
          default: return (await node(CLI, ['--up', '--no-backup', '--url', db.url], { cwd: dir })).ms;
        }
      },
      async (_tool, { db, dir }) => { await dropDatabase(db.name); fs.rmSync(dir, { recursive: true, force: true }); });
    const table = statsTable(results, 'floor: pg_dump -Fc');
    console.log(table);
    const withB = results.get('ours --up (with backup)')!.median;
    const without = results.get('ours --up --no-backup')!.median;
    const dump = results.get('floor: pg_dump -Fc')!.median;
    writeSection('backup', [
      '## Backup overhead: `--up` with its automatic backup vs `pg_dump -Fc` alone',
      '',
      `${await environmentLine()}.`,
      `Database: the NASA example (migrations + seeds) with ${rows.toLocaleString('en')} generated observations, ${size.s}; one small pending migration; a fresh copy per run.`,
      '',
      table,
      '',
      `Backup cost inside \`--up\` (with − without): ${fmtMs(withB - without)}, ${((withB - without) / dump).toFixed(2)}× a bare \`pg_dump -Fc\`.`,
    ].join('\n'));
    writeResults({ backup: ratios(results, 'floor: pg_dump -Fc') });
  } finally {
    await dropDatabase(template.name);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) runBenchmark(main);
