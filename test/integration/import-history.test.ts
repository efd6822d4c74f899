import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';
import { DBMATE_DDL, execScript, fingerprint, FLYWAY_DDL, flywaySum, GOLANG_MIGRATE_DDL, NODE_PG_MIGRATE_DDL, SQITCH_DDL, sqitchHash } from './import-tables';

const NATIVE = {
  'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE agencies;'),
  'migrations/002_create_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id));', 'DROP TABLE missions;'),
  'migrations/003_create_spacecraft.sql': migration('CREATE TABLE spacecraft (id bigint PRIMARY KEY, name text);', 'DROP TABLE spacecraft;'),
  'migrations/004_create_targets.sql': migration('CREATE TABLE targets (id bigint PRIMARY KEY);', 'DROP TABLE targets;'),
};

interface StatusJson {
  drift: boolean;
  migrations: { version: string; name: string; state: string; appliedAt: string | null; appliedBy: string | null; durationMs: number | null; checksum: string; appliedChecksum: string | null }[];
}

async function statusOf(p: TestProject): Promise<StatusJson> {
  const r = await p.cli(['--status', '--json']);
  return JSON.parse(r.stdout) as StatusJson;
}

const states = (s: StatusJson) => s.migrations.map((m) => `${m.version} ${m.state}`);

/** --lint of the (converted) migrations directory: every file read as a migration, none an invalid-migration-file. */
async function assertLintsAsMigrations(p: TestProject, files: number): Promise<void> {
  const lint = await p.cli(['--lint', '--format', 'json']);
  const report = JSON.parse(lint.stdout) as { summary: { files: number }; findings: { ruleId: string; file: string; message: string }[] };
  assert.equal(report.summary.files, files);
  assert.deepEqual(report.findings.filter((f) => f.ruleId === 'invalid-migration-file').map((f) => `${f.file}: ${f.message}`), []);
}

/** Imports and checks the tool's table is exactly as before; returns the CLI result. */
async function importUntouched(p: TestProject, schema: string, table: string, args: string[]) {
  const before = await fingerprint(p, schema, table);
  const r = await p.cli(['--import-history', ...args]);
  assert.deepEqual(await fingerprint(p, schema, table), before, `${schema}.${table} is unchanged`);
  return r;
}

