/**
 * --seed --scale N on a schema the user names in the config ("seed": {"scale": {"tables": ...}}): row counts per
 * table, the config's column generators, generators the catalog suggests for the other columns (type, enum,
 * foreign key, unique index, CHECK ... IN), tables referenced filled first, the same rows for the same random
 * seed, and config mistakes refused with the key they concern.
 */
import assert from 'node:assert/strict';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

const SCHEMA = `CREATE TYPE mood AS ENUM ('happy', 'sad', 'curious');
CREATE SCHEMA analytics;
CREATE TABLE analytics.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  plan text NOT NULL CHECK (plan IN ('free', 'pro', 'team')),
  created_at timestamptz NOT NULL DEFAULT now(),
  mood mood NOT NULL,
  score numeric(5, 2),
  nickname varchar(12),
  active boolean NOT NULL,
  external_id uuid NOT NULL UNIQUE,
  prefs jsonb NOT NULL,
  legacy_code integer NOT NULL UNIQUE
);
CREATE TABLE analytics.events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES analytics.accounts (id),
  kind text NOT NULL,
  happened_at timestamptz NOT NULL,
  amount double precision CHECK (amount > 0),
  note text,
  day date NOT NULL
);`;

/** The events first on purpose: they reference the accounts, which must be filled before them. */
function scaleConfig(randomSeed: number): Record<string, unknown> {
  return {
    seed: {
      scale: {
        randomSeed, now: '2025-01-01T00:00:00Z',
        tables: {
          'analytics.events': {
            perScale: 3,
            columns: {
              kind: { choice: ['view', 'click', 'buy'], weights: [6, 3, 1] },
              happened_at: { timestamp: { from: 'now-30d', to: 'now' } },
              note: { pattern: 'event {seq} from {choice:web|app}', nullFraction: 0.5 },
            },
          },
          'analytics.accounts': { rows: 50, columns: { email: { pattern: 'user{seq}@example.com' } } },
        },
      },
    },
  };
}

const CONTENT = `SELECT md5(string_agg(concat_ws('|', account_id, kind, happened_at, amount, note, day), E'\\n' ORDER BY id)) AS events,
  (SELECT md5(string_agg(concat_ws('|', email, plan, mood, score, nickname, active, external_id, prefs, legacy_code), E'\\n' ORDER BY id)) FROM analytics.accounts) AS accounts
  FROM analytics.events`;

