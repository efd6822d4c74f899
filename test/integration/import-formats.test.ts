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
import { DBMATE_DDL, execScript, fingerprint, FLYWAY_DDL, flywaySum, GOLANG_MIGRATE_DDL, NODE_PG_MIGRATE_DDL, SQITCH_DDL, sqitchHash } from './import-tables';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'formats');

/** Every file of a fixture directory, as project files under migrations/. */
function fixture(format: string, dir = path.join(FIXTURES, format), under = 'migrations'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) Object.assign(out, fixture(format, path.join(dir, e.name), `${under}/${e.name}`));
    else out[`${under}/${e.name}`] = fs.readFileSync(path.join(dir, e.name), 'utf8');
  }
  return out;
}

const FLYWAY = {
  'migrations/V1__create_agencies.sql': 'CREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);\n',
  'migrations/V1_1__create_missions.sql': 'CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id));\r\nCREATE INDEX missions_agency_idx ON missions (agency_id);\r\n',
  'migrations/U1_1__create_missions.sql': 'DROP TABLE missions;\n',
  'migrations/V1.2__add_status.sql': 'ALTER TABLE missions ADD COLUMN status text NOT NULL DEFAULT ${status_default};\n',
  'migrations/U1.2__add_status.sql': 'ALTER TABLE missions DROP COLUMN status;\n',
  'migrations/V2__create_spacecraft.sql': '\ufeffCREATE TABLE spacecraft (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));\n',
  'migrations/U2__create_spacecraft.sql': 'DROP TABLE spacecraft;\n',
  'migrations/R__mission_overview.sql': 'CREATE OR REPLACE VIEW mission_overview AS SELECT m.id, count(s.id) AS spacecraft FROM missions m LEFT JOIN spacecraft s ON s.mission_id = m.id GROUP BY m.id;\n\n-- Down migration\nDROP VIEW mission_overview;\n',
};

const SQITCH_PLAN = `%syntax-version=1.0.0
%project=portal

agencies 2024-01-01T00:00:00Z Ada Lovelace <ada@example.org> # Agencies
missions [agencies] 2024-01-02T00:00:00Z Ada Lovelace <ada@example.org> # Missions
spacecraft [missions] 2024-01-03T00:00:00Z Ada Lovelace <ada@example.org> # Spacecraft
`;

