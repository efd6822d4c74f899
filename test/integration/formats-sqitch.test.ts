/**
 * A Sqitch project (test/fixtures/formats/sqitch: sqitch.plan with 11 changes and a tag, deploy/revert/verify
 * scripts wrapped in BEGIN/COMMIT as Sqitch writes them, a CREATE INDEX CONCURRENTLY change without the wrapper,
 * and mission_summary reworked after @v1.0) through every command. Sqitch has no repeatable migrations: a view is
 * changed by reworking it, which the fixture does. "agencies" has no revert script: "down to empty" goes down to
 * it, and --down past it is the irreversible error, with nothing changed.
 */
import assert from 'node:assert/strict';
import { BACKENDS, makeProject, tables, type TestProject } from './harness';
import { editConfig, fixtureTree, lintFindings, statusJson } from './format-fixture-tree';

const SCHEMA = ['agencies', 'api_cache', 'astronauts', 'crew_assignments', 'favorites', 'missions', 'observations', 'spacecraft'];
const PLANNER = '2026-01-07T09:00:00Z Ada Lovelace <ada@example.com>';

async function userTables(p: TestProject): Promise<string[]> {
  return (await tables(p)).filter((t) => !t.startsWith('database_migrations'));
}

async function summaryColumns(p: TestProject): Promise<string[]> {
  const rows = await p.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'mission_summary' ORDER BY ordinal_position`);
  return rows.map((r) => r.c);
}

for (const backend of BACKENDS) {
  describe(`Sqitch format on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('the fixture project goes up, verifies (verify scripts too), dry-runs, shows status and graph, rolls down as far as it can and up again', async () => {
      p = await makeProject(backend, fixtureTree('sqitch'));
      const before = await statusJson(p);
      assert.deepEqual(before.migrations.map((m) => m.id), ['0001_agencies', '0002_missions', '0003_spacecraft', '0004_astronauts',
        '0005_crew_assignments', '0006_observations', '0007_mission_summary', '0008_observations_time_idx', '0009_api_cache',
        '0010_favorites', '0011_mission_summary']);
      assert.ok(before.migrations.every((m) => m.state === 'pending'));
      assert.deepEqual(before.migrations.filter((m) => !m.transactional).map((m) => m.id), ['0008_observations_time_idx']);
      assert.equal(before.migrations[6]!.file, 'migrations/deploy/mission_summary@v1.0.sql', 'the reworked change\'s first instance');

      const first = await p.cli(['--up', '--to', '0001']);
      assert.equal(first.code, 0, first.stderr);
      const verify = await p.cli(['--verify']);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /✓ 0002_missions: down undoes up, and up applies again identically; migrations\/verify\/missions\.sql passes/);
      assert.match(verify.stdout, /✓ 0008_observations_time_idx: .*migrations\/verify\/observations_time_idx\.sql passes/);
      assert.match(verify.stdout, /✓ 0011_mission_summary: .*migrations\/verify\/mission_summary\.sql passes/);
      const dry = await p.cli(['--up', '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /↑ 0002_missions\n  line 6 /, 'line numbers of the script as written (BEGIN on line 4 taken off)');
      assert.deepEqual(await userTables(p), ['agencies'], 'the dry run changed nothing');

      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /Applied 10 migrations/);
      assert.deepEqual(await userTables(p), SCHEMA);
      assert.deepEqual(await summaryColumns(p), ['id', 'name', 'spacecraft', 'crew'], 'the reworked view');
      const idx = await p.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_indexes WHERE indexname = 'observations_observed_at_idx'`);
      assert.equal(idx[0]!.n, '1', 'the CONCURRENTLY index was built (outside a transaction)');

      const status = await p.cli(['--status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^0011\s+mission_summary\s+applied/m);
      assert.match(status.stdout, /11 applied/);
      const graph = await p.cli(['--status', '--graph']);
      assert.equal(graph.code, 0, graph.stderr);
      assert.match(graph.stdout, /^0005_crew_assignments\n  ├─ depends on 0002_missions \(declared; uses table missions\)\n  └─ depends on 0004_astronauts \(declared; uses table astronauts\)$/m);
      assert.match(graph.stdout, /^0011_mission_summary\n(?: {2}.*\n)*? {2}├─ depends on 0004_astronauts \(declared\)$/m, 'a plan requirement the SQL does not show is a declared edge');
      assert.match(graph.stdout, /depends on 0007_mission_summary \(declared; uses view mission_summary\)/);

      const one = await p.cli(['--down']);
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual(await summaryColumns(p), ['id', 'name', 'spacecraft'], 'reverting the rework restores the @v1.0 view');
      const toEmpty = await p.cli(['--down', '--to', '0']);
      assert.equal(toEmpty.code, 2);
      assert.match(toEmpty.stderr, /migrations\/deploy\/agencies\.sql: 0001_agencies is irreversible: it has no revert script/);
      assert.match(toEmpty.stderr, /fix: write the statements that undo it in migrations\/revert\/agencies\.sql/);
      assert.deepEqual(await userTables(p), SCHEMA, 'nothing was rolled back');

      const down = await p.cli(['--down', '--to', '0001']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, /Rolled back 9 migrations/);
      assert.deepEqual(await userTables(p), ['agencies']);

      const again = await p.cli(['--up']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Applied 10 migrations/);
      assert.deepEqual(await summaryColumns(p), ['id', 'name', 'spacecraft', 'crew']);
      assert.ok((await statusJson(p)).migrations.every((m) => m.state === 'applied'));
    });

    it('a failing verify script fails --verify and --up --verify, naming the verify file and line; nothing is applied', async () => {
      p = await makeProject(backend, { ...fixtureTree('sqitch'),
        'migrations/verify/favorites.sql': '-- Verify nasa_portal:favorites on pg\n\nBEGIN;\n\nSELECT user_id, mission_id, rating FROM favorites WHERE FALSE;\n\nROLLBACK;\n' });
      assert.equal((await p.cli(['--up', '--to', '0001'])).code, 0);
      const verify = await p.cli(['--verify']);
      assert.equal(verify.code, 1);
      assert.match(verify.stdout, /✗ 0010_favorites/);
      assert.match(verify.stdout, /verify script failed after up, migrations\/verify\/favorites\.sql:5: column "rating" does not exist/);
      const up = await p.cli(['--up', '--verify']);
      assert.equal(up.code, 1);
      assert.match(up.stderr, /0010_favorites: verify script failed after up, migrations\/verify\/favorites\.sql:5/);
      assert.deepEqual(await userTables(p), ['agencies'], 'nothing was applied');
    });
  });
}

describe('Sqitch format: detection, plan errors, lint', function () {
  this.timeout(120000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('is detected by sqitch.plan; with "format": "native" the directory holds no migrations (none directly in it)', async () => {
    p = await makeProject('pglite', fixtureTree('sqitch'));
    assert.equal((await statusJson(p)).migrations.length, 11);
    editConfig(p, (c) => { c['format'] = 'sqitch'; });
    assert.equal((await statusJson(p)).migrations.length, 11);
    editConfig(p, (c) => { c['format'] = 'native'; });
    const native = await p.cli(['--status']);
    assert.equal(native.code, 0, 'no *.sql directly in the directory: an empty native project');
    assert.match(native.stdout, /No migrations|0 pending|no migrations/i);
  });

  it('plan errors name sqitch.plan and the line', async () => {
    const files = fixtureTree('sqitch');
    const plan = files['migrations/sqitch.plan']!;
    p = await makeProject('pglite', { ...files, 'migrations/sqitch.plan': `${plan}launches [other_project:rockets] ${PLANNER}\n` });
    const r = await p.cli(['--status']);
    assert.equal(r.code, 2);
    const line = plan.split('\n').length;
    assert.match(r.stderr, new RegExp(`migrations/sqitch\\.plan:${line}: dependency "other_project:rockets" names a change of another Sqitch project`));
    p.write('migrations/sqitch.plan', `${plan}launches ${PLANNER}\n`);
    const noScript = await p.cli(['--up']);
    assert.equal(noScript.code, 2);
    assert.match(noScript.stderr, new RegExp(`migrations/sqitch\\.plan:${line}: change "launches" has no deploy script migrations/deploy/launches\\.sql`));
  });

  it('--lint reads deploy/ and revert/ scripts as migrations and finds a planted problem at its file and line', async () => {
    const files = fixtureTree('sqitch');
    p = await makeProject('pglite', { ...files,
      'migrations/sqitch.plan': `${files['migrations/sqitch.plan']}favorites_by_time [favorites] ${PLANNER}\n`,
      'migrations/deploy/favorites_by_time.sql': '-- Deploy nasa_portal:favorites_by_time to pg\n\nBEGIN;\n\nCREATE INDEX favorites_added_at_idx ON favorites (added_at);\n\nCOMMIT;\n',
      'migrations/revert/favorites_by_time.sql': 'BEGIN;\nDROP INDEX favorites_added_at_idx;\nCOMMIT;\n' });
    const { code, findings } = await lintFindings(p);
    assert.equal(code, 6, 'the planted index is an error');
    assert.deepEqual(findings.filter((f) => f.ruleId === 'require-concurrent-index-creation').map((f) => [f.file, f.line]),
      [['migrations/deploy/favorites_by_time.sql', 5]]);
    assert.deepEqual(findings.filter((f) => f.ruleId === 'missing-down-migration').map((f) => [f.file, f.message]),
      [['migrations/deploy/agencies.sql', 'this migration has no revert script, so it cannot be rolled back']]);
    assert.ok(!findings.some((f) => /transaction|invalid-migration-file/.test(f.ruleId)), `BEGIN/COMMIT are Sqitch's wrapper, not findings: ${JSON.stringify(findings)}`);
    // The revert script counts for its deploy script: a revert that leaves the index behind is reported.
    p.write('migrations/revert/favorites_by_time.sql', 'BEGIN;\nSELECT 1;\nCOMMIT;\n');
    const again = await lintFindings(p);
    assert.ok(again.findings.some((f) => f.ruleId === 'down-does-not-reverse-up' && f.file === 'migrations/deploy/favorites_by_time.sql'),
      JSON.stringify(again.findings));
  });
});
