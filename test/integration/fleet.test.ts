/**
 * Fleets on the real PostgreSQL server (TEST_DATABASE_URL or the embedded one) and on PGlite directories:
 * many databases, schema per tenant, a failing target under both failure policies, re-runs, a query on a
 * control database, and the Citus detection against a recorded catalog put in front of pg_catalog.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFleet } from '../../src/api';
import { findPgTool } from '../../src/core/pg-tools';
import { pgliteTemplate } from './harness';
import { fleetProject, HISTORY_SQL, maxConcurrent, queryPglite, queryUrl, smallMigrations, type FleetProject } from './fleet-helpers';

const BACKUPS_OFF = { enabled: false };

describe('fleet', function () {
  this.timeout(240000);
  let p: FleetProject | null = null;
  afterEach(async () => { await p?.cleanup(); p = null; });

  it('20 databases and 5 PGlite directories: every migration applied exactly once, 4 targets at a time; a re-run changes nothing', async () => {
    p = await fleetProject(smallMigrations(4));
    const urls = await p.createDatabases(20);
    const pglite = Array.from({ length: 5 }, (_, k) => `pglite:tenants/t${k}`);
    // Initialised once and copied (initdb takes seconds; a copy milliseconds), as the harness does.
    const template = await pgliteTemplate();
    for (let k = 0; k < 5; k++) fs.cpSync(template, path.join(p.dir, 'tenants', `t${k}`), { recursive: true });
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: { urls: [...urls, ...pglite], parallel: 4 } } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Fleet prod: --up on 25 targets: 25 ok/);
    assert.equal(maxConcurrent(r.stdout), 4);
    const expected = ['001', '002', '003', '004'].map((version) => ({ version, status: 'applied', ups: 1 }));
    for (const url of urls) assert.deepEqual(await queryUrl(url, HISTORY_SQL()), expected, url);
    for (let k = 0; k < 5; k++) assert.deepEqual(await queryPglite(path.join(p.dir, 'tenants', `t${k}`), HISTORY_SQL()), expected, `pglite t${k}`);
    // Per-target log lines carry the target's label; each target has its own log file.
    assert.match(r.stdout, new RegExp(`^\\[${urls[0]!.replace(/[/.:]/g, '\\$&')}\\] ↑ 004_t4`, 'm'));
    const again = await p.cli(['--up', '--json']);
    assert.equal(again.code, 0);
    const json = JSON.parse(again.stdout) as { targets: { state: string; result: { applied: unknown[] } }[] };
    assert.equal(json.targets.length, 25);
    assert.ok(json.targets.every((t) => t.state === 'ok' && t.result.applied.length === 0));
    for (const url of urls.slice(0, 3)) assert.deepEqual(await queryUrl(url, HISTORY_SQL()), expected, url);
  });

  it('a target failing mid-run: "continue" finishes the others, exit 1 names it; the re-run finishes it and touches no other', async () => {
    p = await fleetProject(smallMigrations(4));
    const urls = await p.createDatabases(6);
    await queryUrl(urls[2]!, 'CREATE TABLE t3 (conflicting int)');
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: { urls, parallel: 2, onFailure: 'continue' } } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /--up on 6 targets: 5 ok, 1 failed/);
    assert.match(r.stdout, new RegExp(`✗ ${urls[2]!.replace(/[/.:]/g, '\\$&')}: E_MIGRATION_FAILED: 003_t3 failed \\(up\\): relation "t3" already exists`));
    assert.deepEqual((await queryUrl<{ version: string }>(urls[2]!, HISTORY_SQL())).map((x) => x.version), ['001', '002']);
    const before = new Map<string, unknown>();
    for (const url of urls) {
      if (url === urls[2]) continue;
      assert.equal((await queryUrl(url, HISTORY_SQL())).length, 4, url);
      before.set(url, await queryUrl(url, 'SELECT count(*)::int AS n, max(id) AS last FROM database_migrations_log'));
    }
    await queryUrl(urls[2]!, 'DROP TABLE t3');
    const again = await p.cli(['--up']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual((await queryUrl<{ version: string }>(urls[2]!, HISTORY_SQL())).map((x) => x.version), ['001', '002', '003', '004']);
    for (const [url, log] of before) assert.deepEqual(await queryUrl(url, 'SELECT count(*)::int AS n, max(id) AS last FROM database_migrations_log'), log, `untouched: ${url}`);
  });

  it('"stop" starts no target after the failing one; the re-run completes the fleet', async () => {
    p = await fleetProject(smallMigrations(3));
    const urls = await p.createDatabases(5);
    await queryUrl(urls[1]!, 'CREATE TABLE t2 (conflicting int)');
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: urls } } });
    const r = await p.cli(['--up', '--parallel', '1', '--on-failure', 'stop']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /--up on 5 targets: 1 ok, 1 failed, 3 not started/);
    assert.match(r.stdout, /- not started: .*\(.* failed and the failure policy is "stop"\)/);
    const historyTables = async (url: string) => (await queryUrl<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'database_migrations'`))[0]!.n;
    assert.equal((await queryUrl(urls[0]!, HISTORY_SQL())).length, 3);
    assert.equal((await queryUrl(urls[1]!, HISTORY_SQL())).length, 1);
    for (const url of urls.slice(2)) assert.equal(await historyTables(url), 0, `never touched: ${url}`);
    await queryUrl(urls[1]!, 'DROP TABLE t2');
    const again = await p.cli(['--up', '--parallel', '3']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const url of urls) assert.equal((await queryUrl(url, HISTORY_SQL())).length, 3, url);
  });

  it('a canary that fails stops the fleet before any other target starts', async () => {
    p = await fleetProject(smallMigrations(2));
    const urls = await p.createDatabases(4);
    await queryUrl(urls[0]!, 'CREATE TABLE t2 (conflicting int)');
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: { urls, onFailure: 'continue' } } } });
    const r = await p.cli(['--up', '--canary', '1', '--json']);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { targets: { state: string; canary: boolean; reason: string | null }[] };
    assert.deepEqual(json.targets.map((t) => [t.state, t.canary]), [['failed', true], ['skipped', false], ['skipped', false], ['skipped', false]]);
    assert.match(json.targets[1]!.reason!, /^canary .* failed$/);
  });

  it('schema per tenant: 50 schemas in one database, each with its own tables and history; the matrix shows them all', async () => {
    p = await fleetProject({
      '001_items.sql': '-- Up migration\nCREATE TABLE items (id int PRIMARY KEY, label text);\n-- Down migration\nDROP TABLE items;\n',
      '002_tags.sql': '-- Up migration\nCREATE TABLE tags (item_id int REFERENCES items (id), tag text);\nINSERT INTO items VALUES (1, current_schema());\n-- Down migration\nDROP TABLE tags;\n',
    });
    const [url] = await p.createDatabases(1);
    const schemas = Array.from({ length: 50 }, (_, k) => `tenant_${String(k + 1).padStart(2, '0')}`);
    await queryUrl(url!, [...schemas, 'other', 'tenant_archive'].map((s) => `CREATE SCHEMA ${s};`).join('\n'));
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { url, backups: BACKUPS_OFF, targets: { schemas: 'tenant\\_%', exclude: ['tenant_archive'], parallel: 4 } } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /--up on 50 targets: 50 ok/);
    const rows = await queryUrl<{ schemaname: string; n: number }>(url!, `SELECT schemaname, count(*)::int AS n FROM pg_tables WHERE tablename IN ('items', 'tags', 'database_migrations') GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(rows, schemas.map((s) => ({ schemaname: s, n: 3 })));
    assert.deepEqual(await queryUrl(url!, HISTORY_SQL('tenant_37')), [{ version: '001', status: 'applied', ups: 1 }, { version: '002', status: 'applied', ups: 1 }]);
    assert.deepEqual(await queryUrl(url!, 'SELECT label FROM tenant_37.items'), [{ label: 'tenant_37' }]);
    const status = await p.cli(['--status', '--json']);
    assert.equal(status.code, 0);
    const json = JSON.parse(status.stdout) as { matrix: { totals: Record<string, number>; rows: { label: string; cells: string[] }[] } };
    assert.deepEqual(json.matrix.totals, { targets: 50, upToDate: 50, behind: 0, drift: 0, unreadable: 0 });
    assert.match(json.matrix.rows[0]!.label, / schema tenant_01$/);
    const down = await p.cli(['--down', '--steps', '1']);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    const text = await p.cli(['--status']);
    assert.match(text.stdout, /50 targets: 0 up to date, 50 behind/);
  });

  it('a query on the control database gives URLs and schema names; several --url form an ad-hoc fleet', async () => {
    p = await fleetProject(smallMigrations(2));
    const [control, a, b] = await p.createDatabases(3);
    await queryUrl(control!, `CREATE SCHEMA tenant_q; CREATE TABLE tenants (target text, active bool);
      INSERT INTO tenants VALUES ($$${a}$$, true), ($$tenant_q$$, true), ($$${b}$$, false)`);
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { url: control, backups: BACKUPS_OFF, targets: { query: 'SELECT target FROM tenants WHERE active ORDER BY 1' } } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /--up on 2 targets: 2 ok/);
    assert.equal((await queryUrl(a!, HISTORY_SQL())).length, 2);
    assert.equal((await queryUrl(control!, HISTORY_SQL('tenant_q'))).length, 2);
    assert.equal((await queryUrl<{ n: number }>(b!, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'database_migrations'`))[0]!.n, 0);
    const adhoc = await p.cli(['--status', '--url', a!, '--url', b!]);
    assert.equal(adhoc.code, 0, adhoc.stdout + adhoc.stderr);
    assert.match(adhoc.stdout, /2 targets: 1 up to date, 1 behind/);
    const missing = `${a!.replace(/\/[^/]*$/, '')}/dmf_no_such_database`;
    const unreadable = await p.cli(['--status', '--url', a!, '--url', missing]);
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stdout, /dmf_no_such_database\s+unreadable: database "dmf_no_such_database" does not exist/);
    assert.match(unreadable.stdout, /2 targets: 1 up to date, 1 unreadable/);
    const one = await p.cli(['--status', '--url', b!, '--json']);
    assert.equal(one.code, 0);
    assert.equal((JSON.parse(one.stdout) as { migrations: { state: string }[] }).migrations.filter((m) => m.state === 'pending').length, 2);
  });

  it('Citus: a recorded coordinator catalog gets sequential shard modification in its sessions; a worker is refused', async () => {
    p = await fleetProject({ '001_seen.sql': "-- Up migration\nCREATE TABLE public.seen AS SELECT current_setting('citus.multi_shard_modify_mode', true) AS mode;\n-- Down migration\nDROP TABLE public.seen;\n" });
    const [coordinator, worker] = await p.createDatabases(2);
    // Citus is not installable here: a catalog recorded from a Citus 12 cluster, in a schema put before pg_catalog.
    const fakeCatalog = (groupid: number) => `CREATE SCHEMA fake_citus;
      CREATE TABLE fake_citus.pg_extension (extname name, extversion text); INSERT INTO fake_citus.pg_extension VALUES ('plpgsql', '1.0'), ('citus', '12.1-1');
      CREATE TABLE fake_citus.pg_dist_local_group (groupid int); INSERT INTO fake_citus.pg_dist_local_group VALUES (${groupid});
      CREATE TABLE fake_citus.pg_dist_node (nodeid int, groupid int, nodename text, nodeport int, noderole text, isactive bool);
      INSERT INTO fake_citus.pg_dist_node VALUES (1, 0, 'coord', 5432, 'primary', true), (2, 1, 'w1', 5432, 'primary', true), (3, 2, 'w2', 5432, 'primary', true);`;
    await queryUrl(coordinator!, fakeCatalog(0));
    await queryUrl(worker!, fakeCatalog(2));
    const withCatalog = (url: string) => `${url}?options=${encodeURIComponent('-c search_path=fake_citus,pg_catalog')}`;
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: { urls: [withCatalog(coordinator!), withCatalog(worker!)], onFailure: 'continue' } } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /fake_citus.*E_CONFIG_INVALID: .* is a Citus worker node \(citus 12\.1-1, group 2\): migrations must run on the coordinator/);
    assert.deepEqual(await queryUrl(coordinator!, 'SELECT mode FROM public.seen'), [{ mode: 'sequential' }]);
    assert.equal((await queryUrl<{ n: number }>(worker!, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('seen', 'database_migrations')`))[0]!.n, 0);
  });

  it('--verify runs on every target; each target keeps its own backups and log file', async function () {
    p = await fleetProject(smallMigrations(2));
    const urls = await p.createDatabases(2);
    const [{ v }] = await queryUrl<{ v: string }>(urls[0]!, `SELECT current_setting('server_version_num') AS v`);
    try { findPgTool('pg_dump', Math.floor(Number(v) / 10000)); } catch { this.skip(); }
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { targets: urls } } });
    const verified = await p.cli(['--verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /--verify on 2 targets: 2 ok/);
    p.write('migrations/002_t2.sql', '-- Up migration\nCREATE TABLE t2 (id int);\n-- Down migration\nSELECT 1;\n');
    const bad = await p.cli(['--verify', '--on-failure', 'continue']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout.match(/E_VERIFY_FAILED/g)?.length, 2, bad.stdout);
    p.write('migrations/002_t2.sql', '-- Up migration\nCREATE TABLE t2 (id int);\n-- Down migration\nDROP TABLE t2;\n');
    const up = await p.cli(['--up', '--json']);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const keys = (JSON.parse(up.stdout) as { targets: { key: string }[] }).targets.map((t) => t.key);
    for (const key of keys) {
      const manifest = JSON.parse(fs.readFileSync(path.join(p.dir, '.migrations', 'backups', 'prod', 'fleet', key, 'manifest.json'), 'utf8')) as { backups: { database: string }[] };
      assert.equal(manifest.backups.length, 1, key);
      const log = fs.readFileSync(path.join(p.dir, '.migrations', 'fleet', 'prod', `${key}.log`), 'utf8');
      assert.match(log, /backup .* bytes\)\n.*up 001_t1 …\n.*up 001_t1 done in \d+ ms\n/);
      assert.match(log, /done: 2 applied in \d+ ms\n$/);
    }
    assert.notEqual(keys[0], keys[1]);
  });

  it('schema per tenant on an embedded database: the schemas take turns on its one instance', async () => {
    p = await fleetProject(smallMigrations(2));
    const dataDir = path.join(p.dir, '.migrations', 'pglite', 'prod');
    fs.cpSync(await pgliteTemplate(), dataDir, { recursive: true });
    await queryPglite(dataDir, 'DO $$ BEGIN CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b; CREATE SCHEMA tenant_c; END $$');
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: { schemas: 'tenant%', parallel: 3 } } } });
    const r = await p.cli(['--up']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /--up on 3 targets: 3 ok/);
    assert.equal(maxConcurrent(r.stdout), 1);
    // One read for all three (each opening of the embedded database costs a second).
    const rows = await queryPglite<{ s: string; v: string }>(dataDir, `${['tenant_a', 'tenant_b', 'tenant_c'].map((s) => `SELECT '${s}' AS s, version AS v FROM ${s}.database_migrations`).join(' UNION ALL ')}
      UNION ALL SELECT 'public', tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1, 2`);
    assert.deepEqual(rows.map((r) => `${r.s}:${r.v}`), ['tenant_a:001', 'tenant_a:002', 'tenant_b:001', 'tenant_b:002', 'tenant_c:001', 'tenant_c:002']);
  });

  it('a protected fleet is refused as a whole without confirmation; --yes runs it', async () => {
    p = await fleetProject(smallMigrations(1));
    const urls = await p.createDatabases(2);
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { protected: true, backups: BACKUPS_OFF, targets: urls } } });
    const refused = await p.cli(['--up']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /environment "prod" is protected; refusing to .* its 2 targets without confirmation/);
    for (const url of urls) assert.equal((await queryUrl<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'database_migrations'`))[0]!.n, 0);
    const yes = await p.cli(['--up', '--yes']);
    assert.equal(yes.code, 0, yes.stdout + yes.stderr);
  });

  it('--drift on every database with one shadow replay; exit 4 names the target that drifted; refused for schema targets', async () => {
    p = await fleetProject(smallMigrations(2));
    const urls = await p.createDatabases(3);
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { backups: BACKUPS_OFF, targets: urls } } });
    assert.equal((await p.cli(['--up'])).code, 0);
    await queryUrl(urls[1]!, 'CREATE TABLE made_by_hand (id int)');
    const r = await p.cli(['--drift']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`✗ ${urls[1]!.replace(/[/.:]/g, '\\$&')}: 2 differences from its 2 applied migration\\(s\\)\\n    added   column public\\.made_by_hand\\.id: integer .*\\n    added   table public\\.made_by_hand`));
    assert.equal(r.stdout.match(/no schema drift/g)?.length, 2);
    p.writeConfig({ defaultEnvironment: 'prod', environments: { prod: { url: urls[0], backups: BACKUPS_OFF, targets: { schemas: 'public' } } } });
    const schemas = await p.cli(['--drift']);
    assert.equal(schemas.code, 2);
    assert.match(schemas.stderr, /--drift compares whole databases, and .* schema public is a schema target/);
  });

  it('the programmatic API: createFleet runs up and gives the status matrix the editor can draw', async () => {
    p = await fleetProject(smallMigrations(3));
    const urls = await p.createDatabases(2);
    p.writeConfig({ environments: { development: { backups: BACKUPS_OFF } } });
    const events: string[] = [];
    const fleet = await createFleet({ cwd: p.dir, urls, processEnv: {}, onEvent: (e) => events.push(`${e.type}:${e.target.key}`) });
    const up = await fleet.up({ steps: 2 }, { parallel: 2, canary: 1, onFailure: 'stop' });
    assert.ok(up.ok);
    assert.deepEqual(up.results.map((r) => [r.canary, r.result!.migrations.map((m) => m.version)]), [[true, ['001', '002']], [false, ['001', '002']]]);
    assert.equal(events[0], `target-start:${fleet.targets[0]!.key}`);
    const status = await fleet.status({ parallel: 2, canary: 0, onFailure: 'continue' });
    assert.deepEqual(status.matrix.rows.map((r) => r.cells), [['applied', 'applied', 'pending'], ['applied', 'applied', 'pending']]);
    assert.deepEqual(status.matrix.totals, { targets: 2, upToDate: 0, behind: 2, drift: 0, unreadable: 0 });
  });
});
