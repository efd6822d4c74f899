// npm run demo: the main job end to end on the embedded database, no server needed.
// Works in examples/nasa-portal with a fresh PGlite database in .migrations/pglite/development.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'examples', 'nasa-portal');
const cli = join(root, 'dist', 'cli.js');
const env = { ...process.env };
delete env.DATABASE_URL; // the demo always uses the embedded database
delete env.DATABASE_MIGRATION_ENV;

function step(text) {
  const bold = process.stdout.isTTY && !process.env.NO_COLOR;
  process.stdout.write(bold ? `\n\x1b[1m== ${text}\x1b[0m\n` : `\n== ${text}\n`);
}

function run(args, expectCode = 0) {
  process.stdout.write(`$ database-migration ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: project, env, stdio: 'inherit' });
  if (r.status !== expectCode) {
    process.stderr.write(`demo: "database-migration ${args.join(' ')}" exited with ${r.status}, expected ${expectCode}\n`);
    process.exit(1);
  }
}

step('Starting from a fresh embedded PostgreSQL (PGlite) database in examples/nasa-portal/.migrations/pglite/development');
rmSync(join(project, '.migrations', 'pglite', 'development'), { recursive: true, force: true });
rmSync(join(project, '.migrations', 'pglite', 'development.lock'), { force: true });

step('1. What is there to do? Every example migration is pending');
run(['--status']);

step('2. Apply all pending migrations, each in its own transaction with its history row');
run(['--up']);

step('3. Status now: applied, with time and duration');
run(['--status']);

step('4. Load the sample data (data/*.json, each record citing its sources, with its as-of date) and seeds/ in one transaction');
run(['--seed']);

step('5. Roll back the newest migration (its down section runs; the history row goes)');
run(['--down']);
run(['--status']);

step('6. Re-apply it');
run(['--up']);

step('7. The log of everything that happened');
run(['--history']);

process.stdout.write('\nDone. Try it yourself: cd examples/nasa-portal && node ../../dist/cli.js --help\n');
