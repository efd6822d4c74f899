/**
 * The example project's --seed as a user runs it (migrations, seeds/*.sql and data/*.json together): one
 * source of truth per record. After --seed every record of every data file is in the database with every
 * field it cites (in its own column, in the row's metadata, or in the link table it names), no seed file
 * adds a second row for a record, and a second --seed changes no row at all.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, type TestProject } from './harness';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');

/** migrations/, seeds/ and data/ of the example, keyed by relative path. */
function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [dir, ext] of [['migrations', '.sql'], ['seeds', '.sql'], ['data', '.json']] as const) {
    for (const f of fs.readdirSync(path.join(EXAMPLE, dir)).filter((x) => x.endsWith(ext)).sort()) {
      files[`${dir}/${f}`] = fs.readFileSync(path.join(EXAMPLE, dir, f), 'utf8');
    }
  }
  return files;
}

interface DataFile { sources: Record<string, string>; records: Record<string, unknown>[] }

function dataFile(name: string): DataFile {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'data', name), 'utf8')) as DataFile;
}

type Row = Record<string, unknown> & { metadata?: Record<string, unknown> | null };

/** Rows of `table` as JSON (dates as YYYY-MM-DD, numerics as numbers), keyed by `key(row)`. */
async function rowsBy(p: TestProject, table: string, key: (r: Row) => string, join = ''): Promise<Map<string, Row>> {
  const rows = await p.query<{ j: Row }>(`SELECT to_jsonb(t) ${join ? `|| ${join}` : ''} AS j FROM ${table} t`);
  const out = new Map<string, Row>();
  for (const { j } of rows) {
    const k = key(j);
    assert.ok(!out.has(k), `${table} holds two rows for ${k}`);
    out.set(k, j);
  }
  return out;
}

/** The problems of one record: each field must be in its column or in the row's metadata, with the same value. */
function missingFields(what: string, row: Row | undefined, fields: Record<string, unknown>): string[] {
  if (!row) return [`${what}: no row`];
  const problems: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const candidates = [row[field], row.metadata?.[field]];
    const same = (v: unknown) => canonical(v) === canonical(value)
      || (typeof value === 'number' && v !== null && v !== undefined && Number(v) === value);
    if (value === null ? candidates.some((v) => v !== null && v !== undefined) : !candidates.some(same)) {
      problems.push(`${what}.${field}: want ${JSON.stringify(value)}, found ${JSON.stringify(row[field] ?? row.metadata?.[field] ?? null)}`);
    }
  }
  return problems;
}