for (const backend of BACKENDS) {
  describe(`--import-history on ${backend}`, function () {
    // The per-tool readings run on both backends; what follows is the engine's own logic (dry run, idempotence,
    // conflicts, detection, confirmation), the same on either: checked on the server only, to keep npm test short.
    const onServer = (backend === 'postgres' ? it : () => undefined) as Mocha.TestFunction;
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('golang-migrate: every version at or below the current one is recorded applied; the table is untouched', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (3, false);`);
      const r = await importUntouched(p, 'public', 'schema_migrations', ['golang-migrate']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Imported 3 migrations from golang-migrate \(public\.schema_migrations\) into the history of test .* as batch 1; public\.schema_migrations was left untouched\./);
      const st = await statusOf(p);
      assert.deepEqual(states(st), ['001 applied', '002 applied', '003 applied', '004 pending']);
      assert.equal(st.drift, false);
      const rows = await p.query<{ version: string; down_sql: string; batch: number }>('SELECT version, down_sql, batch FROM database_migrations ORDER BY version');
      assert.deepEqual(rows.map((x) => x.version), ['001', '002', '003']);
      assert.match(rows[2]!.down_sql, /DROP TABLE spacecraft;/);
      const log = await p.query<{ action: string; version: string; message: string }>(`SELECT action, version, message FROM database_migrations_log ORDER BY id`);
      assert.deepEqual(log.map((l) => `${l.action} ${l.version}`), ['import 001', 'import 002', 'import 003']);
      assert.match(log[0]!.message, /imported from golang-migrate \(schema_migrations version 3\)/);
      // Our --up now applies only what golang-migrate had not.
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /Applied 1 migration/);
    });

    it('golang-migrate: a dirty version is carried over as dirty and resolved with --mark-applied', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (2, true);`);
      const r = await importUntouched(p, 'public', 'schema_migrations', []);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /002_create_missions is dirty: dirty in golang-migrate \(schema_migrations\.dirty = true\).*--mark-applied 002_create_missions or --mark-rolled-back 002_create_missions/);
      const st = await p.cli(['--status']);
      assert.equal(st.code, 4, 'dirty is drift');
      assert.match(st.stdout, /^002\s+create_missions\s+dirty/m);
      const row = await p.query<{ status: string; error: string }>(`SELECT status, error FROM database_migrations WHERE version = '002'`);
      assert.equal(row[0]!.status, 'running');
      assert.match(row[0]!.error, /dirty in golang-migrate/);
      const up = await p.cli(['--up']);
      assert.notEqual(up.code, 0, 'a dirty migration blocks --up');
      const resolved = await p.cli(['--mark-applied', '002']);
      assert.equal(resolved.code, 0, resolved.stderr);
      assert.deepEqual(states(await statusOf(p)), ['001 applied', '002 applied', '003 pending', '004 pending']);
    });

    it('dbmate: one row per version; a version without a file is recorded and shown missing', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${DBMATE_DDL};\nINSERT INTO schema_migrations (version) VALUES ('001'), ('3'), ('20240101120000');`);
      const r = await importUntouched(p, 'public', 'schema_migrations', ['dbmate']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /1 migration dbmate applied has no file here and is recorded so --status shows it missing: 20240101120000_unknown\./);
      const st = await statusOf(p);
      assert.deepEqual(states(st), ['001 applied', '002 pending', '003 applied', '004 pending', '20240101120000 missing']);
      assert.equal(st.drift, true);
    });

    it('Flyway: checksums compared with CRC32, a failed row is dirty, an undone version is not applied, time and user carried over', async () => {
      p = await makeProject(backend, NATIVE);
      const sum1 = flywaySum(p, 'migrations/001_create_agencies.sql');
      const sum3 = flywaySum(p, 'migrations/003_create_spacecraft.sql');
      await execScript(p, `${FLYWAY_DDL}
INSERT INTO flyway_schema_history VALUES
  (1, '1', 'create agencies', 'SQL', '001_create_agencies.sql', ${sum1}, 'flyway_user', '2024-03-01 10:00:00', 41, true),
  (2, '2', 'create missions', 'SQL', '002_create_missions.sql', 12345, 'flyway_user', '2024-03-01 10:00:01', 7, true),
  (3, '3', 'create spacecraft', 'SQL', '003_create_spacecraft.sql', ${sum3}, 'flyway_user', '2024-03-01 10:00:02', 5, true),
  (4, '4', 'create targets', 'SQL', '004_create_targets.sql', 1, 'flyway_user', '2024-03-01 10:00:03', 5, false),
  (5, '3', 'create spacecraft', 'UNDO_SQL', 'U3__create_spacecraft.sql', 99, 'flyway_user', '2024-03-01 10:00:04', 3, true);`);
      const r = await importUntouched(p, 'public', 'flyway_schema_history', ['flyway']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /1 file changed since flyway applied it .*: 002_create_missions\./);
      assert.match(r.stdout, /004_create_targets is dirty: failed in Flyway \(success = false in flyway_schema_history, rank 4\)/);
      const st = await statusOf(p);
      assert.deepEqual(states(st), ['001 applied', '002 modified', '003 pending', '004 dirty']);
      const first = st.migrations[0]!;
      assert.equal(first.appliedBy, 'flyway_user');
      assert.equal(first.durationMs, 41);
      const at = await p.query<{ same: boolean }>(`SELECT applied_at = ('2024-03-01 10:00:00'::timestamp AT TIME ZONE current_setting('TimeZone')) AS same FROM database_migrations WHERE version = '001'`);
      assert.equal(at[0]!.same, true, 'applied_at is installed_on');
      const log = await p.query<{ message: string }>(`SELECT message FROM database_migrations_log WHERE version = '002'`);
      assert.match(log[0]!.message, /the file changed since flyway applied it \(flyway's checksum 12345 does not match the file\)/);
    });

    it('node-pg-migrate: names matched to file names, run_on kept', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${NODE_PG_MIGRATE_DDL};
INSERT INTO pgmigrations (name, run_on) VALUES ('001_create_agencies', '2023-05-06 07:08:09'), ('002_create_missions', '2023-05-06 07:08:10'), ('1690000000000_gone-file', '2023-05-07 00:00:00');`);
      const r = await importUntouched(p, 'public', 'pgmigrations', ['node-pg-migrate']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(states(await statusOf(p)), ['001 applied', '002 applied', '003 pending', '004 pending', '1690000000000 missing']);
      const at = await p.query<{ same: boolean }>(`SELECT applied_at = ('2023-05-06 07:08:10'::timestamp AT TIME ZONE current_setting('TimeZone')) AS same FROM database_migrations WHERE version = '002'`);
      assert.equal(at[0]!.same, true);
      const gone = await p.query<{ name: string }>(`SELECT name FROM database_migrations WHERE version = '1690000000000'`);
      assert.equal(gone[0]!.name, 'gone-file');
    });

    it('Sqitch: changes matched by name, script_hash compared with the SHA-1 of the file; several projects without a plan naming one refused', async () => {
      p = await makeProject(backend, { ...NATIVE });
      const h1 = sqitchHash(p, 'migrations/001_create_agencies.sql');
      const change = (id: string, hash: string, name: string, project: string, at: string) =>
        `('${id}', '${hash}', '${name}', '${project}', '', '${at}', 'Ada', 'ada@example.org', '2024-01-01', 'Ada', 'ada@example.org')`;
      await execScript(p, `${SQITCH_DDL}
INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES ('portal', 'Ada', 'ada@example.org'), ('other', 'Bob', 'bob@example.org');
INSERT INTO sqitch.changes VALUES ${change('c1', h1, 'create_agencies', 'portal', '2024-02-01 00:00:00+00')},
  ${change('c2', 'deadbeef', 'create_missions', 'portal', '2024-02-02 00:00:00+00')},
  ${change('c9', 'feedface', 'create_spacecraft', 'other', '2024-02-03 00:00:00+00')};`);
      // Without a sqitch.plan naming the project, changes of two projects cannot be told apart.
      const ambiguous = await importUntouched(p, 'sqitch', 'changes', ['sqitch']);
      assert.equal(ambiguous.code, 2);
      assert.match(ambiguous.stderr, /sqitch\.changes holds changes of 2 projects \(other, portal\) and sqitch\.plan names none/);
      await execScript(p, `DELETE FROM sqitch.changes WHERE project = 'other'`);
      const r = await importUntouched(p, 'sqitch', 'changes', ['sqitch']);
      assert.equal(r.code, 0, r.stderr);
      const st = await statusOf(p);
      assert.deepEqual(states(st), ['001 applied', '002 modified', '003 pending', '004 pending']);
      assert.equal(st.migrations[0]!.appliedBy, 'Ada');
    });

    onServer('--dry-run prints what would be recorded and records nothing', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (2, false);`);
      const r = await importUntouched(p, 'public', 'schema_migrations', ['--dry-run']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Dry run on test .*: would record 2 migrations from golang-migrate \(public\.schema_migrations\); nothing was recorded\./);
      assert.match(r.stdout, /^001\s+create_agencies\s+applied/m);
      assert.match(r.stdout, /^002\s+create_missions\s+applied/m);
      assert.deepEqual(states(await statusOf(p)), ['001 pending', '002 pending', '003 pending', '004 pending']);
      const exists = await p.query<{ t: string | null }>(`SELECT to_regclass('public.database_migrations_log')::text AS t`);
      const logged = exists[0]!.t ? await p.query('SELECT 1 FROM database_migrations_log') : [];
      assert.equal(logged.length, 0);
    });

    onServer('running it twice records nothing the second time and says so', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (2, false);`);
      assert.equal((await p.cli(['--import-history'])).code, 0);
      const again = await importUntouched(p, 'public', 'schema_migrations', ['--json']);
      assert.equal(again.code, 0, again.stdout);
      const json = JSON.parse(again.stdout) as { recorded: unknown[]; alreadyRecorded: { id: string }[]; batch: number | null; tool: string };
      assert.equal(json.tool, 'golang-migrate');
      assert.deepEqual(json.recorded, []);
      assert.equal(json.batch, null);
      assert.deepEqual(json.alreadyRecorded.map((m) => m.id), ['001_create_agencies', '002_create_missions']);
      const text = await p.cli(['--import-history']);
      assert.match(text.stdout, /Nothing to import: the 2 migrations golang-migrate \(public\.schema_migrations\) applied are already recorded/);
      const rows = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM database_migrations_log');
      assert.equal(rows[0]!.n, '2', 'one log row per migration, from the first run only');
    });

    onServer('refuses, naming each disagreement, when our history already says otherwise', async () => {
      p = await makeProject(backend, NATIVE);
      assert.equal((await p.cli(['--up'])).code, 0);
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (3, false);`);
      const r = await importUntouched(p, 'public', 'schema_migrations', []);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /the history table public\.database_migrations already records migrations that disagree with golang-migrate's public\.schema_migrations: 004_create_targets: recorded here as applied, but not applied according to public\.schema_migrations/);
      assert.match(r.stderr, /fix: nothing was recorded/);
      const json = await p.cli(['--import-history', '--json']);
      assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'E_IMPORT_CONFLICT');
    });

    onServer('detects the tool from the table; several tables or none are named errors', async () => {
      p = await makeProject(backend, NATIVE);
      const none = await p.cli(['--import-history']);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /no other tool's history table found in this database/);
      await execScript(p, `${NODE_PG_MIGRATE_DDL};\n${FLYWAY_DDL}`);
      const two = await p.cli(['--import-history']);
      assert.equal(two.code, 2);
      assert.match(two.stderr, /this database holds the history tables of 2 tools: flyway \(public\.flyway_schema_history\), node-pg-migrate \(public\.pgmigrations\)/);
      const wrong = await p.cli(['--import-history', 'golang-migrate']);
      assert.match(wrong.stderr, /no golang-migrate history table public\.schema_migrations in this database/);
      const bad = await p.cli(['--import-history', 'liquibase']);
      assert.match(bad.stderr, /"liquibase" is not a tool whose history can be imported/);
      await execScript(p, `${DBMATE_DDL}`);
      const shape = await p.cli(['--import-history', 'golang-migrate']);
      assert.match(shape.stderr, /public\.schema_migrations is not golang-migrate's history table: it has no dirty column/);
      await execScript(p, 'ALTER TABLE schema_migrations ADD COLUMN dirty boolean');
      const other = await p.cli(['--import-history', 'dbmate']);
      assert.match(other.stderr, /public\.schema_migrations has a "dirty" column: it is golang-migrate's history table, not dbmate's/);
    });

    onServer('reads a table in another schema when named TOOL:SCHEMA.TABLE', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `CREATE SCHEMA app; CREATE TABLE app.migrations_done (version bigint not null primary key, dirty boolean not null);
INSERT INTO app.migrations_done VALUES (1, false);`);
      const r = await importUntouched(p, 'app', 'migrations_done', ['golang-migrate:app.migrations_done']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(states(await statusOf(p)), ['001 applied', '002 pending', '003 pending', '004 pending']);
    });

    onServer('a protected environment is imported only with --yes (a dry run needs none); --history lists the imports', async () => {
      p = await makeProject(backend, NATIVE, { environments: { test: { protected: true } } });
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (1, false);`);
      const refused = await p.cli(['--import-history']);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /environment "test" is protected; refusing to import another tool's history into it without confirmation/);
      assert.equal((await p.cli(['--import-history', '--dry-run'])).code, 0);
      assert.deepEqual(states(await statusOf(p)), ['001 pending', '002 pending', '003 pending', '004 pending']);
      const done = await p.cli(['--import-history', '--yes']);
      assert.equal(done.code, 0, done.stderr);
      const history = await p.cli(['--history']);
      assert.match(history.stdout, /\bimport\s+001_create_agencies\b.*imported from golang-migrate \(schema_migrations version 1\)/);
    });

    onServer('--convert --to native: a new folder whose files keep the imported checksums; it lints clean of file errors', async () => {
      p = await makeProject(backend, NATIVE);
      await execScript(p, `${GOLANG_MIGRATE_DDL};\nINSERT INTO schema_migrations (version, dirty) VALUES (4, false);`);
      assert.equal((await p.cli(['--import-history'])).code, 0);
      const c = await p.cli(['--convert', '--to', 'native']);
      assert.equal(c.code, 0, c.stderr);
      assert.match(c.stdout, /Converted 4 migrations \(native\) to native files in migrations-native; the originals are untouched\./);
      assert.deepEqual(fs.readdirSync(path.join(p.dir, 'migrations-native')).sort(), fs.readdirSync(path.join(p.dir, 'migrations')).sort());
      const again = await p.cli(['--convert', '--to', 'native']);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /migrations-native already exists and is not an empty folder; nothing was written/);
      const config = JSON.parse(fs.readFileSync(path.join(p.dir, 'database-migration.config.json'), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(p.dir, 'database-migration.config.json'), JSON.stringify({ ...config, migrationsDir: 'migrations-native' }));
      const st = await statusOf(p);
      assert.deepEqual(states(st), ['001 applied', '002 applied', '003 applied', '004 applied']);
      await assertLintsAsMigrations(p, 4);
      const usage = await p.cli(['--convert']);
      assert.match(usage.stderr, /--convert needs --to native/);
    });
  });
}
