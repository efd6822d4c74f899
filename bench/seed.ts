/**
 * Seeding throughput: rows/second loading generated observations into the NASA
 * example schema. `--seed --scale N` does not exist yet, so this measures what
 * does: `--seed` running a seeds/*.sql file of multi-row INSERTs (1,000 rows per
 * statement), vs the same file through `psql -1 -f`, vs `psql \copy` of the same
 * rows as CSV (the floor the issue names).
 *
 *   node out/bench/seed.js [ROWS]     (default: 100000)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nasaProject, nasaTemplate } from './nasa';
import {
  CLI, REPS, dropDatabase, environmentLine, freshDatabase, measureInterleaved, node, psql, query, ratios, runBenchmark, statsTable, tempDir,
  writeResults, writeSection, type Stats,
} from './common';

const COLUMNS = 'space_object_id, instrument, observed_at, right_ascension, declination, notes';

function rowValues(i: number, ids: number[]): string[] {
  const at = new Date(Date.UTC(2020, 0, 1) + i * 60000).toISOString();
  return [String(ids[i % ids.length]), `instrument-${i % 17}`, at, ((i % 36000) / 100).toFixed(2), (((i % 18000) - 9000) / 100).toFixed(2), `seeded observation ${i}`];
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100000);
  const work = tempDir('seed');
  console.log(`seed: ${rows} observation rows`);
  const template = await nasaTemplate('seedtpl', work, 0);
  try {
    const ids = (await query(template.url, 'SELECT id FROM space_objects ORDER BY id')).rows.map((r) => Number((r as { id: number }).id));
    const inserts: string[] = [];
    const csv: string[] = [];
    for (let start = 0; start < rows; start += 1000) {
      const batch: string[] = [];
      for (let i = start; i < Math.min(rows, start + 1000); i++) {
        const v = rowValues(i, ids);
        batch.push(`(${v[0]}, '${v[1]}', '${v[2]}', ${v[3]}, ${v[4]}, '${v[5]}')`);
        csv.push(v.join(','));
      }
      inserts.push(`INSERT INTO observations (${COLUMNS}) VALUES\n${batch.join(',\n')};\n`);
    }
    const project = nasaProject(path.join(work, 'project'));
    fs.mkdirSync(path.join(project, 'seeds'));
    const seedFile = path.join(project, 'seeds', '001_observations.sql');
    fs.writeFileSync(seedFile, inserts.join(''));
    const csvFile = path.join(work, 'observations.csv');
    fs.writeFileSync(csvFile, `${csv.join('\n')}\n`);

    const tools = ['floor: psql \\copy', 'ours --seed', 'psql -1 -f (same seed file)'];
    const results = await measureInterleaved(tools, REPS,
      async () => freshDatabase('seed', template.name),
      async (tool, db) => {
        let ms: number;
        if (tool === 'ours --seed') ms = (await node(CLI, ['--seed', '--url', db.url], { cwd: project })).ms;
        else if (tool.startsWith('psql -1')) ms = (await psql(db.url, ['-1', '-f', seedFile])).ms;
        else ms = (await psql(db.url, ['-c', `\\copy observations (${COLUMNS}) FROM '${csvFile}' WITH (FORMAT csv)`])).ms;
        const n = Number((await query(db.url, 'SELECT count(*) AS n FROM observations')).rows[0].n);
        if (n !== rows) throw new Error(`${tool}: expected ${rows} rows, found ${n}`);
        return ms;
      },
      async (_tool, db) => dropDatabase(db.name));
    const table = statsTable(results, 'floor: psql \\copy');
    console.log(table);
    const rate = (s: Stats): string => `${Math.round(rows / (s.median / 1000)).toLocaleString('en')} rows/s`;
    writeSection('seed', [
      '## Seeding throughput',
      '',
      `${await environmentLine()}.`,
      `${rows.toLocaleString('en')} generated observation rows into the NASA example schema (fresh copy per run); whole-process time.`,
      '',
      table,
      '',
      ...[...results].map(([tool, s]) => `- ${tool}: ${rate(s)}`),
      '',
      'TODO: `--seed --scale 1000000` (generated data at scale) is not implemented yet; this measures `--seed` on a SQL seed file of',
      'multi-row INSERTs. Rerun with the scale option once it exists and compare it with the `\\copy` floor.',
    ].join('\n'));
    writeResults({ seed: ratios(results, 'floor: psql \\copy') });
  } finally {
    await dropDatabase(template.name);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) runBenchmark(main);
