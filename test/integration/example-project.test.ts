/**
 * The example project examples/nasa-portal: its whole migration history goes up, verifies,
 * goes down to zero and up again on PGlite and PostgreSQL; the seeds load into it; and the
 * linter says about 001 (the original spec's file, kept as it is) exactly what 010 and 011 fix,
 * while every later migration lints clean.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { BACKENDS, makeProject, tables, type TestProject } from './harness';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');

/** Every file under migrations/, seeds/ and data/ of the example, keyed by relative path. */
function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of ['migrations', 'seeds', 'data']) {
    for (const f of fs.readdirSync(path.join(EXAMPLE, dir)).filter((x) => x.endsWith('.sql') || x.endsWith('.json')).sort()) {
      files[`${dir}/${f}`] = fs.readFileSync(path.join(EXAMPLE, dir, f), 'utf8');
    }
  }
  return files;
}

const MIGRATIONS = Object.keys(exampleFiles()).filter((f) => f.startsWith('migrations/')).map((f) => path.basename(f, '.sql'));
/** The one migration that runs outside a transaction (DROP INDEX CONCURRENTLY). */
const CONCURRENT = '011_drop_redundant_space_objects_nasa_id_index';
/** Migrations after it, rolled back with it when the test takes it down. */
const AFTER_CONCURRENT = MIGRATIONS.length - 1 - MIGRATIONS.indexOf(CONCURRENT);

/** Tables the history creates (partitions included), without the tool's own. */
const EXPECTED_TABLES = [
  'agencies', 'api_request_log', 'api_request_log_default', 'astronauts', 'instruments', 'milestones', 'mission_agencies',
  'mission_crew', 'mission_targets', 'missions', 'nasa_api_cache', 'nasa_api_cache_apod', 'nasa_api_cache_epic',
  'nasa_api_cache_mars_rover_photos', 'nasa_api_cache_neows', 'nasa_api_cache_other', 'object_classes', 'observations',
  'orbital_elements', 'saved_searches', 'space_object_classes', 'space_objects', 'spacecraft', 'user_favorites', 'users',
];

async function userTables(p: TestProject): Promise<string[]> {
  // Monthly log partitions depend on today's date: checked separately.
  return (await tables(p)).filter((t) => !t.startsWith('database_migrations') && !/^api_request_log_y\d{4}m\d\d$/.test(t));
}

