/**
 * A Flyway history (test/fixtures/formats/flyway: V1..V5 with U undo scripts, a release2/ subdirectory, a
 * CREATE INDEX CONCURRENTLY script run outside a transaction by its .sql.conf, a ${cache_ttl_hours} placeholder,
 * and the repeatable R__mission_summary view) through every command. V1 has no undo script: "down to empty" goes
 * down to V1 (everything it can undo), and --down past it is the irreversible error, with nothing changed.
 */
import assert from 'node:assert/strict';
import { BACKENDS, makeProject, tables, type TestProject } from './harness';
import { editConfig, fixtureTree, lintFindings, statusJson } from './format-fixture-tree';

const CONFIG = { placeholders: { cache_ttl_hours: '6' } };
const SCHEMA = ['agencies', 'api_cache', 'astronauts', 'crew_assignments', 'favorites', 'missions', 'observations', 'spacecraft'];

async function userTables(p: TestProject): Promise<string[]> {
  return (await tables(p)).filter((t) => !t.startsWith('database_migrations'));
}

async function views(p: TestProject): Promise<string[]> {
  return (await p.query<{ v: string }>(`SELECT viewname AS v FROM pg_views WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.v);
}

for (const backend of BACKENDS) {
  describe(`Flyway format on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('the fixture history goes up, verifies, dry-runs, shows status and graph, rolls down as far as V1 allows and up again', async () => {
      p = await makeProject(backend, fixtureTree('flyway'), CONFIG);
      const before = await statusJson(p);
      assert.deepEqual(before.migrations.map((m) => m.id), ['1_create_agencies', '1.1_create_missions', '1.2_create_spacecraft',
        '2_create_astronauts', '2.1_create_crew_assignments', '3_create_observations', '3.1_index_observations_by_time',
        '4_create_api_cache', '4.1_add_launch_mass', '5_create_favorites', 'R_mission_summary']);
      assert.ok(before.migrations.every((m) => m.state === 'pending'));
      assert.deepEqual(before.migrations.filter((m) => !m.transactional).map((m) => m.id), ['3.1_index_observations_by_time']);
      assert.equal(before.migrations[7]!.file, 'migrations/release2/V4__create_api_cache.sql');

      const first = await p.cli(['--up', '--to', '1']);
      assert.equal(first.code, 0, first.stderr);
      const verify = await p.cli(['--verify']);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /✓ 3\.1_index_observations_by_time: down undoes up/);
      assert.match(verify.stdout, /✓ R_mission_summary: down undoes up/);
      assert.match(verify.stdout, /Rollback verification passed; nothing was changed\./);
      const dry = await p.cli(['--up', '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /↑ 1\.1_create_missions/);
      assert.deepEqual(await userTables(p), ['agencies'], 'the dry run changed nothing');

      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /Applied 10 migrations/);
      assert.deepEqual(await userTables(p), SCHEMA);
      assert.deepEqual(await views(p), ['mission_summary']);
      const idx = await p.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_indexes WHERE indexname = 'observations_observed_at_idx'`);
      assert.equal(idx[0]!.n, '1', 'the CONCURRENTLY index was built (outside a transaction)');
      const ttl = await p.query<{ s: string }>(`INSERT INTO api_cache (request_key, response) VALUES ('apod', '{}') RETURNING extract(epoch FROM expires_at - fetched_at)::int::text AS s`);
      assert.equal(ttl[0]!.s, '21600', 'the ${cache_ttl_hours} placeholder became 6 hours');
      const history = await p.query<{ version: string }>('SELECT version FROM database_migrations ORDER BY applied_at, version');
      assert.ok(history.some((h) => h.version === '1.2'), 'V1_2 is version 1.2 in the history');

      const status = await p.cli(['--status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^1\.2\s+create_spacecraft\s+applied/m);
      assert.match(status.stdout, /11 applied/);
      const graph = await p.cli(['--status', '--graph']);
      assert.equal(graph.code, 0, graph.stderr);
      assert.match(graph.stdout, /^2\.1_create_crew_assignments\n  ├─ depends on 1\.1_create_missions \(uses table missions\)\n  └─ depends on 2_create_astronauts \(uses table astronauts\)$/m);
      assert.match(graph.stdout, /^R_mission_summary\n  ├─ depends on 1_create_agencies/m);

      const toEmpty = await p.cli(['--down', '--to', '0']);
      assert.equal(toEmpty.code, 2);
      assert.match(toEmpty.stderr, /migrations\/V1__create_agencies\.sql: 1_create_agencies is irreversible: it has no undo script/);
      assert.match(toEmpty.stderr, /fix: write the statements that undo it in migrations\/U1__create_agencies\.sql/);
      assert.deepEqual(await userTables(p), SCHEMA, 'nothing was rolled back');

      const down = await p.cli(['--down', '--to', '1']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, /Rolled back 10 migrations/);
      assert.deepEqual(await userTables(p), ['agencies']);
      assert.deepEqual(await views(p), []);

      const again = await p.cli(['--up']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Applied 10 migrations/);
      assert.deepEqual(await userTables(p), SCHEMA);
      assert.ok((await statusJson(p)).migrations.every((m) => m.state === 'applied'));
    });

    it('a changed placeholder value re-runs a repeatable script and marks a versioned one modified; a missing one names file, line and key', async () => {
      p = await makeProject(backend, { ...fixtureTree('flyway'),
        'migrations/R__mission_summary_comment.sql': "COMMENT ON VIEW mission_summary IS 'maintained by ${team}';\n" }, { placeholders: { cache_ttl_hours: '6', team: 'flight ops' } });
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      const comment = () => p.query<{ c: string }>(`SELECT obj_description('mission_summary'::regclass, 'pg_class') AS c`);
      assert.equal((await comment())[0]!.c, 'maintained by flight ops');

      editConfig(p, (c) => { c['placeholders'] = { cache_ttl_hours: '12', team: 'mission control' }; });
      const states = new Map((await statusJson(p)).migrations.map((m) => [m.id, m.state]));
      assert.equal(states.get('R_mission_summary_comment'), 'outdated');
      assert.equal(states.get('4_create_api_cache'), 'modified', 'a versioned script\'s checksum is of its text after substitution');
      editConfig(p, (c) => { c['placeholders'] = { cache_ttl_hours: '6', team: 'mission control' }; });
      const again = await p.cli(['--up']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /R_mission_summary_comment/);
      assert.equal((await comment())[0]!.c, 'maintained by mission control');

      editConfig(p, (c) => { c['placeholders'] = { team: 'mission control' }; });
      const missing = await p.cli(['--status']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /migrations\/release2\/V4__create_api_cache\.sql:1: no value for placeholder \$\{cache_ttl_hours\}/);
      assert.match(missing.stderr, /set "placeholders": \{"cache_ttl_hours": "\.\.\."\} in database-migration\.config\.json/);
    });
  });
}

describe('Flyway format: detection, built-in placeholders, lint', function () {
  this.timeout(120000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('is detected without "format"; "format": "native" reads the same files as native ones and refuses them', async () => {
    p = await makeProject('pglite', fixtureTree('flyway'), CONFIG);
    assert.equal((await statusJson(p)).migrations.length, 11);
    editConfig(p, (c) => { c['format'] = 'flyway'; });
    assert.equal((await statusJson(p)).migrations.length, 11);
    editConfig(p, (c) => { c['format'] = 'native'; });
    const r = await p.cli(['--status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not a migration file name/);
  });

  it('${flyway:user} is refused by name (it depends on the connection), unless the config gives it a value', async () => {
    p = await makeProject('pglite', { 'migrations/V1__grants.sql': 'CREATE TABLE t (id int);\nGRANT SELECT ON t TO ${flyway:user};\n' });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /migrations\/V1__grants\.sql:2: \$\{flyway:user\} is Flyway's placeholder for the user the migration connects as/);
    editConfig(p, (c) => { c['placeholders'] = { 'flyway:user': 'postgres' }; });
    const ok = await p.cli(['--up']);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('--lint reads V, U and R scripts (subdirectories too) as migrations and finds a planted problem at its file and line', async () => {
    p = await makeProject('pglite', { ...fixtureTree('flyway'),
      'migrations/release2/V6__index_favorites_by_time.sql': '-- Favourites by time, for the "recently added" list.\nCREATE INDEX favorites_added_at_idx ON favorites (added_at);\n',
      'migrations/release2/U6__index_favorites_by_time.sql': 'DROP INDEX favorites_added_at_idx;\n' }, CONFIG);
    const { code, findings } = await lintFindings(p);
    assert.equal(code, 6, 'the planted index is an error');
    const planted = findings.filter((f) => f.ruleId === 'require-concurrent-index-creation');
    assert.deepEqual(planted.map((f) => [f.file, f.line]), [['migrations/release2/V6__index_favorites_by_time.sql', 2]]);
    const missingDown = findings.filter((f) => f.ruleId === 'missing-down-migration');
    assert.deepEqual(missingDown.map((f) => [f.file, f.message]), [['migrations/V1__create_agencies.sql', 'this migration has no undo script, so it cannot be rolled back']],
      'only V1 lacks an undo script; the repeatable view has its own down section');
    assert.ok(!findings.some((f) => f.ruleId === 'invalid-migration-file'), JSON.stringify(findings));
    // The U file's down counts for its V file: a down that leaves the index behind is reported.
    p.write('migrations/release2/U6__index_favorites_by_time.sql', 'SELECT 1;\n');
    const again = await lintFindings(p);
    assert.ok(again.findings.some((f) => f.ruleId === 'down-does-not-reverse-up' && f.file === 'migrations/release2/V6__index_favorites_by_time.sql'),
      JSON.stringify(again.findings));
  });
});