/** JSON with object keys sorted (jsonb orders keys its own way). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

const cited = (file: DataFile, rec: Record<string, unknown>): string => (rec['source'] as string[]).map((s) => file.sources[s]).join('; ');

/** Every record of every data file with every field it cites; the list of what is missing or different. */
async function incompleteRecords(p: TestProject): Promise<string[]> {
  const problems: string[] = [];
  const agencies = dataFile('agencies.json');
  const agencyRows = await rowsBy(p, 'agencies', (r) => String(r['code']));
  for (const rec of agencies.records) {
    problems.push(...missingFields(`agency ${String(rec['code'])}`, agencyRows.get(String(rec['code'])), { ...rec, source: cited(agencies, rec) }));
  }
  const objects = await rowsBy(p, 'space_objects', (r) => String(r['nasa_id']),
    `jsonb_build_object('classes', (SELECT jsonb_agg(c.code ORDER BY c.code) FROM space_object_classes sc JOIN object_classes c ON c.id = sc.class_id WHERE sc.space_object_id = t.id))`);
  for (const name of ['planets.json', 'dwarf-planets.json', 'small-bodies.json']) {
    const file = dataFile(name);
    for (const rec of file.records) {
      const { classes, ...fields } = rec;
      const row = objects.get(String(rec['nasa_id']));
      problems.push(...missingFields(`${name} ${String(rec['nasa_id'])}`, row, { ...fields, source: cited(file, rec) }));
      const wantClasses = [...new Set([String(rec['object_type']), ...(classes as string[])])].sort();
      if (row && canonical(row['classes']) !== canonical(wantClasses)) problems.push(`${String(rec['nasa_id'])}.classes: ${JSON.stringify(row['classes'])}`);
    }
  }
  const missions = dataFile('missions.json');
  const missionRows = await rowsBy(p, 'missions', (r) => String(r['name']), `jsonb_build_object(
    'crew', (SELECT coalesce(jsonb_agg(jsonb_build_object('astronaut', a.name, 'role', c.role) ORDER BY a.name), '[]') FROM mission_crew c JOIN astronauts a ON a.id = c.astronaut_id WHERE c.mission_id = t.id),
    'targets', (SELECT jsonb_agg(o.nasa_id ORDER BY o.nasa_id) FROM mission_targets mt JOIN space_objects o ON o.id = mt.space_object_id WHERE mt.mission_id = t.id))`);
  assert.equal(missionRows.size, missions.records.length, `missions: ${[...missionRows.keys()].filter((n) => !missions.records.some((r) => r['name'] === n)).join(', ')} come from no data file`);
  for (const rec of missions.records) {
    const { crew, targets, ...fields } = rec;
    const byName = (a: { astronaut: string }, b: { astronaut: string }) => a.astronaut.localeCompare(b.astronaut);
    problems.push(...missingFields(`mission ${String(rec['name'])}`, missionRows.get(String(rec['name'])), {
      ...fields, source: cited(missions, rec), crew: [...(crew as { astronaut: string }[])].sort(byName),
      ...(targets ? { targets: [...(targets as string[])].sort() } : {}),
    }));
  }
  const astronauts = dataFile('astronauts.json');
  const astronautRows = await rowsBy(p, 'astronauts', (r) => String(r['name']), `jsonb_build_object('agency', (SELECT code FROM agencies a WHERE a.id = t.agency_id))`);
  for (const rec of astronauts.records) {
    problems.push(...missingFields(`astronaut ${String(rec['name'])}`, astronautRows.get(String(rec['name'])), { ...rec, source: cited(astronauts, rec) }));
  }
  const milestones = dataFile('milestones.json');
  const milestoneRows = await rowsBy(p, 'milestones', (r) => `${String(r['occurred_on'])} ${String(r['title'])}`,
    `jsonb_build_object('event_date', t.occurred_on, 'mission', (SELECT name FROM missions m WHERE m.id = t.mission_id))`);
  for (const rec of milestones.records) {
    problems.push(...missingFields(`milestone ${String(rec['title'])}`, milestoneRows.get(`${String(rec['event_date'])} ${String(rec['title'])}`), { ...rec, source: cited(milestones, rec) }));
  }
  const spacecraft = dataFile('spacecraft.json');
  const craftRows = await rowsBy(p, 'spacecraft', (r) => `${String(r['mission'])}/${String(r['name'])}`, `jsonb_build_object(
    'mission', (SELECT name FROM missions m WHERE m.id = t.mission_id),
    'instruments', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', i.name, 'kind', i.kind, 'description', i.description) ORDER BY i.name), '[]') FROM instruments i WHERE i.spacecraft_id = t.id))`);
  for (const rec of spacecraft.records) {
    const instruments = [...(rec['instruments'] as { name: string }[])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    problems.push(...missingFields(`spacecraft ${String(rec['name'])}`, craftRows.get(`${String(rec['mission'])}/${String(rec['name'])}`), { ...rec, instruments, source: cited(spacecraft, rec) }));
  }
  return problems;
}

/** Every user table's rows, with the transaction that last wrote each (xmin): any write shows, even of equal values. */
async function snapshot(p: TestProject): Promise<Record<string, string>> {
  const tables = await p.query<{ t: string }>(
    `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'database\\_migrations%' ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const [r] = await p.query<{ s: string | null }>(`SELECT string_agg(x.xmin::text || ' ' || x::text, E'\\n' ORDER BY x::text) AS s FROM "${t}" x`);
    out[t] = r!.s ?? '';
  }
  return out;
}

for (const backend of BACKENDS) {
  describe(`example --seed on ${backend}: one source of truth per record`, function () {
    this.timeout(300000);
    let p: TestProject;
    before(async () => {
      const exampleConfig = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'database-migration.config.json'), 'utf8')) as { seed: unknown };
      p = await makeProject(backend, exampleFiles(), { sampleDataDir: 'data', seed: exampleConfig.seed });
      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
    });
    after(async () => { await p?.cleanup(); });

    it('after --seed every record of every data file is present with all its cited fields', async () => {
      const seed = await p.cli(['--seed']);
      assert.equal(seed.code, 0, seed.stdout + seed.stderr);
      assert.deepEqual(await incompleteRecords(p), []);
      const [earth] = await p.query<{ j: Row }>(`SELECT to_jsonb(t) AS j FROM space_objects t WHERE nasa_id = 'planet-earth'`);
      assert.equal(Number(earth!.j.metadata?.['mass_kg'] ?? earth!.j['mass_kg']), 5.9722e24);
      const perseverance = await p.query<{ name: string }>(`SELECT name FROM missions WHERE name ILIKE '%perseverance%' ORDER BY 1`);
      assert.deepEqual(perseverance.map((r) => r.name), ['Mars 2020 (Perseverance)']);
    });

    it('tables that had no sample rows get cited or clearly synthetic ones', async () => {
      const [counts] = await p.query<Record<string, string>>(`SELECT (SELECT count(*) FROM spacecraft)::text AS spacecraft,
        (SELECT count(*) FROM instruments)::text AS instruments, (SELECT count(*) FROM users)::text AS users,
        (SELECT count(*) FROM nasa_api_cache)::text AS cache`);
      for (const [t, n] of Object.entries(counts!)) assert.ok(Number(n) > 0, `${t} has no rows`);
      const users = await p.query<{ email: string }>('SELECT email FROM users WHERE email NOT LIKE \'%@example.com\'');
      assert.deepEqual(users, [], 'every sample user has an example.com address');
      const cache = await p.query<{ api: string }>(`SELECT api FROM nasa_api_cache WHERE body->>'synthetic' IS DISTINCT FROM 'true'`);
      assert.deepEqual(cache, [], 'every sample cache row is marked synthetic');
      const uncited = await p.query<{ name: string }>('SELECT name FROM spacecraft WHERE source IS NULL UNION ALL SELECT name FROM instruments WHERE source IS NULL');
      assert.deepEqual(uncited, []);
    });

    it('a second --seed changes nothing: no row inserted, updated or rewritten', async () => {
      const before = await snapshot(p);
      const again = await p.cli(['--seed', '--json']);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      const report = JSON.parse(again.stdout) as { tables: { table: string; inserted: number; updated: number }[] };
      assert.deepEqual(report.tables.filter((t) => t.inserted || t.updated), []);
      const after = await snapshot(p);
      for (const t of Object.keys(before)) assert.equal(after[t], before[t], `--seed rewrote rows of ${t}`);
    });

    it('--seed prints when the data was last checked and warns on stderr when that is more than a year ago', async () => {
      const setAsOf = (asOf: string) => {
        for (const f of fs.readdirSync(path.join(p.dir, 'data'))) {
          const file = JSON.parse(fs.readFileSync(path.join(p.dir, 'data', f), 'utf8')) as Record<string, unknown>;
          p.write(`data/${f}`, JSON.stringify({ ...file, as_of: asOf }, null, 2));
        }
      };
      const today = new Date().toISOString().slice(0, 10);
      setAsOf(today);
      const fresh = await p.cli(['--seed']);
      assert.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
      assert.match(fresh.stdout, new RegExp(`^Sample data \\(data\\) as of ${today}\\.$`, 'm'));
      assert.doesNotMatch(fresh.stderr, /warning/);
      setAsOf('2000-01');
      const old = await p.cli(['--seed']);
      assert.equal(old.code, 0, old.stdout + old.stderr);
      assert.match(old.stdout, /^Sample data \(data\) as of 2000-01\.$/m);
      assert.match(old.stderr, /^warning: data: the sample data was last checked against its sources more than a year ago \(as of 2000-01\)/m);
      assert.doesNotMatch(old.stdout, /warning/, 'the warning goes to stderr, the report to stdout');
      const json = await p.cli(['--seed', '--json']);
      const report = JSON.parse(json.stdout) as { sampleData: { dir: string; files: { file: string; asOf: string; stale: boolean }[] } };
      assert.equal(report.sampleData.files.length, fs.readdirSync(path.join(p.dir, 'data')).length);
      assert.ok(report.sampleData.files.every((f) => f.asOf === '2000-01' && f.stale), JSON.stringify(report.sampleData));
    });

    it("the example config's seed.scale fills observations and the API log, with keys into the seeded rows", async () => {
      const r = await p.cli(['--seed', '--scale', '3000']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Generated 6000 synthetic rows with COPY .*: observations 3000, api_request_log 3000\./);
      const [o] = await p.query<Record<string, string | boolean>>(`SELECT count(*)::text AS n, count(DISTINCT space_object_id) > 10 AS objects,
          count(*) FILTER (WHERE mission_id IS NULL) BETWEEN 400 AND 800 AS some_without_mission, count(DISTINCT instrument_id) > 10 AS instruments,
          count(*) FILTER (WHERE metadata->>'synthetic' = 'true')::text AS synthetic FROM observations`);
      assert.deepEqual(o, { n: '3000', objects: true, some_without_mission: true, instruments: true, synthetic: '3000' });
      const [l] = await p.query<Record<string, string | boolean>>(`SELECT count(*)::text AS n,
          count(*) FILTER (WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT id FROM users))::text AS unknown_users,
          count(*) FILTER (WHERE status_code = 200) > count(*) FILTER (WHERE status_code = 500) AS mostly_ok FROM api_request_log`);
      assert.deepEqual(l, { n: '3000', unknown_users: '0', mostly_ok: true });
    });
  });
}
