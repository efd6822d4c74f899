/**
 * The example project's indexes serve the portal's real queries: on seeded data (the sample data plus
 * generated observations and API log rows, and users with favorites), EXPLAIN of each query shows the
 * index it was built for. Sequential scans are disabled for the EXPLAIN so that small tables still show
 * which index the query can use (on a large production table the planner picks it by cost).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, type TestProject } from './harness';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');

function exampleProject(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of ['migrations', 'data']) {
    for (const f of fs.readdirSync(path.join(EXAMPLE, dir)).sort()) files[`${dir}/${f}`] = fs.readFileSync(path.join(EXAMPLE, dir, f), 'utf8');
  }
  return files;
}

const QUERIES: { purpose: string; sql: string; index: string }[] = [
  { purpose: 'objects of one type (catalogue filters)', sql: `SELECT id, name FROM space_objects WHERE object_type = 'planet'`, index: 'idx_space_objects_type' },
  { purpose: "a mission's latest observations", sql: 'SELECT id, observed_at FROM observations WHERE mission_id = 3 ORDER BY observed_at DESC LIMIT 20', index: 'idx_observations_mission_time' },
  { purpose: "an object's observations in a time range", sql: `SELECT count(*) FROM observations WHERE space_object_id = 5 AND observed_at >= now() - interval '30 days'`, index: 'idx_observations_object_time' },
  { purpose: 'everything observed in the last week', sql: `SELECT count(*) FROM observations WHERE observed_at >= now() - interval '7 days'`, index: 'idx_observations_observed_at' },
  { purpose: "a user's favorites, newest first", sql: 'SELECT id FROM user_favorites WHERE user_id = 7 ORDER BY created_at DESC LIMIT 20', index: 'idx_user_favorites_user_time' },
];

for (const backend of BACKENDS) {
  describe(`example project indexes on ${backend}`, function () {
    this.timeout(180000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('EXPLAIN of each portal query on seeded data uses the index made for it', async () => {
      p = await makeProject(backend, exampleProject(), { sampleDataDir: 'data' });
      assert.equal((await p.cli(['--up'])).code, 0);
      const seeded = await p.cli(['--seed', '--scale', '5000']);
      assert.equal(seeded.code, 0, seeded.stderr);
      assert.match(seeded.stdout, /Generated 10000 synthetic rows with COPY/);
      const plans = await p.withSession(async (s) => {
        await s.exec(`INSERT INTO users (email, display_name) SELECT 'user' || g || '@example.org', 'User ' || g FROM generate_series(1, 200) g`);
        await s.exec(`INSERT INTO user_favorites (user_id, space_object_id)
                      SELECT u.id, o.id FROM users u CROSS JOIN LATERAL (SELECT id FROM space_objects ORDER BY (id * u.id) % 17 LIMIT 5) o`);
        await s.exec('ANALYZE');
        await s.exec('SET enable_seqscan = off');
        const out: string[] = [];
        for (const q of QUERIES) {
          const r = await s.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`);
          out.push(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
        }
        await s.exec('RESET enable_seqscan');
        return out;
      });
      QUERIES.forEach((q, i) => {
        assert.match(plans[i]!, new RegExp(`Index (Only )?Scan (Backward )?using ${q.index} |Bitmap Index Scan on ${q.index}\\b`),
          `${q.purpose}: expected ${q.index} in\n${plans[i]}`);
      });
    });
  });
}
