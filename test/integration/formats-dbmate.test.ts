import assert from 'node:assert/strict';
import { BACKENDS, makeProject, type TestProject } from './harness';
import { fixtureFiles, roundTrip } from './formats-shared';

const DOUBLED = '20240607080917_create_launches.sql.sql';
const WARNING = new RegExp(`^warning: migrations/${DOUBLED.replace(/\./g, '\\.')}: "${DOUBLED.replace(/\./g, '\\.')}" ends in "\\.sql\\.sql" \\(read as 20240607080917_create_launches\\.sql\\)\\n`
  + '  fix: rename it to 20240607080917_create_launches\\.sql \\("dbmate new" adds "\\.sql" itself\\); the version stays 20240607080917, so the history still matches$', 'm');

for (const backend of BACKENDS) {
  describe(`dbmate format on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject | undefined;
    afterEach(async () => { await p?.cleanup(); p = undefined; });

    it('applies the fixture history ("-- migrate:up" files, one with transaction:false, one named .sql.sql), verifies it, rolls it down and up again', async () => {
      p = await roundTrip({ format: 'dbmate', backend, first: '20240601080911', repeatable: 'R_mission_summary',
        nonTransactional: '20240608080918_index_observation_times', statusStderr: WARNING,
        irreversible: /migrations\/20240601080911_create_agencies\.sql: 20240601080911_create_agencies is irreversible: it has no "-- migrate:down" section\n  fix: write the statements that undo it under "-- migrate:down" in migrations\/20240601080911_create_agencies\.sql/ });
      // The warning is said once per run, not once per read of the directory.
      const up = await p.cli(['--up']);
      assert.equal(up.stderr.split('ends in ".sql.sql"').length - 1, 1, up.stderr);
    });
  });
}

describe('dbmate format: lint, detection and refused files', function () {
  this.timeout(120000);
  let p: TestProject | undefined;
  afterEach(async () => { await p?.cleanup(); p = undefined; });

  it('--lint reads "-- migrate:up" files: a planted CREATE INDEX is found at its file and line, the .sql.sql name is a warning', async () => {
    p = await makeProject('pglite', {
      ...fixtureFiles('dbmate'),
      'migrations/20240611080921_index_mission_names.sql': '-- migrate:up\n-- Names are searched by prefix.\nCREATE INDEX missions_name_idx ON missions (name text_pattern_ops);\n\n-- migrate:down\nDROP INDEX missions_name_idx;\n',
    });
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/20240611080921_index_mission_names\.sql:3:1: \w+: .*\[require-concurrent-index-creation\]$/m);
    assert.match(lint.stdout, /^migrations\/20240607080917_create_launches\.sql\.sql:1:1: warning: "20240607080917_create_launches\.sql\.sql" ends in "\.sql\.sql" \(read as 20240607080917_create_launches\.sql\) \[invalid-migration-file\]$/m);
    assert.doesNotMatch(lint.stdout, /Up migration|migrate:up/);
    assert.match(lint.stdout, /^migrations\/20240601080911_create_agencies\.sql:\d+:1: warning: this migration has no "-- migrate:down" section, so it cannot be rolled back \[missing-down-migration\]$/m);
  });

  it('a file without "-- migrate:up", and a name without a version, are refused by name', async () => {
    p = await makeProject('pglite', { ...fixtureFiles('dbmate'), 'migrations/20240612000000_add_probes.sql': 'CREATE TABLE probes (id int);\n' });
    let up = await p.cli(['--up']);
    assert.equal(up.code, 2);
    assert.match(up.stderr, /migrations\/20240612000000_add_probes\.sql:1: no "-- migrate:up" marker found\n  fix: add a line "-- migrate:up" above the statements/);
    let lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/20240612000000_add_probes\.sql:1:1: error: no "-- migrate:up" marker found \[invalid-migration-file\]$/m);

    p.remove('migrations/20240612000000_add_probes.sql');
    p.write('migrations/cleanup.sql', '-- migrate:up\nDELETE FROM missions;\n');
    up = await p.cli(['--up']);
    assert.equal(up.code, 2);
    assert.match(up.stderr, /migrations\/cleanup\.sql: "cleanup\.sql" is not a dbmate migration file name\n  fix: name dbmate migration files VERSION_name\.sql/);
    lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/cleanup\.sql:1:1: error: "cleanup\.sql" is not a dbmate migration file name \[invalid-migration-file\]$/m);
  });

  it('an unknown marker option is refused, naming dbmate\'s', async () => {
    p = await makeProject('pglite', { 'migrations/20240101000000_a.sql': '-- migrate:up transaction:no\nCREATE TABLE a (id int);\n' });
    const up = await p.cli(['--up']);
    assert.equal(up.code, 2);
    assert.match(up.stderr, /20240101000000_a\.sql:1: "transaction:no" on the "-- migrate:up" line is not a dbmate option/);
  });

  it('is detected from "-- migrate:up", and "format" in the config overrides detection', async () => {
    p = await makeProject('pglite', fixtureFiles('dbmate'), { format: 'native' });
    const status = await p.cli(['--status']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /no "-- Up migration" marker found/);
  });
});
