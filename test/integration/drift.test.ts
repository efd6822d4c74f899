/**
 * Drift: the live schema against the applied migrations replayed on the embedded shadow database. On the NASA
 * example right after --up there is none (PostgreSQL 15 server vs the shadow's 18 included); a table dropped, a
 * column's type changed and an index added by hand are each reported, on PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotCatalog } from '../../src/core/catalog';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');

function exampleMigrations(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(EXAMPLE, 'migrations')).filter((x) => x.endsWith('.sql')).sort()) {
    files[`migrations/${f}`] = fs.readFileSync(path.join(EXAMPLE, 'migrations', f), 'utf8');
  }
  return files;
}

interface DriftJson {
  items: { object: string; change: string; expected: string | null; actual: string | null }[];
  ignored: number;
  replayed: number;
  shadowVersion: string;
  serverVersion: string;
}

for (const backend of BACKENDS) {
  describe(`drift (${backend})`, function () {
    this.timeout(240000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('finds no drift on the NASA example after --up, then reports a dropped table, a changed column type and an added index', async () => {
      p = await makeProject(backend, exampleMigrations());
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stdout + up.stderr);

      const clean = await p.cli(['--drift']);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      assert.match(clean.stdout, /No schema drift: the database matches its applied migrations\./);
      const applied = Object.keys(exampleMigrations()).length;
      assert.match(clean.stdout, new RegExp(`compared with the ${applied} applied migration\\(s\\) replayed on the embedded PostgreSQL 18\\.\\d+`));

      await p.query('DROP TABLE saved_searches');
      await p.query('ALTER TABLE missions ALTER COLUMN name TYPE varchar(300)');
      await p.query('CREATE INDEX idx_missions_by_hand ON missions (name)');

      const drifted = await p.cli(['--drift', '--json']);
      assert.equal(drifted.code, 4, drifted.stdout + drifted.stderr);
      const report = JSON.parse(drifted.stdout) as DriftJson;
      const byObject = new Map(report.items.map((i) => [i.object, i]));
      assert.equal(byObject.get('table public.saved_searches')?.change, 'removed');
      const column = byObject.get('column public.missions.name');
      assert.equal(column?.change, 'changed');
      assert.match(column!.expected!, /^text not null/);
      assert.match(column!.actual!, /^character varying\(300\) not null/);
      assert.equal(byObject.get('index public.idx_missions_by_hand')?.change, 'added');
      assert.match(byObject.get('index public.idx_missions_by_hand')!.actual!, /CREATE INDEX idx_missions_by_hand ON public\.missions USING btree \(name\)/);
      // Everything else reported belongs to the dropped table (its columns, constraints, indexes, grants), or is a
      // CHECK on the retyped column (PostgreSQL now prints it with a cast to text).
      for (const item of report.items) {
        if (item.object.includes('saved_searches')) assert.equal(item.change, 'removed', item.object);
        else if (item.object.startsWith('constraint public.missions.')) assert.match(item.actual!, /name::text/, item.object);
        else assert.ok(['column public.missions.name', 'index public.idx_missions_by_hand'].includes(item.object), `unexpected drift: ${item.object}`);
      }

      const text = await p.cli(['--drift']);
      assert.equal(text.code, 4);
      assert.match(text.stdout, /removed table public\.saved_searches: expected/);
      assert.match(text.stdout, /changed column public\.missions\.name: expected text not null, found character varying\(300\) not null/);
      assert.match(text.stdout, /added {3}index public\.idx_missions_by_hand: CREATE INDEX/);
      assert.match(text.stdout, /Schema drift: \d+ added, \d+ removed, \d+ changed\./);

      // --status compares the schema too, now that the shadow's cache knows the applied migrations.
      const status = await p.cli(['--status']);
      assert.equal(status.code, 4, status.stdout + status.stderr);
      assert.match(status.stdout, /removed table public\.saved_searches|removed column public\.saved_searches\./);
      assert.match(status.stdout, /Schema drift: /);
    });
  });
}

describe('drift: ignore patterns and the shadow cache', function () {
  this.timeout(240000);
  let p: TestProject;
  let sharedShadowDir: string | undefined;
  afterEach(async () => {
    if (sharedShadowDir !== undefined) process.env['DATABASE_MIGRATION_SHADOW_DIR'] = sharedShadowDir;
    sharedShadowDir = undefined;
    await p?.cleanup();
  });

  it('leaves out objects "shadow.ignore" names, counting them', async () => {
    p = await makeProject('postgres', {
      'migrations/001_planets.sql': migration('CREATE TABLE planets (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE planets;'),
    }, { shadow: { ignore: ['table public.legacy_*', 'column public.legacy_*', 'constraint public.legacy_*', 'index public.legacy_*'] } });
    assert.equal((await p.cli(['--up'])).code, 0);
    await p.query('CREATE TABLE legacy_import (id int PRIMARY KEY)');
    await p.query('CREATE INDEX planets_name_by_hand ON planets (name)');
    const r = await p.cli(['--drift', '--json']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as DriftJson;
    assert.deepEqual(report.items.map((i) => `${i.change} ${i.object}`), ['added index public.planets_name_by_hand']);
    assert.equal(report.ignored, 4); // the table, its column, its primary key and that key's index
  });

  it('what a repeatable migration without a down section leaves after --down is not drift; a function made by hand is', async () => {
    p = await makeProject('pglite', {
      'migrations/001_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY, name text);', 'DROP TABLE missions;'),
      'migrations/002_launches.sql': migration('CREATE TABLE launches (id bigint PRIMARY KEY);', 'DROP TABLE launches;'),
      'migrations/R_mission_count.sql': migration('CREATE OR REPLACE FUNCTION mission_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM missions $$;'),
    });
    assert.equal((await p.cli(['--up'])).code, 0);
    assert.equal((await p.cli(['--down'])).code, 0);
    const r = await p.cli(['--drift']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await p.query('CREATE FUNCTION by_hand() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$');
    const hand = await p.cli(['--drift', '--json']);
    assert.equal(hand.code, 4);
    assert.deepEqual((JSON.parse(hand.stdout) as DriftJson).items.map((i) => `${i.change} ${i.object}`), ['added function public.by_hand()']);
    assert.equal((await p.cli(['--status'])).code, 4, 'status sees it too, from the cache --drift filled');
  });

  it('a second run reads the replayed catalog from .migrations/shadow; editing a migration replays again', async () => {
    // This test looks at the project's own cache: not the one npm test shares between projects.
    sharedShadowDir = process.env['DATABASE_MIGRATION_SHADOW_DIR'];
    delete process.env['DATABASE_MIGRATION_SHADOW_DIR'];
    p = await makeProject('pglite', {
      'migrations/001_planets.sql': migration('CREATE TABLE planets (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE planets;'),
      'migrations/002_moons.sql': migration('CREATE TABLE moons (id bigint PRIMARY KEY, planet_id bigint REFERENCES planets);', 'DROP TABLE moons;'),
    });
    assert.equal((await p.cli(['--up'])).code, 0);
    assert.equal((await p.cli(['--drift'])).code, 0);
    const manifest = path.join(p.dir, '.migrations', 'shadow', 'manifest.json');
    assert.ok(fs.existsSync(manifest), 'the shadow cache is written');
    const positions = Object.keys((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { positions: object }).positions);
    assert.equal(positions.length, 2);
    // Change an applied migration's file: the shadow follows the file (and says so), so the live table now differs.
    p.write('migrations/002_moons.sql', migration('CREATE TABLE moons (id bigint PRIMARY KEY, planet_id bigint REFERENCES planets, name text);', 'DROP TABLE moons;'));
    const r = await p.cli(['--drift']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /removed column public\.moons\.name: expected text/);
    assert.match(r.stdout, /note: migrations\/002_moons\.sql changed since it was applied/);
    const after = Object.keys((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { positions: object }).positions);
    assert.equal(after.length, 3, 'only the edited migration was replayed again (one new position)');
  });
});

describe('--generate from drift', function () {
  this.timeout(240000);
  const projects: TestProject[] = [];
  afterEach(async () => { for (const p of projects.splice(0)) await p.cleanup(); });

  it('writes a migration that reproduces changes made by hand, records it here, and its down undoes them elsewhere', async () => {
    const files = {
      'migrations/001_planets.sql': migration('CREATE TABLE planets (id bigint PRIMARY KEY, name varchar(100) NOT NULL, moons integer DEFAULT 0);', 'DROP TABLE planets;'),
      'migrations/002_probes.sql': migration('CREATE TABLE probes (id bigint PRIMARY KEY, planet_id bigint REFERENCES planets);\nCREATE INDEX probes_planet ON probes (planet_id);', 'DROP TABLE probes;'),
    };
    const p = await makeProject('postgres', files);
    projects.push(p);
    assert.equal((await p.cli(['--up'])).code, 0);
    await p.query('DROP TABLE probes');
    await p.query('ALTER TABLE planets ALTER COLUMN name TYPE text, ALTER COLUMN moons DROP DEFAULT, ADD COLUMN mass_kg numeric');
    await p.query('CREATE TABLE moons (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, planet_id bigint NOT NULL REFERENCES planets, name text NOT NULL)');
    await p.query('CREATE INDEX moons_planet ON moons (planet_id)');

    const gen = await p.cli(['--generate', 'hand_changes']);
    assert.ok([0, 6].includes(gen.code), gen.stdout + gen.stderr);
    assert.match(gen.stdout, /Wrote migrations\/003_hand_changes\.sql: \d+ statement\(s\) up, \d+ down, from \d+ difference\(s\)/);
    assert.match(gen.stdout, /recorded as applied on test/);
    const text = fs.readFileSync(path.join(p.dir, 'migrations', '003_hand_changes.sql'), 'utf8');
    assert.match(text, /DROP TABLE public\.probes;/);
    assert.match(text, /ALTER TABLE public\.planets ALTER COLUMN name TYPE text USING name::text;/);
    assert.match(text, /ALTER TABLE public\.planets ALTER COLUMN moons DROP DEFAULT;/);
    assert.match(text, /ALTER TABLE public\.planets ADD COLUMN mass_kg numeric;/);
    assert.match(text, /CREATE TABLE public\.moons \(\n {4}id bigint not null generated always as identity,\n {4}planet_id bigint not null,\n {4}name text not null\n\);/);
    assert.match(text, /CREATE INDEX moons_planet ON public\.moons USING btree \(planet_id\);/);
    // This database already had the changes: the history now matches it.
    const after = await p.cli(['--drift']);
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /compared with the 3 applied migration\(s\)/);

    // Another database gets the same schema from --up, and loses it again with --down.
    const q = await makeProject('postgres', { ...files, 'migrations/003_hand_changes.sql': text });
    projects.push(q);
    const up = await q.cli(['--up']);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const schemaOf = (t: TestProject) => t.withSession((s) => snapshotCatalog(s, ['database_migrations', 'database_migrations_log', 'database_migrations_seeds']));
    assert.deepEqual([...(await schemaOf(q))].sort(), [...(await schemaOf(p))].sort());
    const down = await q.cli(['--down']);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.equal((await q.cli(['--drift'])).code, 0);
    const tables = (await q.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'database_migrations%' ORDER BY 1`)).map((r) => r.t);
    assert.deepEqual(tables, ['planets', 'probes']);
  });

  it('says there is nothing to generate when there is no drift', async () => {
    const p = await makeProject('pglite', { 'migrations/001_planets.sql': migration('CREATE TABLE planets (id bigint PRIMARY KEY);', 'DROP TABLE planets;') });
    projects.push(p);
    assert.equal((await p.cli(['--up'])).code, 0);
    const r = await p.cli(['--generate', 'nothing']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Nothing to generate: .* matches its applied migrations\./);
    assert.ok(!fs.existsSync(path.join(p.dir, 'migrations', '002_nothing.sql')));
  });
});
