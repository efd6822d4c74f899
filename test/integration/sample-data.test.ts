import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGliteDatabase } from '../../src/core/db/pglite-database';
import { PostgresDatabase } from '../../src/core/db/pg-database';
import type { Database } from '../../src/core/db/database';
import { API_LOG_TABLES, generateScale, loadSampleData, resetSampleData, type LoadedTable } from '../../src/core/sample-data';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');
const DATA_DIR = path.join(EXAMPLE, 'data');

/** The example project's migrations, as files for makeProject. */
function exampleMigrations(): Record<string, string> {
  const dir = path.join(EXAMPLE, 'migrations');
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.sql')).sort()) files[`migrations/${f}`] = fs.readFileSync(path.join(dir, f), 'utf8');
  return files;
}

/**
 * The tables the seeder writes besides space_objects and missions, with the columns it expects. Used only for
 * tables the example history does not (yet) create, so the test follows the example schema as it grows.
 */
const EXPECTED_TABLES: Record<string, { up: string; down: string }> = {
  api_request_logs: {
    up: `CREATE TABLE api_request_logs (
  requested_at timestamptz NOT NULL, endpoint text NOT NULL, method text NOT NULL DEFAULT 'GET',
  status_code integer NOT NULL, duration_ms integer, cache_hit boolean, client_ip inet, user_agent text, query_params jsonb
) PARTITION BY RANGE (requested_at);
CREATE TABLE api_request_logs_default PARTITION OF api_request_logs DEFAULT;`,
    down: 'DROP TABLE api_request_logs;',
  },
};

function openDatabase(p: TestProject): Database {
  return p.url ? new PostgresDatabase(p.url) : new PGliteDatabase(path.join(p.dir, '.migrations', 'pglite', 'test'));
}

async function withSession<T>(p: TestProject, fn: (s: import('../../src/core/db/database').Session) => Promise<T>): Promise<T> {
  return p.withSession(fn);
}

/** Row count and md5 of the rows in a stable order, per table. */
async function fingerprint(p: TestProject, tables: string[]): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const t of tables) {
    const [r] = await p.query<{ n: string; md5: string | null }>(`SELECT count(*)::text AS n, md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS md5 FROM ${t} x`);
    out[t] = { rows: Number(r!.n), md5: r!.md5 ?? '' };
  }
  return out;
}

function loadedTables(result: LoadedTable[]): string[] {
  return result.filter((t) => !t.skipped).map((t) => t.table);
}

