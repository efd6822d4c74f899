/**
 * Fleet benchmark (issue 19): 50 databases × 20 migrations. Ours as a fleet (`--up` over an environment with
 * 50 "targets", --parallel 4) against the floor people use today: a shell loop running the CLI once per
 * database (`for u in ...; do database-migration --up --url "$u"; done`). Both start from 50 empty databases,
 * created untimed before each measurement; backups are off in both (pg_dump would cost the same per target).
 * Target: the fleet ≤ 0.3× the loop.
 *
 *   node out/bench/fleet.js [TARGETS] [MIGRATIONS]      (defaults: 50, 20)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CLI, REPS, adminQuery, environmentLine, fmtMs, freshDatabase, measureInterleaved, node, ratios, round2, run, runBenchmark, statsTable, tempDir,
  writeResults, writeSection,
} from './common';

const TARGET_RATIO = 0.3;
const LOOP = 'floor: shell loop, CLI once per target';
const FLEET = 'ours: fleet --up --parallel 4';

function writeProject(dir: string, migrations: number): void {
  fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  for (let k = 1; k <= migrations; k++) {
    const v = String(k).padStart(3, '0');
    fs.writeFileSync(path.join(dir, 'migrations', `${v}_table_${k}.sql`),
      `-- Up migration\nCREATE TABLE table_${k} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX table_${k}_name ON table_${k} (name);\n\n-- Down migration\nDROP TABLE table_${k};\n`);
  }
}

async function main(): Promise<void> {
  const targets = Number(process.argv[2] ?? 50);
  const migrations = Number(process.argv[3] ?? 20);
  console.log(`fleet: ${targets} databases × ${migrations} migrations`);
  const root = tempDir('fleet');
  writeProject(root, migrations);
  const measured = await measureInterleaved([LOOP, FLEET], REPS,
    async (tool) => {
      const dbs: { name: string; url: string }[] = [];
      for (let k = 0; k < targets; k++) dbs.push(await freshDatabase(`fleet_${k}`));
      fs.writeFileSync(path.join(root, 'database-migration.config.json'), JSON.stringify({
        defaultEnvironment: 'fleet',
        environments: { fleet: { backups: { enabled: false }, targets: { urls: dbs.map((d) => d.url), parallel: 4 } }, one: { backups: { enabled: false } } },
      }));
      fs.rmSync(path.join(root, '.migrations'), { recursive: true, force: true });
      return { tool, dbs };
    },
    async (tool, ctx) => {
      if (tool === LOOP) {
        const script = `for u in ${ctx.dbs.map((d) => `'${d.url}'`).join(' ')}; do "${process.execPath}" "${CLI}" --up --env one --url "$u" > /dev/null || exit 1; done`;
        return (await run('bash', ['-c', script], { cwd: root })).ms;
      }
      return (await node(CLI, ['--up', '--parallel', '4'], { cwd: root })).ms;
    },
    async (_tool, ctx) => {
      await Promise.all(ctx.dbs.map((d) => adminQuery(`DROP DATABASE IF EXISTS ${d.name} WITH (FORCE)`)));
    });
  const ratio = measured.get(FLEET)!.median / measured.get(LOOP)!.median;
  console.log(statsTable(measured, LOOP));
  console.log(`fleet / loop: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}`);
  writeSection('fleet', [
    '## Fleet: many databases at once',
    '',
    `${targets} empty databases × ${migrations} migrations (a table and an index each), backups off. Ours as one fleet run (\`--up\` over an environment with ${targets} "targets", \`--parallel 4\`) against running the CLI once per database in a shell loop. Target (issue 19): the fleet ≤ ${TARGET_RATIO}× the loop.`,
    '',
    `Environment: ${await environmentLine()}.`,
    '',
    statsTable(measured, LOOP),
    '',
    `**fleet / loop: ${ratio.toFixed(2)}×** (${fmtMs(measured.get(FLEET)!.median)} against ${fmtMs(measured.get(LOOP)!.median)}) — target ${ratio <= TARGET_RATIO ? 'met' : 'missed'}.`,
  ].join('\n'));
  writeResults({ fleet: { ...ratios(measured, LOOP), fleetToLoop: round2(ratio), target: TARGET_RATIO } });
  fs.rmSync(root, { recursive: true, force: true });
}

runBenchmark(main);
