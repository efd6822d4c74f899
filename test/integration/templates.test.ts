/**
 * Every built-in migration template, rendered by createMigration into a real project: the
 * result lints clean under all rules, its down section undoes its up section (--verify, and a
 * catalog comparison of our own for "-- transaction: none" templates, which --verify skips),
 * and the objects it makes work as the template's comments promise.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { diffCatalog, snapshotCatalog, describeDifference, type CatalogSnapshot } from '../../src/core/catalog';
import { loadConfig } from '../../src/core/config';
import { createMigration, templateSubjects } from '../../src/core/create';
import type { Session } from '../../src/core/db/database';
import { PGliteDatabase } from '../../src/core/db/pglite-database';
import { parseMigrationFile } from '../../src/core/migration-file';
import { lintText } from '../../src/lint/linter';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'migrations-templates');

/** What the templates build on: a table with the usual columns, and one to point a foreign key at. */
const PREREQUISITE = {
  'migrations/001_create_planets_and_missions.sql': migration(
    [
      'CREATE TABLE missions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);',
      'CREATE TABLE planets (',
      '    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
      '    name text NOT NULL UNIQUE,',
      '    nickname text,',
      '    mission_id bigint,',
      '    created_at timestamptz NOT NULL DEFAULT now()',
      ');',
      'CREATE INDEX idx_planets_mission_id ON planets (mission_id);',
      "INSERT INTO missions (name) VALUES ('Cassini');",
      "INSERT INTO planets (name, mission_id) SELECT 'Saturn', id FROM missions;",
    ].join('\n'),
    'DROP TABLE IF EXISTS planets;\nDROP TABLE IF EXISTS missions;'),
};

interface TemplateCase {
  /** The migration name given to --create; the template's placeholders are read from it. */
  name: string;
  /** Checks on the database after up (objects exist and behave). */
  check(p: TestProject, version: string): Promise<void>;
}

