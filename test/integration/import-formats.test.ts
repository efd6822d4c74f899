/**
 * --import-history and --convert on each format's project: the database is built, then our history is dropped
 * and the real tool's history table created by hand exactly as the tool creates it, with the rows the tool would
 * have written; the import must record every migration applied (checksums matching), leave that table as it
 * was, and the project converted to native files must show the same database as applied, not modified.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, type TestProject } from './harness';
import { DBMATE_DDL, execScript, fingerprint, GOLANG_MIGRATE_DDL, NODE_PG_MIGRATE_DDL } from './import-tables';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'formats');

/** Every file of a fixture directory, as project files under migrations/. */
function fixture(format: string): Record<string, string> {
  const dir = path.join(FIXTURES, format);
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir)) out[`migrations/${name}`] = fs.readFileSync(path.join(dir, name), 'utf8');
  return out;
}

interface StatusJson {
  drift: boolean;
  migrations: { version: string; name: string; state: string; file: string | null }[];
}

async function statusOf(p: TestProject): Promise<StatusJson> {
  const r = await p.cli(['--status', '--json']);
  return JSON.parse(r.stdout) as StatusJson;
}

/** Builds the database with our own --up, then forgets our history: a database the other tool built. */
async function builtByAnotherTool(p: TestProject): Promise<StatusJson> {
  const up = await p.cli(['--up']);
  assert.equal(up.code, 0, up.stderr);
  const applied = await statusOf(p);
  await execScript(p, 'DROP TABLE database_migrations, database_migrations_log, database_migrations_seeds');
  return applied;
}

/** --import-history with the tool's table unchanged; afterwards everything is applied as when our tool ran it. */
async function importAndCompare(p: TestProject, table: [string, string], expected: StatusJson, args: string[] = []): Promise<void> {
  const before = await fingerprint(p, ...table);
  const r = await p.cli(['--import-history', ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await fingerprint(p, ...table), before, `${table.join('.')} is unchanged`);
  const after = await statusOf(p);
  assert.deepEqual(after.migrations.map((m) => `${m.version} ${m.state}`), expected.migrations.map((m) => `${m.version} ${m.state}`));
  assert.equal(after.drift, false);
}

/** --convert --to native, then the converted folder as migrationsDir: the same statuses, and --lint reads every file as a migration. */
async function convertAndCompare(p: TestProject, expected: StatusJson): Promise<void> {
  const c = await p.cli(['--convert', '--to', 'native', '--out', 'converted']);
  assert.equal(c.code, 0, c.stderr);
  const names = fs.readdirSync(path.join(p.dir, 'converted'));
  assert.equal(names.length, expected.migrations.length);
  const configFile = path.join(p.dir, 'database-migration.config.json');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(configFile, JSON.stringify({ ...config, migrationsDir: 'converted', format: 'native' }));
  const st = await statusOf(p);
  assert.deepEqual(st.migrations.map((m) => `${m.version} ${m.state}`), expected.migrations.map((m) => `${m.version} ${m.state}`));
  assert.ok(st.migrations.every((m) => m.file?.startsWith('converted')), 'read from the converted folder');
  const lint = await p.cli(['--lint', '--format', 'json']);
  const report = JSON.parse(lint.stdout) as { summary: { files: number }; findings: { ruleId: string; file: string; message: string }[] };
  assert.equal(report.summary.files, names.length);
  assert.deepEqual(report.findings.filter((f) => f.ruleId === 'invalid-migration-file').map((f) => `${f.file}: ${f.message}`), []);
  // The converted project keeps working: the newest migration rolls back and applies again.
  const down = await p.cli(['--down']);
  assert.equal(down.code, 0, down.stderr);
  const up = await p.cli(['--up']);
  assert.equal(up.code, 0, up.stderr);
}

for (const backend of BACKENDS) {
  describe(`--import-history and --convert per format on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('golang-migrate: schema_migrations at the last version, imported; converted', async () => {
      p = await makeProject(backend, fixture('golang-migrate'));
      const built = await builtByAnotherTool(p);
      const last = built.migrations.filter((m) => /^\d+$/.test(m.version)).pop()!.version;
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (${Number(last)}, false);`);
      // golang-migrate knows nothing of the repeatable view (it is ours): it is pending until --up applies it again.
      const expected = { ...built, migrations: built.migrations.map((m) => (m.version.startsWith('R_') ? { ...m, state: 'pending' } : m)) };
      await importAndCompare(p, ['public', 'schema_migrations'], expected);
      assert.equal((await p.cli(['--up'])).code, 0);
      await convertAndCompare(p, built);
    });

    it('dbmate: one schema_migrations row per version, imported; converted', async () => {
      p = await makeProject(backend, fixture('dbmate'));
      const built = await builtByAnotherTool(p);
      const versions = built.migrations.filter((m) => /^\d+$/.test(m.version)).map((m) => `('${m.version}')`);
      await execScript(p, `${DBMATE_DDL};\nINSERT INTO schema_migrations (version) VALUES ${versions.join(', ')};`);
      const expected = { ...built, migrations: built.migrations.map((m) => (m.version.startsWith('R_') ? { ...m, state: 'pending' } : m)) };
      await importAndCompare(p, ['public', 'schema_migrations'], expected, ['dbmate']);
      assert.equal((await p.cli(['--up'])).code, 0);
      await convertAndCompare(p, built);
    });

    it('node-pg-migrate: pgmigrations names, imported; converted', async () => {
      p = await makeProject(backend, fixture('node-pg-migrate'));
      const built = await builtByAnotherTool(p);
      const names = built.migrations.filter((m) => /^\d+$/.test(m.version)).map((m) => `('${path.basename(m.file!, '.sql')}', now())`);
      await execScript(p, `${NODE_PG_MIGRATE_DDL};\nINSERT INTO pgmigrations (name, run_on) VALUES ${names.join(', ')};`);
      const expected = { ...built, migrations: built.migrations.map((m) => (m.version.startsWith('R_') ? { ...m, state: 'pending' } : m)) };
      await importAndCompare(p, ['public', 'pgmigrations'], expected);
      assert.equal((await p.cli(['--up'])).code, 0);
      await convertAndCompare(p, built);
    });
  });
}
