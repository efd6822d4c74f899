/**
 * The shadow service itself: bundled extensions loaded on demand (and a clear error for those PGlite lacks), replay
 * errors placed at the statement's text in the file, the warm database replaying only an edited migration, and the
 * environment's own embedded database loading the extensions its migrations create.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/core/config';
import { MigrationError } from '../../src/core/errors';
import { ShadowService } from '../../src/core/shadow/service';
import { PGliteDatabase } from '../../src/core/db/pglite-database';
import { makeProject, migration, type TestProject } from './harness';

function project(files: Record<string, string>, config: object = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-shadow-'));
  fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify(config));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const catalogOf = (entries: [string, string][]) => new Map(entries);

describe('shadow schema service', function () {
  this.timeout(240000);
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

  it('replays with bundled extensions, places a failing statement in the file, and replays only what an edit changed', async () => {
    const dir = project({
      'migrations/001_extensions.sql': migration('CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE EXTENSION IF NOT EXISTS btree_gin;\nCREATE EXTENSION IF NOT EXISTS citext;', 'DROP EXTENSION citext;'),
      'migrations/002_missions.sql': migration('CREATE TABLE missions (\n    id bigint PRIMARY KEY,\n    name citext NOT NULL,\n    launch_date date\n);\nCREATE INDEX missions_name_trgm ON missions USING gin (name gin_trgm_ops);', 'DROP TABLE missions;'),
      'migrations/003_index.sql': migration('CREATE INDEX CONCURRENTLY missions_launch ON missions (lauch_date);\nGRANT SELECT ON missions TO portal_reader;', 'DROP INDEX missions_launch;', '-- transaction: none\n'),
    });
    dirs.push(dir);
    const service = new ShadowService(loadConfig({ cwd: dir }), { keepWarm: true });
    try {
      const schema = await service.refresh();
      assert.match(schema.serverVersion, /^18\./);
      assert.equal(schema.positions.length, 3);
      assert.deepEqual(schema.positions[0]!.errors, []);
      const after2 = catalogOf(schema.positions[1]!.catalog);
      assert.equal(after2.get('column public.missions.name'), 'citext not null');
      assert.match(after2.get('index public.missions_name_trgm')!, /USING gin \(name gin_trgm_ops\)/);
      // 003: the misspelt column is reported where it is written (line 3 of the file: the header, the marker, then it).
      const [error] = schema.positions[2]!.errors;
      assert.equal(schema.positions[2]!.errors.length, 1);
      assert.equal(error!.message, 'column "lauch_date" does not exist');
      assert.equal(error!.code, '42703');
      assert.deepEqual([error!.line, error!.column, error!.endLine, error!.endColumn], [3, 56, 3, 66]);
      // The GRANT after it still ran (each statement has its own savepoint), to a role the shadow made for it.
      assert.equal(catalogOf(schema.positions[2]!.catalog).get('grant on public.missions to portal_reader'), 'SELECT');
      assert.equal(service.positionOf(path.join(dir, 'migrations', '003_index.sql')), 2);

      // Fix the last migration: only it is replayed, on the warm database.
      fs.writeFileSync(path.join(dir, 'migrations', '003_index.sql'),
        '-- transaction: none\n' + migration('CREATE INDEX CONCURRENTLY missions_launch ON missions (launch_date);', 'DROP INDEX missions_launch;'));
      const fixed = await service.refresh();
      assert.deepEqual(fixed.positions[2]!.errors, []);
      assert.match(catalogOf(fixed.positions[2]!.catalog).get('index public.missions_launch')!, /\(launch_date\)/);
      assert.equal(fixed.positions[1]!.key, schema.positions[1]!.key, 'the positions before it keep their keys');
    } finally {
      await service.close();
    }

    // A new service (a new process) reads every position from .migrations/shadow without starting a database.
    const cold = new ShadowService(loadConfig({ cwd: dir }));
    const started = Date.now();
    const again = await cold.refresh();
    assert.equal(again.positions.length, 3);
    assert.ok(Date.now() - started < 1500, `cached build took ${Date.now() - started} ms`);
    await cold.close();
  });

  it('names the extensions PGlite does not ship and how to skip them', async () => {
    const dir = project({
      'migrations/001_geo.sql': migration('CREATE EXTENSION IF NOT EXISTS postgis;\nCREATE TABLE places (id int);', 'DROP TABLE places;'),
    });
    dirs.push(dir);
    const service = new ShadowService(loadConfig({ cwd: dir }));
    await assert.rejects(service.refresh(), (err: unknown) => {
      assert.ok(err instanceof MigrationError);
      assert.equal(err.code, 'E_SHADOW_EXTENSION');
      assert.match(err.message, /migrations\/001_geo\.sql creates the extension "postgis", which the embedded PostgreSQL \(PGlite\) does not ship/);
      assert.match(err.hint ?? '', /add "postgis" to "shadow\.skipExtensions"/);
      return true;
    });
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({ shadow: { skipExtensions: ['postgis'] } }));
    const skipping = new ShadowService(loadConfig({ cwd: dir }));
    const schema = await skipping.refresh();
    assert.deepEqual(schema.positions[0]!.errors, []);
    assert.ok(catalogOf(schema.positions[0]!.catalog).has('table public.places'));
  });
});

describe('embedded database: bundled extensions', function () {
  this.timeout(240000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('CREATE EXTENSION pg_trgm / btree_gin works on the environment\'s PGlite database, and keeps working after a restart', async () => {
    p = await makeProject('pglite', {
      'migrations/001_search.sql': migration(
        'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE EXTENSION IF NOT EXISTS btree_gin;\nCREATE TABLE objects (id int, kind text, name text);\n' +
        'CREATE INDEX objects_name_trgm ON objects USING gin (name gin_trgm_ops);\nCREATE INDEX objects_kind_id ON objects USING gin (kind, id);',
        'DROP TABLE objects;\nDROP EXTENSION btree_gin;\nDROP EXTENSION pg_trgm;'),
    });
    const up = await p.cliFresh(['--up']);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    // A new process opens the data directory with the extensions already installed: their modules are loaded again.
    p.remove('migrations/001_search.sql');
    const status = await p.spawnCli(['--status']);
    assert.match(status.stdout, /001/);
    await p.releaseDatabase();
    const db = new PGliteDatabase(path.join(p.dir, '.migrations', 'pglite', 'test'));
    try {
      const s = await db.session();
      const r = await s.query<{ sim: number }>(`SELECT similarity('Voyager 1', 'Voyager 2') AS sim`);
      assert.ok(r.rows[0]!.sim > 0.5);
    } finally {
      await db.close();
    }
  });
});

describe('lint with the replayed schema', function () {
  this.timeout(240000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('changing-column-type takes the old type from the shadow, not from the down section', async () => {
    p = await makeProject('pglite', {
      'migrations/001_planets.sql': migration('CREATE TABLE planets (id bigint PRIMARY KEY, name varchar(100) NOT NULL, moons integer);', 'DROP TABLE planets;'),
      // No down section that restores the old types: the linter cannot know them from this file alone.
      'migrations/002_widen.sql': migration('ALTER TABLE planets ALTER COLUMN name TYPE varchar(200);\nALTER TABLE planets ALTER COLUMN moons TYPE bigint;', null),
    });
    const before = await p.cli(['--lint', '--format', 'json']);
    const guessed = (JSON.parse(before.stdout) as { findings: { ruleId: string; message: string }[] }).findings.filter((f) => f.ruleId === 'changing-column-type');
    // Before any replay the earlier migrations' parse trees already give the old types (issue 16: whole-history lint).
    assert.deepEqual(guessed.map((f) => f.message), [
      'changing column "moons" of "planets" from integer to bigint rewrites the table and its indexes while reads and writes are blocked',
    ]);
    // Once the shadow knows the history (here from --schema-dump), the real old types decide.
    assert.equal((await p.cli(['--schema-dump'])).code, 0);
    const after = await p.cli(['--lint', '--format', 'json']);
    const known = (JSON.parse(after.stdout) as { findings: { ruleId: string; message: string }[] }).findings.filter((f) => f.ruleId === 'changing-column-type');
    assert.deepEqual(known.map((f) => f.message), [
      'changing column "moons" of "planets" from integer to bigint rewrites the table and its indexes while reads and writes are blocked',
    ]);
  });
});