const CASES: Record<string, TemplateCase> = {
  blank: {
    name: 'describe_the_change',
    async check() { /* nothing to make */ },
  },
  'create-table': {
    name: 'create_astronauts',
    async check(p) {
      await p.query("INSERT INTO astronauts (name) VALUES ('Sally Ride')");
      await assert.rejects(p.query("INSERT INTO astronauts (name) VALUES ('')"), /check constraint/);
      const cols = await p.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'astronauts' ORDER BY ordinal_position");
      assert.deepEqual(cols.map((c) => `${c.column_name} ${c.data_type}`),
        ['id bigint', 'name text', 'created_at timestamp with time zone', 'updated_at timestamp with time zone']);
    },
  },
  'add-column': {
    name: 'add_discoverer_to_planets',
    async check(p) {
      const rows = await p.query<{ discoverer: string | null }>('SELECT discoverer FROM planets');
      assert.deepEqual(rows, [{ discoverer: null }]);
    },
  },
  'add-index': {
    name: 'add_index_nickname_on_planets',
    async check(p) {
      const rows = await p.query<{ def: string; valid: boolean }>(
        "SELECT pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = 'idx_planets_nickname'::regclass");
      assert.deepEqual(rows, [{ def: 'CREATE INDEX idx_planets_nickname ON public.planets USING btree (nickname)', valid: true }]);
    },
  },
  'add-foreign-key': {
    name: 'add_mission_id_to_planets',
    async check(p) {
      const rows = await p.query<{ def: string; validated: boolean }>(
        "SELECT pg_get_constraintdef(oid) AS def, convalidated AS validated FROM pg_constraint WHERE conname = 'planets_mission_id_fkey'");
      assert.deepEqual(rows, [{ def: 'FOREIGN KEY (mission_id) REFERENCES missions(id)', validated: true }]);
      await assert.rejects(p.query("INSERT INTO planets (name, mission_id) VALUES ('Vulcan', 424242)"), /foreign key/);
    },
  },
  'partitioned-table': {
    name: 'create_api_events',
    async check(p) {
      const parts = await p.query<{ name: string; bound: string }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'api_events'::regclass AND c.relkind = 'r' ORDER BY c.relname`);
      assert.equal(parts.length, 4, JSON.stringify(parts));
      assert.deepEqual(parts.filter((x) => x.bound === 'DEFAULT').map((x) => x.name), ['api_events_default']);
      assert.ok(parts.filter((x) => x.bound !== 'DEFAULT').every((x) => /^api_events_y\d{4}m\d\d$/.test(x.name)), JSON.stringify(parts));
      // A row for now() lands in this month's partition; one from 1990 in the default partition.
      await p.query("INSERT INTO api_events (created_at) VALUES (now()), ('1990-01-01T00:00:00Z')");
      const where = await p.query<{ part: string }>('SELECT tableoid::regclass::text AS part FROM api_events ORDER BY created_at');
      assert.equal(where[0]!.part, 'api_events_default');
      assert.match(where[1]!.part, /^api_events_y\d{4}m\d\d$/);
    },
  },
  'materialized-view': {
    name: 'create_daily_planet_counts_from_planets',
    async check(p) {
      await p.query("INSERT INTO planets (name) VALUES ('Jupiter')");
      await p.query('REFRESH MATERIALIZED VIEW CONCURRENTLY daily_planet_counts');
      const rows = await p.query<{ n: string }>('SELECT sum(row_count)::text AS n FROM daily_planet_counts');
      assert.deepEqual(rows, [{ n: '2' }]);
    },
  },
  'cache-table': {
    name: 'create_apod_cache',
    async check(p) {
      await p.query(`INSERT INTO apod_cache (endpoint, params, body, etag, expires_at)
        VALUES ('planetary/apod', '{"date": "2024-01-01", "thumbs": true}', '{"title": "x"}', 'W/"1"', now() + interval '1 hour')`);
      // The same parameters in another key order are the same cache entry.
      await assert.rejects(p.query(`INSERT INTO apod_cache (endpoint, params, body, expires_at)
        VALUES ('planetary/apod', '{"thumbs": true, "date": "2024-01-01"}', '{}', now() + interval '1 hour')`), /duplicate key/);
      await assert.rejects(p.query(`INSERT INTO apod_cache (endpoint, body, expires_at) VALUES ('x', '{}', now() - interval '1 hour')`), /check constraint/);
      const idx = await p.query<{ def: string }>("SELECT pg_get_indexdef('idx_apod_cache_expires_at'::regclass) AS def");
      assert.match(idx[0]!.def, /\(expires_at\)/);
    },
  },
  'enum-type': {
    name: 'create_mission_status',
    async check(p) {
      const rows = await p.query<{ labels: string }>("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) AS labels FROM pg_enum WHERE enumtypid = 'mission_status'::regtype");
      assert.deepEqual(rows, [{ labels: 'planned,active,completed' }]);
    },
  },
};

/** Catalog snapshot of the test database without the tool's own tables. */
async function catalogOf(p: TestProject): Promise<CatalogSnapshot> {
  return p.withSession(async (session) => {
    const snap = await snapshotCatalog(session, ['database_migrations', 'database_migrations_log', 'database_migrations_seeds']);
    for (const key of [...snap.keys()]) if (/\bdatabase_migrations/.test(key)) snap.delete(key);
    return snap;
  });
}

function assertSameCatalog(expected: CatalogSnapshot, actual: CatalogSnapshot, what: string): void {
  const diff = diffCatalog(expected, actual);
  assert.deepEqual(diff.map(describeDifference), [], what);
}

describe('migration templates', () => {
  it('every template file has a case here, and every case a template file', () => {
    const files = fs.readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
    assert.deepEqual(files, Object.keys(CASES).sort());
  });

  it('reads table, column and referenced table from the migration name', () => {
    assert.deepEqual(templateSubjects('add_mission_id_to_observations'), { table: 'observations', column: 'mission_id', refTable: 'missions' });
    assert.deepEqual(templateSubjects('add_index_observed_at_on_observations'), { table: 'observations', column: 'observed_at', refTable: 'parent_table' });
    assert.deepEqual(templateSubjects('create_daily_counts_from_observations'), { table: 'daily_counts', column: 'new_column', refTable: 'observations' });
    assert.deepEqual(templateSubjects('create_table_missions'), { table: 'missions', column: 'new_column', refTable: 'parent_table' });
  });
});

for (const backend of BACKENDS) {
  describe(`migration templates on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject | undefined;
    afterEach(async () => { await p?.cleanup(); p = undefined; });

    for (const [template, c] of Object.entries(CASES)) {
      it(`${template}: renders lint-clean, applies, and its down undoes its up`, async () => {
        p = await makeProject(backend, PREREQUISITE);
        const config = loadConfig({ cwd: p.dir });
        const created = createMigration(config, c.name, { template });
        const text = fs.readFileSync(created.path, 'utf8');
        assert.doesNotMatch(text, /\{\{/, 'every placeholder is filled in');

        const findings = await lintText(text, created.path);
        assert.deepEqual(findings.map((f) => `${f.line}: ${f.ruleId}: ${f.message}`), []);

        // --verify: up, down, up again in a rolled-back transaction (it skips "-- transaction: none" migrations).
        const verify = await p.cli(['--verify']);
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);

        const file = parseMigrationFile(text, created.path, path.basename(created.path));
        const base = await p.cli(['001', '--up']);
        assert.equal(base.code, 0, base.stderr);
        const before = await catalogOf(p);
        const up = await p.cli(['--up']);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const applied = await catalogOf(p);
        if (template !== 'blank') assert.ok(diffCatalog(before, applied).length > 0, 'up changes the schema');
        await c.check(p, created.version);

        const down = await p.cli(['--down']);
        if (template === 'blank') {
          // Unedited, the blank template has nothing to undo, and --down says the down section still needs writing.
          assert.equal(down.code, 2);
          assert.match(down.stderr, /002_describe_the_change is irreversible: it has an empty "-- Down migration" section/);
          return;
        }
        assert.equal(down.code, 0, down.stdout + down.stderr);
        assertSameCatalog(before, await catalogOf(p), 'down leaves the schema as it was before up');
        const again = await p.cli(['--up']);
        assert.equal(again.code, 0, again.stdout + again.stderr);
        // For "-- transaction: none" templates, which --verify skips, these two comparisons are the check.
        assertSameCatalog(applied, await catalogOf(p), 'up after down gives the same schema as the first up');
        assert.equal(file.transactional, !/^-- transaction: none$/m.test(text));
      });
    }
  });
}