async function monthlyPartitions(p: TestProject): Promise<string[]> {
  const rows = await p.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'api_request_log'::regclass AND c.relname <> 'api_request_log_default' ORDER BY 1`);
  return rows.map((r) => r.name);
}

/** api_request_log_yYYYYmMM for this UTC month and the `ahead` after it. */
function expectedPartitions(ahead: number): string[] {
  const now = new Date();
  return Array.from({ length: ahead + 1 }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    return `api_request_log_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

describe('example project: lint', () => {
  it('001 reports exactly what the later migrations fix, and every other migration is clean', async () => {
    let stdout = '';
    const code = await runCli(['--lint', '--format', 'json'], {
      cwd: EXAMPLE,
      env: { ...process.env, NO_COLOR: '1' },
      output: { out: (t) => { stdout += `${t}\n`; }, err: () => {}, tty: false },
    });
    assert.equal(code, 0, stdout);
    const report = JSON.parse(stdout) as { summary: { files: number }; findings: { ruleId: string; file: string; line: number }[] };
    assert.equal(report.summary.files, MIGRATIONS.length);
    const byFile = (f: { file: string }) => path.basename(f.file);
    assert.deepEqual(report.findings.filter((f) => byFile(f) !== '001_create_space_objects.sql').map((f) => `${byFile(f)}:${f.line} ${f.ruleId}`), []);
    assert.deepEqual(report.findings.map((f) => `${f.line} ${f.ruleId}`), [
      '3 prefer-identity', //        id SERIAL PRIMARY KEY
      '4 prefer-text-field', //      nasa_id VARCHAR(50)
      '5 prefer-text-field', //      name VARCHAR(255)
      '6 prefer-text-field', //      object_type VARCHAR(50)
      '11 prefer-timestamptz', //    created_at TIMESTAMP
      '12 prefer-timestamptz', //    updated_at TIMESTAMP
      '16 redundant-index', //       idx_space_objects_nasa_id duplicates UNIQUE (nasa_id)
    ]);
  });

  it('001 is still the original spec file', () => {
    const text = fs.readFileSync(path.join(EXAMPLE, 'migrations', '001_create_space_objects.sql'), 'utf8');
    assert.match(text, /^-- Up migration\nCREATE TABLE space_objects \(\n {4}id SERIAL PRIMARY KEY,\n {4}nasa_id VARCHAR\(50\) UNIQUE NOT NULL,/);
    assert.match(text, /CREATE INDEX idx_space_objects_nasa_id ON space_objects\(nasa_id\);\n\n-- Down migration\nDROP TABLE IF EXISTS space_objects;\n$/);
  });
});

for (const backend of BACKENDS) {
  describe(`example project on ${backend}`, function () {
    this.timeout(300000);
    let p: TestProject | undefined;
    afterEach(async () => { await p?.cleanup(); p = undefined; });

    it('verifies, goes up, seeds, goes down to zero and up again', async () => {
      p = await makeProject(backend, exampleFiles(), { sampleDataDir: 'data' });

      // On a fresh database: every transactional migration's down undoes its up.
      const verify = await p.cli(['--verify']);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      for (const m of MIGRATIONS) assert.match(verify.stdout, new RegExp(`✓ ${m}: down undoes up`), verify.stdout);
      // 011 runs outside a transaction: verified through its transactional equivalent (CONCURRENTLY removed).
      assert.match(verify.stdout, new RegExp(`✓ ${CONCURRENT}: down undoes up, and up applies again identically \\(checked with CONCURRENTLY removed`));

      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, new RegExp(`Applied ${MIGRATIONS.length} migrations`));
      assert.deepEqual(await userTables(p), EXPECTED_TABLES);
      assert.deepEqual(await monthlyPartitions(p), expectedPartitions(2));

      // 010 and 011 applied what the linter said about 001.
      const cols = await p.query<{ c: string }>(
        `SELECT column_name || ' ' || data_type || coalesce(' ' || identity_generation, '') AS c
           FROM information_schema.columns WHERE table_name = 'space_objects' ORDER BY ordinal_position`);
      assert.deepEqual(cols.map((r) => r.c), [
        'id integer BY DEFAULT', 'nasa_id text', 'name text', 'object_type text', 'description text', 'discovery_date date',
        'distance_from_earth numeric', 'metadata jsonb', 'created_at timestamp with time zone', 'updated_at timestamp with time zone',
      ]);
      const indexes = await p.query<{ i: string }>(`SELECT indexname AS i FROM pg_indexes WHERE tablename = 'space_objects' ORDER BY 1`);
      assert.deepEqual(indexes.map((r) => r.i), ['idx_space_objects_type', 'space_objects_nasa_id_key', 'space_objects_pkey']);

      // The seeds load into this schema; new rows get ids from the identity after the seeded ones.
      const seed = await p.cli(['--seed']);
      assert.equal(seed.code, 0, seed.stdout + seed.stderr);
      const counts = await p.query<{ objects: string; missions: string }>(
        'SELECT (SELECT count(*) FROM space_objects)::text AS objects, (SELECT count(*) FROM missions)::text AS missions');
      assert.ok(Number(counts[0]!.objects) > 0 && Number(counts[0]!.missions) > 0, JSON.stringify(counts));
      const [{ max }] = await p.query<{ max: number }>('SELECT max(id) AS max FROM space_objects');
      const [{ id }] = await p.query<{ id: number }>("INSERT INTO space_objects (nasa_id, name, object_type) VALUES ('test-x', 'X', 'comet') RETURNING id");
      assert.equal(id, max + 1);

      // 011 (outside a transaction, so --verify skipped it): down brings the index back, up drops it again.
      const down1 = await p.cli(['--down', '--steps', String(AFTER_CONCURRENT + 1)]);
      assert.equal(down1.code, 0, down1.stdout + down1.stderr);
      const back = await p.query<{ d: string }>(`SELECT indexdef AS d FROM pg_indexes WHERE indexname = 'idx_space_objects_nasa_id'`);
      assert.deepEqual(back, [{ d: 'CREATE INDEX idx_space_objects_nasa_id ON public.space_objects USING btree (nasa_id)' }]);
      const up1 = await p.cli(['--up']);
      assert.equal(up1.code, 0, up1.stdout + up1.stderr);

      const downAll = await p.cli(['--down', '--to', '0']);
      assert.equal(downAll.code, 0, downAll.stdout + downAll.stderr);
      assert.match(downAll.stdout, new RegExp(`Rolled back ${MIGRATIONS.length} migrations`));
      assert.deepEqual(await userTables(p), []);
      const leftovers = await p.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relname NOT LIKE 'database\\_migrations%'`);
      assert.deepEqual(leftovers, [{ n: '0' }], 'no table, view, sequence or index is left behind');

      const again = await p.cli(['--up']);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.deepEqual(await userTables(p), EXPECTED_TABLES);
      const reseed = await p.cli(['--seed']);
      assert.equal(reseed.code, 0, reseed.stdout + reseed.stderr);
    });

    it('the schema enforces what it says and the maintenance pieces work', async () => {
      p = await makeProject(backend, exampleFiles());
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stdout + up.stderr);

      // Partition maintenance: creates the months ahead, detaches those past retention (they keep their rows).
      await p.query(`CREATE TABLE api_request_log_y2001m01 PARTITION OF api_request_log
                       FOR VALUES FROM ('2001-01-01 00:00:00+00') TO ('2001-02-01 00:00:00+00')`);
      await p.query(`INSERT INTO api_request_log (requested_at, method, route, path, status_code, duration_ms)
                     VALUES ('2001-01-15T12:00:00Z', 'GET', '/api/objects', '/api/objects', 200, 12.5),
                            (now(), 'GET', '/api/objects/:id', '/api/objects/7', 404, 3)`);
      const actions = await p.query<{ action: string; partition_name: string }>('SELECT * FROM maintain_api_request_log_partitions(4, 12)');
      assert.deepEqual(actions, [
        ...expectedPartitions(4).slice(3).map((n) => ({ action: 'created', partition_name: n })),
        { action: 'detached', partition_name: 'api_request_log_y2001m01' },
      ]);
      assert.deepEqual(await monthlyPartitions(p), expectedPartitions(4));
      const archived = await p.query<{ n: string }>('SELECT count(*)::text AS n FROM api_request_log_y2001m01');
      assert.deepEqual(archived, [{ n: '1' }]);
      assert.deepEqual(await p.query('SELECT * FROM maintain_api_request_log_partitions(4, 12)'), [], 'a second run has nothing to do');
      await p.query('DROP TABLE api_request_log_y2001m01');

      // Rollups refresh concurrently (each has its unique index).
      await p.query("INSERT INTO missions (name, agency, status) VALUES ('Voyager 2', 'NASA', 'active')");
      for (const v of ['api_usage_daily', 'space_object_popularity', 'mission_observation_summary']) {
        await p.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${v}`);
      }
      const usage = await p.query<{ route: string; requests: string; client_errors: string }>(
        'SELECT route, requests::text, client_errors::text FROM api_usage_daily ORDER BY route');
      assert.deepEqual(usage, [{ route: '/api/objects/:id', requests: '1', client_errors: '1' }]);
      const era = await p.query<{ era: string }>("SELECT era FROM missions WHERE name = 'Voyager 2'");
      assert.deepEqual(era, [{ era: 'present' }]);

      // The API cache: one row per (api, endpoint, parameters) whatever the key order; rows land in their API's partition.
      await p.query(`INSERT INTO nasa_api_cache (api, endpoint, params, body, etag, fetched_at, expires_at)
                     VALUES ('apod', 'planetary/apod', '{"date": "1995-06-16", "thumbs": true}', '{"title": "Neutron Star Earth"}', 'W/"a"', now(), now() + interval '1 day'),
                            ('neows', 'neo/rest/v1/feed', '{"start_date": "2024-01-01"}', '{}', NULL, now() - interval '3 days', now() - interval '2 days')`);
      await assert.rejects(p.query(`INSERT INTO nasa_api_cache (api, endpoint, body, expires_at)
        VALUES ('epic', 'EPIC/api/natural', '{}', now() - interval '1 hour')`), /nasa_api_cache_expiry_check/);
      await assert.rejects(p.query(`INSERT INTO nasa_api_cache (api, endpoint, params, body, expires_at)
        VALUES ('apod', 'planetary/apod', '{"thumbs": true, "date": "1995-06-16"}', '{}', now() + interval '1 day')`), /nasa_api_cache_request_key|duplicate key/);
      const where = await p.query<{ part: string }>('SELECT tableoid::regclass::text AS part FROM nasa_api_cache ORDER BY api');
      assert.deepEqual(where.map((r) => r.part), ['nasa_api_cache_apod', 'nasa_api_cache_neows']);
      assert.deepEqual(await p.query<{ n: string }>('SELECT purge_expired_nasa_api_cache()::text AS n'), [{ n: '1' }]);

      // Check constraints and foreign keys hold.
      await assert.rejects(p.query("INSERT INTO missions (name, agency, status) VALUES ('X', 'NASA', 'sleeping')"), /check constraint/);
      await assert.rejects(p.query("INSERT INTO users (email, display_name) VALUES ('not-an-email', 'A')"), /check constraint/);
      await p.query("INSERT INTO users (email, display_name) VALUES ('Ada@example.org', 'Ada')");
      await assert.rejects(p.query("INSERT INTO users (email, display_name) VALUES ('ada@EXAMPLE.org', 'Ada 2')"), /idx_users_email|duplicate key/);
      await assert.rejects(p.query(`INSERT INTO user_favorites (user_id, space_object_id, mission_id)
        SELECT u.id, NULL, NULL FROM users u`), /user_favorites_one_target/);
      await assert.rejects(p.query("INSERT INTO observations (space_object_id, observed_at) VALUES (999999, now())"), /foreign key/);
      const classes = await p.query<{ path: string }>(`
        WITH RECURSIVE up AS (
          SELECT id, parent_id, code::text AS path FROM object_classes WHERE code = 'near-earth-asteroid'
          UNION ALL SELECT c.id, c.parent_id, c.code || ' > ' || up.path FROM object_classes c JOIN up ON c.id = up.parent_id)
        SELECT path FROM up WHERE parent_id IS NULL`);
      assert.deepEqual(classes, [{ path: 'celestial-body > small-body > asteroid > near-earth-asteroid' }]);
    });
  });
}