const SQITCH = {
  'migrations/sqitch.plan': SQITCH_PLAN,
  'migrations/deploy/agencies.sql': '-- Deploy portal:agencies to pg\n\nBEGIN;\n\nCREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);\n\nCOMMIT;\n',
  'migrations/revert/agencies.sql': '-- Revert portal:agencies from pg\n\nBEGIN;\n\nDROP TABLE agencies;\n\nCOMMIT;\n',
  'migrations/verify/agencies.sql': '-- Verify portal:agencies on pg\n\nSELECT id, name FROM agencies WHERE false;\n',
  'migrations/deploy/missions.sql': '-- Deploy portal:missions to pg\n-- requires: agencies\n\nBEGIN;\n\nCREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id));\n\nCOMMIT;\n',
  'migrations/revert/missions.sql': '-- Revert portal:missions from pg\n\nBEGIN;\n\nDROP TABLE missions;\n\nCOMMIT;\n',
  'migrations/deploy/spacecraft.sql': '-- Deploy portal:spacecraft to pg\n\nBEGIN;\n\nCREATE TABLE spacecraft (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id));\n\nCOMMIT;\n',
  'migrations/revert/spacecraft.sql': '-- Revert portal:spacecraft from pg\n\nBEGIN;\n\nDROP TABLE spacecraft;\n\nCOMMIT;\n',
};

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
    it('Flyway: flyway_schema_history with dotted versions, CRC32 checksums of the scripts as written (placeholders, CRLF, BOM), a repeatable; converted keeping the dotted versions', async () => {
      p = await makeProject(backend, FLYWAY, { placeholders: { status_default: "'planned'" } });
      const built = await builtByAnotherTool(p);
      const row = (rank: number, version: string | null, script: string) =>
        `(${rank}, ${version === null ? 'NULL' : `'${version}'`}, '${script.replace(/^[VR][^_]*__|\.sql$/g, '').replace(/_/g, ' ')}', 'SQL', '${script}', ${flywaySum(p, `migrations/${script}`)}, 'flyway', now(), 12, true)`;
      await execScript(p, `${FLYWAY_DDL}
INSERT INTO flyway_schema_history VALUES (0, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '"public"', NULL, 'flyway', now(), 0, true),
  ${row(1, '1', 'V1__create_agencies.sql')}, ${row(2, '1.1', 'V1_1__create_missions.sql')}, ${row(3, '1.2', 'V1.2__add_status.sql')},
  ${row(4, '2', 'V2__create_spacecraft.sql')}, ${row(5, null, 'R__mission_overview.sql')};`);
      assert.deepEqual(built.migrations.map((m) => m.version), ['1', '1.1', '1.2', '2', 'R_mission_overview']);
      await importAndCompare(p, ['public', 'flyway_schema_history'], built);
      await convertAndCompare(p, built);
      assert.ok(fs.existsSync(path.join(p.dir, 'converted', '1.1_create_missions.sql')));
      assert.match(fs.readFileSync(path.join(p.dir, 'converted', '1.2_add_status.sql'), 'utf8'), /DEFAULT 'planned';\n\n-- Down migration\nALTER TABLE missions DROP COLUMN status;/);
    });

    it('Sqitch: sqitch.changes with script_hash of each deploy script, imported; converted', async () => {
      p = await makeProject(backend, SQITCH);
      const built = await builtByAnotherTool(p);
      const change = (id: string, name: string) =>
        `('${id}', '${sqitchHash(p, `migrations/deploy/${name}.sql`)}', '${name}', 'portal', '', now(), 'Ada Lovelace', 'ada@example.org', '2024-01-01', 'Ada Lovelace', 'ada@example.org')`;
      await execScript(p, `${SQITCH_DDL}
INSERT INTO sqitch.releases VALUES (1.1, now(), 'Ada Lovelace', 'ada@example.org');
INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES ('portal', 'Ada Lovelace', 'ada@example.org');
INSERT INTO sqitch.changes VALUES ${change('a1', 'agencies')}, ${change('b2', 'missions')}, ${change('c3', 'spacecraft')};`);
      assert.deepEqual(built.migrations.map((m) => `${m.version} ${m.name}`), ['0001 agencies', '0002 missions', '0003 spacecraft']);
      await importAndCompare(p, ['sqitch', 'changes'], built);
      const st = await statusOf(p);
      assert.ok(st.migrations.every((m) => m.state === 'applied'));
      await convertAndCompare(p, built);
      const c = fs.readFileSync(path.join(p.dir, 'converted', '0002_missions.sql'), 'utf8');
      assert.match(c, /^-- depends: 0001_agencies$/m);
    });
    it('Flyway fixture (versions in subfolders, a script config file, undo scripts, a placeholder): imported; converted', async () => {
      p = await makeProject(backend, fixture('flyway'), { placeholders: { cache_ttl_hours: '6' } });
      const built = await builtByAnotherTool(p);
      const rows = built.migrations.map((m, i) => {
        const script = path.relative('migrations', m.file!);
        const version = m.version.startsWith('R_') ? 'NULL' : `'${m.version}'`;
        return `(${i + 1}, ${version}, '${m.name.replace(/_/g, ' ')}', 'SQL', '${script}', ${flywaySum(p, m.file!)}, 'flyway', now(), 9, true)`;
      });
      await execScript(p, `${FLYWAY_DDL}\nINSERT INTO flyway_schema_history VALUES ${rows.join(',\n  ')};`);
      await importAndCompare(p, ['public', 'flyway_schema_history'], built, ['flyway']);
      await convertAndCompare(p, built);
      assert.match(fs.readFileSync(path.join(p.dir, 'converted', '3.1_index_observations_by_time.sql'), 'utf8'), /^-- transaction: none$/m);
    });

    it('Sqitch fixture (a reworked change, requirements, verify scripts): each deployed change paired by its script hash, another project\'s changes left out; converted', async () => {
      p = await makeProject(backend, fixture('sqitch'));
      const built = await builtByAnotherTool(p);
      const rows = built.migrations.map((m, i) =>
        `('id${i}', '${sqitchHash(p, m.file!)}', '${m.name}', 'nasa_portal', '', now() + interval '${i} seconds', 'Ada Lovelace', 'ada@example.com', '2026-01-05', 'Ada Lovelace', 'ada@example.com')`);
      await execScript(p, `${SQITCH_DDL}
INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES ('nasa_portal', 'Ada Lovelace', 'ada@example.com'), ('billing', 'Bob', 'bob@example.com');
INSERT INTO sqitch.changes VALUES ${rows.join(',\n  ')},
  ('other1', 'cafe', 'invoices', 'billing', '', now(), 'Bob', 'bob@example.com', '2026-01-05', 'Bob', 'bob@example.com');`);
      assert.equal(built.migrations.filter((m) => m.name === 'mission_summary').length, 2, 'the fixture reworks mission_summary');
      await importAndCompare(p, ['sqitch', 'changes'], built);
      const c = await p.cli(['--convert', '--to', 'native', '--out', 'converted-notes']);
      assert.match(c.stdout, /Note: migrations\/verify\/agencies\.sql: verify scripts have no native counterpart and were not converted/);
      fs.rmSync(path.join(p.dir, 'converted-notes'), { recursive: true });
      await convertAndCompare(p, built);
    });
  });
}