for (const backend of BACKENDS) {
  describe(`--seed --scale on a schema named in the config (${backend})`, function () {
    this.timeout(180000);
    let p: TestProject | undefined;
    afterEach(async () => { await p?.cleanup(); p = undefined; });

    async function project(config: Record<string, unknown>): Promise<TestProject> {
      const made = await makeProject(backend, { 'migrations/001_analytics.sql': migration(SCHEMA, 'DROP SCHEMA analytics CASCADE; DROP TYPE mood;') }, config);
      const up = await made.cli(['--up']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      return made;
    }

    it('fills the named tables: counts, configured generators and catalog defaults, referenced table first', async () => {
      p = await project(scaleConfig(7));
      const run = await p.cli(['--seed', '--scale', '100']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /Generated 350 synthetic rows with COPY .*: analytics\.accounts 50, analytics\.events 300\./);
      // Progress goes to stderr (plain lines: not a terminal), never to stdout.
      assert.match(run.stderr, /^ {2}analytics\.accounts: 50 of 50 rows \(100%\)$/m);
      assert.match(run.stderr, /^ {2}analytics\.events: 300 of 300 rows \(100%\)$/m);
      assert.doesNotMatch(run.stdout, /of \d+ rows/);
      const [a] = await p.query<Record<string, string>>(`SELECT count(*)::text AS n, min(email COLLATE "C") AS first_email, count(DISTINCT email)::text AS emails,
          string_agg(DISTINCT plan, ',' ORDER BY plan) AS plans, string_agg(DISTINCT mood::text, ',' ORDER BY mood::text) AS moods,
          count(*) FILTER (WHERE score IS NULL OR score < 0 OR score >= 1000)::text AS bad_scores, max(char_length(nickname))::text AS longest_nickname,
          count(DISTINCT external_id)::text AS uuids, count(*) FILTER (WHERE prefs->>'synthetic' = 'true')::text AS synthetic_prefs,
          count(DISTINCT legacy_code)::text AS codes
        FROM analytics.accounts`);
      assert.deepEqual(a, { n: '50', first_email: 'user10@example.com', emails: '50', plans: 'free,pro,team', moods: 'curious,happy,sad',
        bad_scores: '0', longest_nickname: '11', uuids: '50', synthetic_prefs: '50', codes: '50' });
      const [e] = await p.query<Record<string, string>>(`SELECT count(*)::text AS n,
          count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM analytics.accounts x WHERE x.id = e.account_id))::text AS orphans,
          count(DISTINCT account_id) > 20 AS spread,
          count(*) FILTER (WHERE kind = 'view') > count(*) FILTER (WHERE kind = 'buy') AS weighted,
          count(*) FILTER (WHERE kind NOT IN ('view', 'click', 'buy'))::text AS bad_kinds,
          count(*) FILTER (WHERE happened_at < '2024-12-02T00:00:00Z' OR happened_at >= '2025-01-01T00:00:00Z')::text AS outside,
          count(*) FILTER (WHERE amount IS NOT NULL)::text AS amounts,
          count(*) FILTER (WHERE note IS NULL) BETWEEN 100 AND 200 AS half_null,
          count(*) FILTER (WHERE note IS NOT NULL AND note !~ '^event [0-9]+ from (web|app)$')::text AS bad_notes,
          count(*) FILTER (WHERE day < '2024-01-01' OR day > '2025-01-01')::text AS bad_days
        FROM analytics.events e`);
      assert.deepEqual(e, { n: '300', orphans: '0', spread: true, weighted: true, bad_kinds: '0', outside: '0', amounts: '0', half_null: true, bad_notes: '0', bad_days: '0' });
    });

    it('the same random seed gives the same rows; another seed other rows; a second run continues sequences', async () => {
      p = await project(scaleConfig(7));
      assert.equal((await p.cli(['--seed', '--scale', '20'])).code, 0);
      const [first] = await p.query<{ events: string; accounts: string }>(CONTENT);
      await p.query('TRUNCATE analytics.events, analytics.accounts RESTART IDENTITY');
      assert.equal((await p.cli(['--seed', '--scale', '20'])).code, 0);
      assert.deepEqual(await p.query(CONTENT), [first]);
      const again = await p.cli(['--seed', '--scale', '20', '--json']);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.equal((JSON.parse(again.stdout) as { scaled: { rows: number } }).scaled.rows, 110, 'with --json stdout is the JSON report only');
      assert.doesNotMatch(again.stderr, /rows \(/, 'and no progress lines on a stderr that is not a terminal');
      const [counts] = await p.query<{ accounts: string; emails: string }>('SELECT count(*)::text AS accounts, count(DISTINCT email)::text AS emails FROM analytics.accounts');
      assert.deepEqual(counts, { accounts: '100', emails: '100' }, 'unique columns continue after the rows already there');
      p.write('database-migration.config.json', JSON.stringify({ defaultEnvironment: 'test', environments: { test: { url: p.url ?? undefined, backups: { enabled: false } } }, ...scaleConfig(8) }));
      await p.query('TRUNCATE analytics.events, analytics.accounts RESTART IDENTITY');
      assert.equal((await p.cli(['--seed', '--scale', '20'])).code, 0);
      const [other] = await p.query<{ events: string; accounts: string }>(CONTENT);
      assert.notEqual(other!.events, first!.events);
    });

    it('refuses config mistakes before writing anything, naming the key', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ 'analytics.events': { columns: { colour: { value: 1 } } } }, /"seed\.scale\.tables\.analytics\.events\.columns\.colour" names a column table analytics\.events does not have/],
        [{ 'analytics.events': { columns: { kind: { choice: ['a'], value: 'b' } } } }, /columns\.kind" names 2 generators \(choice, value\)/],
        [{ 'analytics.events': { columns: { happened_at: { timestamp: { from: 'yesterday', to: 'now' } } } } }, /timestamp\.from" is "yesterday", not a moment/],
        [{ 'analytics.events': { columns: { note: { pattern: 'x {nope}' } } } }, /has an unknown placeholder \{nope\}/],
        [{ 'analytics.events': { rows: 5, perScale: 2 } }, /has both "rows" and "perScale"/],
        [{ 'analytics.nothing': {} }, /table analytics\.nothing \(seed\.scale\.tables\) does not exist/],
        [{ 'analytics.events': { columns: { kind: { shuffle: true } } } }, /seed\.scale\.tables\.analytics\.events\.columns\.kind/],
      ];
      const q = await project({});
      p = q;
      for (const [tables, message] of cases) {
        // The accounts come first (referenced) and are rolled back with the rest when the events' config is refused.
        const all = { 'analytics.accounts': { rows: 5 }, ...tables };
        q.write('database-migration.config.json', JSON.stringify({ defaultEnvironment: 'test', environments: { test: { url: q.url ?? undefined, backups: { enabled: false } } }, seed: { scale: { tables: all } } }));
        const r = await q.cli(['--seed', '--scale', '10']);
        assert.equal(r.code, 2, `${JSON.stringify(tables)}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, message);
        const [left] = await q.query<{ n: string }>('SELECT (SELECT count(*) FROM analytics.events) + (SELECT count(*) FROM analytics.accounts) AS n');
        assert.equal(Number(left!.n), 0);
      }
    });
  });
}
