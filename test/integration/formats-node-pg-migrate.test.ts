import assert from 'node:assert/strict';
import { BACKENDS, makeProject, type TestProject } from './harness';
import { fixtureFiles, roundTrip } from './formats-shared';

for (const backend of BACKENDS) {
  describe(`node-pg-migrate format on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject | undefined;
    afterEach(async () => { await p?.cleanup(); p = undefined; });

    it('applies the fixture history (13-digit versions, dashed names), verifies it, rolls it down and up again', async () => {
      p = await roundTrip({ format: 'node-pg-migrate', backend, first: '1717834150000', repeatable: 'R_mission-summary',
        nonTransactional: '1718438950000_index-observation-times',
        irreversible: /1717834150000_create-agencies is irreversible: it has no "-- Down migration" section/ });
    });
  });
}

describe('node-pg-migrate format: JavaScript migrations, lint, detection', function () {
  this.timeout(120000);
  let p: TestProject | undefined;
  afterEach(async () => { await p?.cleanup(); p = undefined; });

  it('JS/TS migrations are reported by name by up, down and status (never skipped), and listed by --lint', async () => {
    p = await makeProject('pglite', {
      ...fixtureFiles('node-pg-migrate'),
      'migrations/1718698150000_add-probes.js': 'exports.up = (pgm) => { pgm.createTable(\'probes\', { id: \'id\' }); };\n',
      'migrations/1718784550000_add-rovers.ts': 'export async function up(pgm) {}\n',
    });
    for (const args of [['--up'], ['--down'], ['--status']]) {
      const r = await p.cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /^error: migrations\/1718698150000_add-probes\.js: 2 JavaScript\/TypeScript migrations cannot be run \(only node-pg-migrate's SQL migrations can\): 1718698150000_add-probes\.js, 1718784550000_add-rovers\.ts\n  fix: rewrite each one in node-pg-migrate's SQL format/m, args.join(' '));
      assert.match(r.stderr, /--migration-file-language sql/);
    }
    assert.deepEqual(await p.query(`SELECT tablename FROM pg_tables WHERE tablename = 'agencies'`), [], 'nothing ran');
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.equal(lint.code, 6);
    assert.match(lint.stdout, /^migrations\/1718698150000_add-probes\.js:1:1: error: "1718698150000_add-probes\.js" is a JavaScript migration, which cannot be run \(only node-pg-migrate's SQL migrations can\) \[invalid-migration-file\]$/m);
    assert.match(lint.stdout, /^migrations\/1718784550000_add-rovers\.ts:1:1: error: "1718784550000_add-rovers\.ts" is a TypeScript migration/m);
  });

  it('--lint reads "-- Up Migration" files: a planted CREATE INDEX is found at its file and line', async () => {
    p = await makeProject('pglite', {
      ...fixtureFiles('node-pg-migrate'),
      'migrations/1718698150000_index-mission-names.sql': '-- Up Migration\n-- Names are searched by prefix.\nCREATE INDEX missions_name_idx ON missions (name text_pattern_ops);\n\n-- Down Migration\nDROP INDEX missions_name_idx;\n',
    });
    const lint = await p.cli(['--lint', '--format', 'gcc']);
    assert.match(lint.stdout, /^migrations\/1718698150000_index-mission-names\.sql:3:1: \w+: .*\[require-concurrent-index-creation\]$/m);
    assert.doesNotMatch(lint.stdout, /invalid-migration-file/);
  });

  it('is detected from its 13-digit versions, and "format" in the config overrides detection', async () => {
    p = await makeProject('pglite', fixtureFiles('node-pg-migrate'), { format: 'dbmate' });
    const status = await p.cli(['--status']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /1717834150000_create-agencies\.sql:3: no "-- migrate:up" marker found/);
  });
});
