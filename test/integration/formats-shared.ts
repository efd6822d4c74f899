/**
 * The round trip every format's fixture history must make (test/fixtures/formats/<format>/: 10 versioned migrations
 * and a repeatable view; the first has no down, one builds indexes CONCURRENTLY outside a transaction): up to the
 * first migration, --verify of the rest, --dry-run, up, --status, --status --graph, --down --to 0 (refused, naming the
 * irreversible first migration, with nothing changed), --down to the first migration (everything it can undo), up again.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, tables, type Backend, type TestProject } from './harness';

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'formats');

/** The fixture files of a format as a project's migrations/ directory. */
export function fixtureFiles(format: string, dir = 'migrations'): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(FIXTURES, format))) files[`${dir}/${name}`] = fs.readFileSync(path.join(FIXTURES, format, name), 'utf8');
  return files;
}

interface StatusJson {
  migrations: { id: string; state: string; file: string; transactional: boolean }[];
}

export async function statusJson(p: TestProject): Promise<StatusJson> {
  const r = await p.cli(['--status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as StatusJson;
}

const SCHEMA_TABLES = ['agencies', 'astronauts', 'celestial_bodies', 'crew_assignments', 'launches', 'missions', 'observations', 'spacecraft'];

async function userTables(p: TestProject): Promise<string[]> {
  return (await tables(p)).filter((t) => !t.startsWith('database_migrations'));
}

async function indexes(p: TestProject): Promise<string[]> {
  const rows = await p.query<{ i: string }>(`SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public' AND (indexname LIKE '%observed_at%' OR indexname LIKE '%launched_at%') ORDER BY 1`);
  return rows.map((r) => r.i);
}

export interface RoundTrip {
  format: string;
  backend: Backend;
  /** Version of the first (irreversible) migration. */
  first: string;
  /** Id of the repeatable view, run last. */
  repeatable: string;
  /** Id of the non-transactional one. */
  nonTransactional: string;
  /** What --down --to 0 says about the first migration. */
  irreversible: RegExp;
  /** Checked on the --status run's stderr (a warning the format gives, or none). */
  statusStderr?: RegExp;
}

/** The round trip (see the file comment); returns the project for more checks (the caller cleans it up). */
export async function roundTrip(t: RoundTrip, config: Record<string, unknown> = {}): Promise<TestProject> {
  const p = await makeProject(t.backend, fixtureFiles(t.format), config);
  const before = await statusJson(p);
  assert.equal(before.migrations.length, 11);
  assert.ok(before.migrations.every((m) => m.state === 'pending'), JSON.stringify(before.migrations));
  assert.equal(before.migrations[10]!.id, t.repeatable);
  assert.deepEqual(before.migrations.filter((m) => !m.transactional).map((m) => m.id), [t.nonTransactional]);

  const first = await p.cli(['--up', '--to', t.first]);
  assert.equal(first.code, 0, first.stderr);
  const verify = await p.cli(['--verify']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /Rollback verification passed; nothing was changed\./);
  assert.match(verify.stdout, new RegExp(`✓ ${t.nonTransactional}: down undoes up`));
  const dry = await p.cli(['--up', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(await userTables(p), ['agencies'], 'the dry run changed nothing');

  const up = await p.cli(['--up']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /Applied 10 migrations/);
  assert.deepEqual(await userTables(p), SCHEMA_TABLES);
  assert.deepEqual(await indexes(p), ['launches_launched_at_idx', 'observations_observed_at_idx']);
  assert.deepEqual(await p.query('SELECT mission, agency, status, spacecraft::int FROM mission_summary'),
    [{ mission: 'Voyager 1', agency: 'NASA', status: 'active', spacecraft: 1 }]);

  const status = await p.cli(['--status']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /11 applied/);
  if (t.statusStderr) assert.match(status.stderr, t.statusStderr);
  else assert.equal(status.stderr, '');
  const graph = await p.cli(['--status', '--graph']);
  assert.equal(graph.code, 0, graph.stderr);
  assert.match(graph.stdout, /depends on .*create.missions \(uses table missions\)/);

  const refused = await p.cli(['--down', '--to', '0']);
  assert.equal(refused.code, 2, refused.stdout);
  assert.match(refused.stderr, t.irreversible);
  assert.ok((await statusJson(p)).migrations.every((m) => m.state === 'applied'), '--down --to 0 refused before changing anything');

  const down = await p.cli(['--down', '--to', t.first]);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /Rolled back 10 migrations/);
  assert.deepEqual(await userTables(p), ['agencies'], 'everything but the irreversible first migration is undone');
  assert.deepEqual(await p.query(`SELECT viewname FROM pg_views WHERE schemaname = 'public'`), []);
  assert.deepEqual(await p.query(`SELECT typname FROM pg_type WHERE typname = 'body_kind'`), []);
  const after = await statusJson(p);
  assert.deepEqual(after.migrations.map((m) => m.state), ['applied', ...Array(10).fill('pending')]);

  const again = await p.cli(['--up']);
  assert.equal(again.code, 0, again.stderr);
  assert.ok((await statusJson(p)).migrations.every((m) => m.state === 'applied'));
  assert.deepEqual(await userTables(p), SCHEMA_TABLES);
  return p;
}