for (const backend of BACKENDS) {
  describe(`sample data on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject;

    before(async () => {
      p = await makeProject(backend, exampleMigrations());
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      // Tables the example history does not create yet come from the expected-schema fixtures above.
      const present = new Set((await p.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).map((r) => r.t));
      const missing = Object.keys(EXPECTED_TABLES).filter((t) => !present.has(t));
      // Any of the log table names generateScale accepts will do.
      if (API_LOG_TABLES.some((t) => present.has(t))) missing.splice(missing.indexOf('api_request_logs'), 1);
      missing.forEach((t, i) => p.write(`migrations/${900 + i}_test_${t}.sql`, migration(EXPECTED_TABLES[t]!.up, EXPECTED_TABLES[t]!.down)));
      if (missing.length > 0) {
        const more = await p.cli(['--up']);
        assert.equal(more.code, 0, more.stderr);
      }
    });
    after(async () => { await p?.cleanup(); });

    it('loads every record, and loading again leaves identical rows', async () => {
      const first = await withSession(p, (s) => loadSampleData(s, DATA_DIR));
      const byTable = Object.fromEntries(first.map((t) => [t.table, t]));
      assert.equal(byTable['space_objects']!.rows, 25); // 8 planets + 5 dwarf planets + 12 small bodies
      assert.equal(byTable['space_objects']!.inserted, 25);
      assert.equal(byTable['missions']!.rows, 38);
      assert.equal(byTable['astronauts']!.rows, 23);
      assert.equal(byTable['milestones']!.rows, 49);
      assert.equal(byTable['agencies']!.rows, 6);
      assert.equal(byTable['orbital_elements']!.rows, 25);
      assert.equal(byTable['mission_crew']!.rows, 21);
      const tables = loadedTables(first);
      const before = await fingerprint(p, tables);
      assert.equal(before['space_objects']!.rows, 25);

      const second = await withSession(p, (s) => loadSampleData(s, DATA_DIR));
      assert.deepEqual(second.map((t) => [t.table, t.rows]), first.map((t) => [t.table, t.rows]));
      assert.ok(second.every((t) => t.inserted === 0 && t.updated === 0), JSON.stringify(second));
      assert.deepEqual(await fingerprint(p, tables), before);

      const [ceres] = await p.query<{ object_type: string; metadata: Record<string, unknown> }>(`SELECT object_type, metadata FROM space_objects WHERE nasa_id = 'dwarf-ceres'`);
      assert.equal(ceres!.object_type, 'dwarf-planet');
      const classes = await p.query<{ code: string }>(
        `SELECT c.code FROM space_object_classes sc JOIN object_classes c ON c.id = sc.class_id JOIN space_objects o ON o.id = sc.space_object_id
          WHERE o.nasa_id = 'dwarf-ceres' ORDER BY 1`);
      assert.deepEqual(classes.map((c) => c.code), ['asteroid', 'dwarf-planet', 'main-belt-asteroid']);
      const figures = { ...ceres!.metadata };
      // Figures without a typed column of their own are kept, with their source, in metadata.
      if (!('mass_kg' in figures)) {
        const [typed] = await p.query<{ mass_kg: string }>(`SELECT mass_kg::text FROM space_objects WHERE nasa_id = 'dwarf-ceres'`);
        assert.equal(Number(typed!.mass_kg), 9.384e20);
      } else {
        assert.equal(figures['mass_kg'], 9.384e20);
        assert.match(String(figures['source']), /Dawn/);
      }
      const crew = await p.query<{ name: string; role: string }>(
        `SELECT a.name, c.role FROM mission_crew c JOIN astronauts a ON a.id = c.astronaut_id JOIN missions m ON m.id = c.mission_id
          WHERE m.name = 'Apollo 11' ORDER BY a.name`);
      assert.deepEqual(crew.map((c) => c.name), ['Buzz Aldrin', 'Michael Collins', 'Neil Armstrong']);
    });

    it('an update to a data value is applied on the next load, and only to that row', async () => {
      await p.query(`UPDATE missions SET target = 'somewhere else' WHERE name = 'Voyager 1'`);
      const again = await withSession(p, (s) => loadSampleData(s, DATA_DIR));
      const missions = again.find((t) => t.table === 'missions')!;
      assert.equal(missions.updated, 1);
      const [v1] = await p.query<{ target: string }>(`SELECT target FROM missions WHERE name = 'Voyager 1'`);
      assert.equal(v1!.target, 'Jupiter, Saturn, interstellar space');
    });

    it('reset empties the sample tables and a reload gives the same rows as the first load', async () => {
      const loaded = await withSession(p, (s) => loadSampleData(s, DATA_DIR));
      const tables = loadedTables(loaded);
      const before = await fingerprint(p, tables);
      const reset = await withSession(p, (s) => resetSampleData(s));
      assert.ok(reset.truncated.includes('space_objects') && reset.truncated.includes('observations'), reset.truncated.join(', '));
      const [empty] = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM space_objects');
      assert.equal(empty!.n, '0');
      await withSession(p, (s) => loadSampleData(s, DATA_DIR));
      const afterReload = await fingerprint(p, tables);
      // created_at differs after a reload; everything else (ids included: identities restart) must match.
      for (const t of tables) assert.equal(afterReload[t]!.rows, before[t]!.rows, t);
      const ids = await p.query<{ nasa_id: string; id: number }>(`SELECT nasa_id, id FROM space_objects ORDER BY id LIMIT 2`);
      assert.deepEqual(ids.map((r) => [r.nasa_id, Number(r.id)]), [['planet-mercury', 1], ['planet-venus', 2]]);
    });

    it('generateScale adds exactly N observations and N API-log rows with COPY', async () => {
      const progress: number[] = [];
      const result = await withSession(p, (s) => generateScale(s, 10000, (e) => progress.push(e.rows)));
      assert.equal(result.rows, 20000);
      assert.deepEqual(result.tables.map((t) => t.rows), [10000, 10000]);
      assert.ok(progress.length >= 2);
      const [counts] = await p.query<{ obs: string; logs: string; bad: string }>(
        `SELECT (SELECT count(*) FROM observations)::text AS obs, (SELECT count(*) FROM ${result.tables[1]!.table})::text AS logs,
                (SELECT count(*) FROM observations o LEFT JOIN space_objects s ON s.id = o.space_object_id WHERE s.id IS NULL)::text AS bad`);
      assert.deepEqual(counts, { obs: '10000', logs: '10000', bad: '0' });
      await assert.rejects(withSession(p, (s) => generateScale(s, -1)), /whole number/);
    });
  });
}
