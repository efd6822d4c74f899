import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, type TestProject } from './harness';
import { fixtureFiles, roundTrip } from './formats-shared';

const IRREVERSIBLE = new RegExp('migrations/001_create_agencies\\.up\\.sql: 001_create_agencies is irreversible: it has no \\.down\\.sql file\\n'
  + '  fix: write the statements that undo it in migrations/001_create_agencies\\.down\\.sql');

for (const backend of BACKENDS) {
  describe(`golang-migrate format on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject | undefined;
    afterEach(async () => { await p?.cleanup(); p = undefined; });

    it('applies the fixture history (.up.sql/.down.sql pairs), verifies it, rolls it down to the irreversible first migration and up again', async () => {
      p = await roundTrip({ format: 'golang-migrate', backend, first: '001', repeatable: 'R_mission_summary',
        nonTransactional: '008_index_observation_times', irreversible: IRREVERSIBLE });
    });

    it('names the .down.sql in an error about the down section', async () => {
      p = await makeProject(backend, {
        'migrations/001_a.up.sql': 'CREATE TABLE a (id int);\n',
        'migrations/001_a.down.sql': '-- undo\nDROP TABEL a;\n',
      });
      assert.equal((await p.cli(['--up'])).code, 0);
      const down = await p.cli(['--down']);
      assert.equal(down.code, 2, down.stdout);
      assert.match(down.stderr, /^error: migrations\/001_a\.down\.sql:2:6: syntax error in 001_a \(down section\)/m);
    });
  });
}

describe('golang-migrate format: lint, detection and refused files', function () {
  this.timeout(120000);
  let p: TestProject | undefined;
  afterEach(async () => { await p?.cleanup(); p = undefined; });

  it('--lint reads pairs as migrations: a planted CREATE INDEX is found at its file and line, no marker is asked for', async () => {
    p = await makeProject('pglite', {
      ...fixtureFiles('golang-migrate'),
      'migrations/011_index_mission_names.up.sql': '-- Names are searched by prefix.\nCREATE INDEX missions_name_idx ON missions (name text_pattern_ops);\n',
      'migrations/011_index_mission_names.down.sql': 'DROP INDEX missions_name_idx;\n',
    });
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/011_index_mission_names\.up\.sql:2:1: \w+: .*\[require-concurrent-index-creation\]$/m);
    assert.doesNotMatch(lint.stdout, /Up migration|invalid-migration-file/);
    // The one deliberate gap: 001 has no .down.sql, said in golang-migrate's words.
    assert.match(lint.stdout, /^migrations\/001_create_agencies\.up\.sql:\d+:1: warning: this migration has no \.down\.sql file, so it cannot be rolled back \[missing-down-migration\]$/m);
    const text = await p.cli(['--lint']);
    assert.match(text.stdout, /23 files checked/);
  });

  it('--lint compares an .up.sql with its .down.sql (down-does-not-reverse-up), reporting at the up file', async () => {
    p = await makeProject('pglite', {
      'migrations/001_a.up.sql': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n',
      'migrations/001_a.down.sql': 'DROP TABLE a;\n',
    });
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/001_a\.up\.sql:2:\d+: warning: table "b" created in up is not dropped in down \[down-does-not-reverse-up\]$/m);
    assert.doesNotMatch(lint.stdout, /missing-down-migration/);
    // The lint cache knows the up file's result depends on its .down.sql: editing only the down file is seen.
    p.write('migrations/001_a.down.sql', 'DROP TABLE b;\nDROP TABLE a;\n');
    const again = await p.cli(['--lint', '--format', 'gcc']);
    assert.doesNotMatch(again.stdout, /down-does-not-reverse-up/);
  });

  it('a .down.sql without its .up.sql is refused by every command and listed by --lint', async () => {
    p = await makeProject('pglite', { ...fixtureFiles('golang-migrate'), 'migrations/012_drop_probes.down.sql': 'DROP TABLE probes;\n' });
    const message = 'migrations/012_drop_probes.down.sql: "012_drop_probes.down.sql" has no "012_drop_probes.up.sql" beside it';
    for (const args of [['--up'], ['--status'], ['--down']]) {
      const r = await p.cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.ok(r.stderr.includes(message), `${args.join(' ')}: ${r.stderr}`);
    }
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.equal(lint.code, 6);
    assert.match(lint.stdout, /^migrations\/012_drop_probes\.down\.sql:1:1: error: "012_drop_probes\.down\.sql" has no "012_drop_probes\.up\.sql" beside it \[invalid-migration-file\]$/m);
  });

  it('a file that is not a golang-migrate migration is refused with the expected pattern', async () => {
    p = await makeProject('pglite', { ...fixtureFiles('golang-migrate'), 'migrations/cleanup.sql': 'DELETE FROM missions;\n' });
    const up = await p.cli(['--up']);
    assert.equal(up.code, 2);
    assert.match(up.stderr, /migrations\/cleanup\.sql: "cleanup\.sql" is not a golang-migrate migration file name\n  fix: name golang-migrate migration files NNN_name\.up\.sql/);
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/cleanup\.sql:1:1: error: "cleanup\.sql" is not a golang-migrate migration file name \[invalid-migration-file\]$/m);
  });

  it('two pairs with one version are refused by --up and marked at both .up.sql files by --lint', async () => {
    p = await makeProject('pglite', {
      'migrations/1_create_missions.up.sql': 'CREATE TABLE missions (id bigint);\n',
      'migrations/1_create_missions.down.sql': 'DROP TABLE missions;\n',
      'migrations/01_create_probes.up.sql': 'CREATE TABLE probes (id bigint);\n',
    });
    const message = 'version 01 is used by two files: migrations/1_create_missions.up.sql and migrations/01_create_probes.up.sql';
    const up = await p.cli(['--up']);
    assert.equal(up.code, 2);
    assert.ok(up.stderr.includes(message), up.stderr);
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    for (const file of ['01_create_probes.up.sql', '1_create_missions.up.sql']) {
      assert.ok(lint.stdout.includes(`migrations/${file}:1:1: error: ${message} [invalid-migration-file]`), lint.stdout);
    }
    assert.doesNotMatch(lint.stdout, /1_create_missions\.down\.sql:1:1: error/);
  });

  it('statements that cannot run in a transaction need "-- transaction: none" (what x-multi-statement did), said in the format\'s words', async () => {
    p = await makeProject('pglite', {
      'migrations/001_a.up.sql': 'CREATE TABLE a (id int, b int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_b ON a (b);\n',
    });
    const up = await p.cli(['--up']);
    assert.equal(up.code, 2);
    assert.match(up.stderr, /migrations\/001_a\.up\.sql:2: CREATE INDEX CONCURRENTLY cannot run inside a transaction, and 001_a runs in one\n  fix: add the line "-- transaction: none" at the top of the \.up\.sql file/);
    p.write('migrations/001_a.up.sql', `-- transaction: none\n${'CREATE TABLE a (id int, b int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_b ON a (b);\n'}`);
    const again = await p.cli(['--up']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((await p.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_indexes WHERE tablename = 'a'`))[0]!.n, '2');
  });

  it('is detected from the file names, and "format" in the config overrides detection', async () => {
    p = await makeProject('pglite', fixtureFiles('golang-migrate'), { format: 'native' });
    const status = await p.cli(['--status']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /"001_create_agencies\.up\.sql" is not a migration file name/);
    const configFile = path.join(p.dir, 'database-migration.config.json');
    p.write('database-migration.config.json', JSON.stringify({ ...JSON.parse(fs.readFileSync(configFile, 'utf8')), format: 'golang-migrate' }));
    assert.equal((await p.cli(['--status'])).code, 0);
  });
});
