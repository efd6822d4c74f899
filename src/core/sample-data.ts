/**
 * The built-in NASA sample data set: real published figures kept as JSON files
 * (examples/nasa-portal/data/*.json, each record citing its sources), loaded
 * idempotently into the example schema, plus a COPY-based generator of
 * synthetic observation and API-log rows for performance work.
 *
 * The loader adapts to the columns the schema actually has: a figure goes into
 * its own typed column when one of that name exists (mass_kg, mean_radius_km,
 * ...), otherwise into the row's `metadata` JSONB, so the data survives schema
 * changes without being lost. Tables the schema lacks are skipped and reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Session } from './db/database';
import { MigrationError } from './errors';

// ---------- data files --------------------------------------------------------

/** One data file: what it holds, the citations its records refer to, and the records. */
export interface SampleDataFile<R = SampleRecord> {
  description: string;
  as_of?: string;
  sources: Record<string, string>;
  records: R[];
}

export type SampleRecord = Record<string, unknown> & { source: string[] };

export interface BodyRecord extends SampleRecord {
  nasa_id: string;
  name: string;
  /** An object_classes code; `classes` lists further classes the object belongs to. */
  object_type: 'planet' | 'dwarf-planet' | 'asteroid' | 'comet' | 'trans-neptunian-object';
  classes: string[];
  mass_kg: number | null;
  mean_radius_km: number | null;
  semi_major_axis_au: number;
  orbital_period_days: number;
  discovery_date: string | null;
  discovered_by: string | null;
  description: string;
}

export interface MissionRecord extends SampleRecord {
  name: string;
  agency: string;
  status: 'planned' | 'active' | 'completed' | 'lost';
  launch_date: string | null;
  end_date: string | null;
  target: string;
  crewed: boolean;
  description: string;
  crew: { astronaut: string; role: string }[];
  targets?: string[];
}

export interface AstronautRecord extends SampleRecord {
  name: string;
  agency: string;
  nationality: string;
  birth_date: string;
  death_date: string | null;
  achievements: { date: string; mission: string | null; text: string }[];
}

export interface MilestoneRecord extends SampleRecord {
  event_date: string;
  title: string;
  category: string;
  mission: string | null;
}

export interface AgencyRecord extends SampleRecord {
  code: string;
  name: string;
  country: string;
  founded_on: string | null;
  website_url: string | null;
}

export interface SampleData {
  agencies: SampleDataFile<AgencyRecord>;
  planets: SampleDataFile<BodyRecord>;
  dwarfPlanets: SampleDataFile<BodyRecord>;
  smallBodies: SampleDataFile<BodyRecord>;
  missions: SampleDataFile<MissionRecord>;
  astronauts: SampleDataFile<AstronautRecord>;
  milestones: SampleDataFile<MilestoneRecord>;
}

const FILES: Record<keyof SampleData, string> = {
  agencies: 'agencies.json',
  planets: 'planets.json',
  dwarfPlanets: 'dwarf-planets.json',
  smallBodies: 'small-bodies.json',
  missions: 'missions.json',
  astronauts: 'astronauts.json',
  milestones: 'milestones.json',
};

/** Reads and checks every data file in `dataDir`; a record citing an unknown source is an error naming the file. */
export function readSampleData(dataDir: string): SampleData {
  const out: Partial<Record<keyof SampleData, SampleDataFile>> = {};
  for (const [key, name] of Object.entries(FILES) as [keyof SampleData, string][]) {
    const file = path.join(dataDir, name);
    let parsed: SampleDataFile;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as SampleDataFile;
    } catch (err) {
      throw new MigrationError('E_SEED_FAILED', `cannot read sample data file ${file}: ${(err as Error).message}`,
        'restore the file from the example project (examples/nasa-portal/data/) or point the seeder at the right directory', { file }, { cause: err });
    }
    if (!parsed || typeof parsed.sources !== 'object' || !Array.isArray(parsed.records)) {
      throw new MigrationError('E_SEED_FAILED', `sample data file ${file} needs "sources" (an object) and "records" (an array)`,
        'keep the layout of the example data files', { file });
    }
    parsed.records.forEach((r, i) => {
      const cited = Array.isArray(r.source) ? r.source : [];
      const unknown = cited.filter((s) => !(s in parsed.sources));
      if (cited.length === 0 || unknown.length > 0) {
        throw new MigrationError('E_SEED_FAILED',
          `record ${i + 1} of ${file} ${cited.length === 0 ? 'cites no source' : `cites unknown source ${unknown.join(', ')}`}`,
          'give every record a "source" list whose keys appear in the file\'s "sources" object', { file });
      }
    });
    out[key] = parsed;
  }
  return out as SampleData;
}

/** The example project's data directory, when running from a checkout or the bundled package. */
export function defaultSampleDataDir(): string {
  const candidates = [
    path.resolve(__dirname, '..', '..', 'examples', 'nasa-portal', 'data'), // out/src/core or src/core
    path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal', 'data'),
    path.resolve(__dirname, '..', 'examples', 'nasa-portal', 'data'), // dist/
  ];
  return candidates.find((d) => fs.existsSync(path.join(d, FILES.planets))) ?? candidates[0]!;
}

// ---------- schema introspection ------------------------------------------------

interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Identity ALWAYS or generated: never written. */
  readOnly: boolean;
}

async function tableColumns(session: Session, table: string): Promise<Map<string, ColumnInfo> | null> {
  const r = await session.query<{ name: string; type: string; not_null: boolean; has_default: boolean; read_only: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            (a.atthasdef OR a.attidentity <> '') AS has_default,
            (a.attidentity = 'a' OR a.attgenerated <> '') AS read_only
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`, [quoteIdent(table)]);
  if (r.rows.length === 0) return null;
  return new Map(r.rows.map((c) => [c.name, { name: c.name, type: c.type, notNull: c.not_null, hasDefault: c.has_default, readOnly: c.read_only }]));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ---------- idempotent upsert ------------------------------------------------------

/**
 * One row for `table`: `values` maps a column to its value; `extra` is what has no column of its own and goes
 * into the `metadata` JSONB column when the table has one.
 */
interface PlannedRow {
  values: Record<string, unknown>;
  extra: Record<string, unknown>;
}

/**
 * Inserts the row when no row has the same natural key, updates it only when a stored value differs, and
 * leaves it untouched otherwise: loading twice writes nothing the second time (no updated_at churn).
 * Works without a unique constraint on the key, so it adapts to any version of the schema.
 */
async function upsertRow(session: Session, table: string, columns: Map<string, ColumnInfo>, key: string[], row: PlannedRow): Promise<'inserted' | 'updated' | 'unchanged'> {
  const values: Record<string, unknown> = {};
  const extra: Record<string, unknown> = { ...row.extra };
  for (const [col, v] of Object.entries(row.values)) {
    const info = columns.get(col);
    if (info && !info.readOnly) values[col] = v;
    else if (v !== null && v !== undefined) extra[col] = v;
  }
  const meta = columns.get('metadata');
  if (meta && !meta.readOnly && Object.keys(extra).length > 0 && !('metadata' in values)) values['metadata'] = JSON.stringify(extra);
  for (const k of key) {
    if (!(k in values)) throw new Error(`natural key column ${table}.${k} is missing`);
  }
  const cols = Object.keys(values);
  const params = cols.map((c) => values[c]);
  const cast = (c: string, i: number) => `$${i + 1}::${columns.get(c)!.type}`;
  const keyWhere = key.map((k) => `${quoteIdent(k)} = ${cast(k, cols.indexOf(k))}`).join(' AND ');
  const t = quoteIdent(table);
  // Only the key's parameters, numbered $1..$k: PostgreSQL rejects parameters a statement never uses.
  const exists = await session.query(`SELECT 1 FROM ${t} WHERE ${key.map((k, i) => `${quoteIdent(k)} = $${i + 1}::${columns.get(k)!.type}`).join(' AND ')} LIMIT 1`,
    key.map((k) => values[k]));
  if (exists.rows.length === 0) {
    await session.query(`INSERT INTO ${t} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(cast).join(', ')})`, params);
    return 'inserted';
  }
  const rest = cols.filter((c) => !key.includes(c));
  if (rest.length === 0) return 'unchanged';
  const r = await session.query(
    `UPDATE ${t} SET ${rest.map((c) => `${quoteIdent(c)} = ${cast(c, cols.indexOf(c))}`).join(', ')}
      WHERE ${keyWhere} AND (${rest.map(quoteIdent).join(', ')}) IS DISTINCT FROM (${rest.map((c) => cast(c, cols.indexOf(c))).join(', ')})`,
    params);
  return r.rowCount > 0 ? 'updated' : 'unchanged';
}

function citations(file: SampleDataFile, rec: SampleRecord): string[] {
  return rec.source.map((s) => file.sources[s]!);
}

async function idsBy(session: Session, table: string, keyColumn: string): Promise<Map<string, unknown>> {
  const r = await session.query<{ k: string; id: unknown }>(`SELECT ${quoteIdent(keyColumn)}::text AS k, id FROM ${quoteIdent(table)}`);
  return new Map(r.rows.map((x) => [x.k, x.id]));
}

// ---------- public API ---------------------------------------------------------------

export interface LoadedTable {
  table: string;
  /** Sample rows the table holds after the load (inserted + updated + unchanged). */
  rows: number;
  inserted: number;
  updated: number;
  /** Set when the table does not exist in this schema, so nothing was loaded into it. */
  skipped?: string;
}

export interface SampleDataOptions {
  /** false when the caller already opened a transaction (the engine's seed run); default true: BEGIN ... COMMIT here. */
  ownTransaction?: boolean;
}

/** Tables the sample data goes into, in load order (parents before children). */
export const SAMPLE_TABLES = ['agencies', 'space_objects', 'space_object_classes', 'orbital_elements', 'missions', 'mission_agencies',
  'mission_targets', 'astronauts', 'mission_crew', 'milestones'] as const;

/** Tables generateScale fills; the first one that exists of each list is used. */
export const OBSERVATION_TABLES = ['observations'];
export const API_LOG_TABLES = ['api_request_log', 'api_request_logs', 'api_requests', 'api_logs'];

/**
 * Loads every data file in `dataDir` into the example schema, in one transaction, upserting on natural keys:
 * agencies.code, space_objects.nasa_id, missions.name, astronauts.name, milestones (occurred_on, title),
 * orbital_elements.space_object_id, and the link tables on their two ids (space_object_classes,
 * mission_agencies, mission_targets, mission_crew). Tables the schema lacks are skipped (reported).
 * Running it twice leaves the same rows (same ids, same values). Returns one entry per table.
 */
export async function loadSampleData(session: Session, dataDir: string, options: SampleDataOptions = {}): Promise<LoadedTable[]> {
  const data = readSampleData(dataDir);
  const own = options.ownTransaction !== false;
  if (own) await session.exec('BEGIN');
  try {
    const result = await loadInto(session, data);
    if (own) await session.exec('COMMIT');
    return result;
  } catch (err) {
    if (own) await session.exec('ROLLBACK').catch(() => {});
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('E_SEED_FAILED', `loading the sample data failed: ${(err as Error).message}`,
      'nothing was loaded (the load runs in one transaction); check that the example migrations are applied (--up) and that the tables have the columns the seeder expects (see src/core/sample-data.ts)',
      {}, { cause: err });
  }
}

async function loadInto(session: Session, data: SampleData): Promise<LoadedTable[]> {
  const out: LoadedTable[] = [];
  const tally = (table: string) => {
    const t: LoadedTable = { table, rows: 0, inserted: 0, updated: 0 };
    out.push(t);
    return t;
  };
  const count = (t: LoadedTable, r: 'inserted' | 'updated' | 'unchanged') => {
    t.rows++;
    if (r === 'inserted') t.inserted++;
    if (r === 'updated') t.updated++;
  };
  const skip = (table: string, why: string) => { out.push({ table, rows: 0, inserted: 0, updated: 0, skipped: why }); };
  const required = async (table: string) => {
    const cols = await tableColumns(session, table);
    if (!cols) throw new Error(`table ${table} does not exist`);
    return cols;
  };

  // Agencies (missions and astronauts refer to them by code).
  const agencyCols = await tableColumns(session, 'agencies');
  let agencyIds = new Map<string, unknown>();
  if (agencyCols) {
    const t = tally('agencies');
    for (const rec of data.agencies.records) {
      const { source: _s, ...fields } = rec;
      count(t, await upsertRow(session, 'agencies', agencyCols, ['code'], { values: fields, extra: {} }));
    }
    agencyIds = await idsBy(session, 'agencies', 'code');
  } else skip('agencies', 'table does not exist');

  // Space objects: planets, dwarf planets, asteroids and comets. Figures without a typed column go to metadata.
  const objCols = await required('space_objects');
  const objects = tally('space_objects');
  const bodies = [data.planets, data.dwarfPlanets, data.smallBodies].flatMap((file) => file.records.map((rec) => ({ file, rec })));
  for (const { file, rec } of bodies) {
    const { source: _s, classes: _c, nasa_id, name, object_type, description, ...figures } = rec;
    const values: Record<string, unknown> = { nasa_id, name, object_type, description, ...figures, source: citations(file, rec).join('; ') };
    count(objects, await upsertRow(session, 'space_objects', objCols, ['nasa_id'], { values, extra: {} }));
  }
  const objectIds = await idsBy(session, 'space_objects', 'nasa_id');

  const classCols = await tableColumns(session, 'space_object_classes');
  if (classCols) {
    const classIds = await idsBy(session, 'object_classes', 'code');
    const t = tally('space_object_classes');
    for (const { rec } of bodies) {
      for (const code of [rec.object_type, ...rec.classes]) {
        if (!classIds.has(code)) throw new Error(`${rec.nasa_id} names object class "${code}", which object_classes does not have`);
        count(t, await upsertRow(session, 'space_object_classes', classCols, ['space_object_id', 'class_id'],
          { values: { space_object_id: objectIds.get(rec.nasa_id), class_id: classIds.get(code) }, extra: {} }));
      }
    }
  } else skip('space_object_classes', 'table does not exist');

  const orbitCols = await tableColumns(session, 'orbital_elements');
  if (orbitCols) {
    const t = tally('orbital_elements');
    for (const { file, rec } of bodies) {
      count(t, await upsertRow(session, 'orbital_elements', orbitCols, ['space_object_id'], {
        values: { space_object_id: objectIds.get(rec.nasa_id), semi_major_axis_au: rec.semi_major_axis_au, orbital_period_days: rec.orbital_period_days, source: citations(file, rec).join('; ') },
        extra: {},
      }));
    }
  } else skip('orbital_elements', 'table does not exist (orbits kept in space_objects.metadata)');

  // Missions, their agencies and targets.
  const misCols = await required('missions');
  const missions = tally('missions');
  for (const rec of data.missions.records) {
    const { source: _s, crew, targets, ...fields } = rec;
    const values: Record<string, unknown> = { ...fields, source: citations(data.missions, rec).join('; ') };
    const extra: Record<string, unknown> = {};
    if (crew.length > 0) extra['crew'] = crew;
    if (targets) extra['targets'] = targets;
    count(missions, await upsertRow(session, 'missions', misCols, ['name'], { values, extra }));
  }
  const missionIds = await idsBy(session, 'missions', 'name');

  const partnerCols = await tableColumns(session, 'mission_agencies');
  if (partnerCols && agencyCols) {
    const t = tally('mission_agencies');
    for (const rec of data.missions.records) {
      // "NASA/ESA/ASI": the first agency leads, the others are partners.
      for (const [i, code] of rec.agency.split('/').entries()) {
        if (!agencyIds.has(code)) throw new Error(`mission ${rec.name} names agency ${code}, which agencies.json does not have`);
        count(t, await upsertRow(session, 'mission_agencies', partnerCols, ['mission_id', 'agency_id'],
          { values: { mission_id: missionIds.get(rec.name), agency_id: agencyIds.get(code), role: i === 0 ? 'lead' : 'partner' }, extra: {} }));
      }
    }
  } else skip('mission_agencies', 'table does not exist');

  const targetCols = await tableColumns(session, 'mission_targets');
  if (targetCols) {
    const t = tally('mission_targets');
    for (const rec of data.missions.records) {
      for (const target of rec.targets ?? []) {
        count(t, await upsertRow(session, 'mission_targets', targetCols, ['mission_id', 'space_object_id'],
          { values: { mission_id: missionIds.get(rec.name), space_object_id: objectIds.get(target) }, extra: {} }));
      }
    }
  } else skip('mission_targets', 'table does not exist (targets kept in missions.metadata)');

  // Astronauts and their crew seats.
  const astroCols = await tableColumns(session, 'astronauts');
  if (!astroCols) {
    skip('astronauts', 'table does not exist');
  } else {
    const t = tally('astronauts');
    for (const rec of data.astronauts.records) {
      const { source: _s, achievements, agency, ...fields } = rec;
      const values: Record<string, unknown> = { ...fields, agency, agency_id: agencyIds.get(agency) ?? null, achievements: JSON.stringify(achievements), source: citations(data.astronauts, rec).join('; ') };
      count(t, await upsertRow(session, 'astronauts', astroCols, ['name'], { values, extra: {} }));
    }
    const astronautIds = await idsBy(session, 'astronauts', 'name');
    const crewCols = await tableColumns(session, 'mission_crew');
    if (crewCols) {
      const c = tally('mission_crew');
      for (const rec of data.missions.records) {
        for (const seat of rec.crew) {
          count(c, await upsertRow(session, 'mission_crew', crewCols, ['mission_id', 'astronaut_id'],
            { values: { mission_id: missionIds.get(rec.name), astronaut_id: astronautIds.get(seat.astronaut), role: seat.role }, extra: {} }));
        }
      }
    } else skip('mission_crew', 'table does not exist (crew kept in missions.metadata)');
  }

  // Milestones, keyed by date and title.
  const mileCols = await tableColumns(session, 'milestones');
  if (!mileCols) {
    skip('milestones', 'table does not exist');
  } else {
    const t = tally('milestones');
    const dateColumn = mileCols.has('occurred_on') ? 'occurred_on' : 'event_date';
    for (const rec of data.milestones.records) {
      const { source: _s, mission, event_date, ...fields } = rec;
      const cited = citations(data.milestones, rec);
      const values: Record<string, unknown> = {
        ...fields, [dateColumn]: event_date, mission_id: mission ? missionIds.get(mission) ?? null : null,
        source: cited.join('; '), source_url: firstUrl(cited),
      };
      count(t, await upsertRow(session, 'milestones', mileCols, [dateColumn, 'title'], { values, extra: mission ? { mission } : {} }));
    }
  }
  return out;
}

/** The first http(s) address in a list of citations (for a source_url column). */
function firstUrl(cited: string[]): string | null {
  for (const c of cited) {
    const m = /https?:\/\/\S+/.exec(c);
    if (m) return m[0].replace(/[.,;)]+$/, '');
  }
  return null;
}

/**
 * Empties every sample-data and generated table that exists (TRUNCATE ... RESTART IDENTITY CASCADE, in one
 * transaction), so a following loadSampleData gives the same ids as a first load. CASCADE also empties tables
 * that reference them by foreign key (user favorites of space objects, say): they are listed in the result.
 */
export async function resetSampleData(session: Session, options: SampleDataOptions = {}): Promise<{ truncated: string[] }> {
  const candidates = [...SAMPLE_TABLES, ...OBSERVATION_TABLES, ...API_LOG_TABLES];
  const present: string[] = [];
  for (const t of candidates) if (await tableColumns(session, t)) present.push(t);
  if (present.length === 0) return { truncated: [] };
  // Tables that CASCADE will reach, so the caller can say what was emptied.
  const reached = await session.query<{ t: string }>(
    `WITH RECURSIVE r(oid) AS (
        SELECT to_regclass(x)::oid FROM unnest($1::text[]) AS x
        UNION
        SELECT c.conrelid FROM pg_constraint c JOIN r ON c.confrelid = r.oid WHERE c.contype = 'f')
     SELECT DISTINCT cl.relname::text AS t FROM r JOIN pg_class cl ON cl.oid = r.oid
      WHERE NOT cl.relispartition ORDER BY 1`, [present.map(quoteIdent)]);
  const own = options.ownTransaction !== false;
  if (own) await session.exec('BEGIN');
  try {
    await session.exec(`TRUNCATE ${present.map(quoteIdent).join(', ')} RESTART IDENTITY CASCADE`);
    if (own) await session.exec('COMMIT');
  } catch (err) {
    if (own) await session.exec('ROLLBACK').catch(() => {});
    throw new MigrationError('E_SEED_FAILED', `resetting the sample data failed: ${(err as Error).message}`,
      'nothing was removed; fix the cause above and run --seed --reset again', {}, { cause: err });
  }
  return { truncated: reached.rows.map((r) => r.t) };
}

// ---------- synthetic rows with COPY -----------------------------------------------------

export interface ScaleProgress {
  table: string;
  rows: number;
  total: number;
}

export interface ScaleResult {
  tables: { table: string; rows: number }[];
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** A small fast deterministic generator (mulberry32), so a given N always produces the same rows. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ColumnGenerator = (rnd: () => number, i: number) => string;

const INSTRUMENTS = ['NIRCam', 'MIRI', 'WFC3', 'ACS', 'JunoCam', 'LORRI', 'Mastcam-Z', 'SuperCam', 'OCAMS', 'ISS-NAC'];
const ENDPOINTS = ['/planetary/apod', '/neo/rest/v1/feed', '/neo/rest/v1/neo/browse', '/mars-photos/api/v1/rovers/curiosity/photos',
  '/mars-photos/api/v1/rovers/perseverance/photos', '/EPIC/api/natural', '/DONKI/FLR', '/DONKI/CME', '/insight_weather/', '/techport/api/projects'];
const UPSTREAMS = ['apod', 'neows', 'mars-rover-photos', 'epic', 'donki', '\\N'];
const STATUSES = [200, 200, 200, 200, 200, 200, 200, 304, 304, 404, 429, 500];

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Per-column generators for observations; columns not listed must be nullable or have a default. */
function observationGenerators(objectIds: unknown[], missionIds: unknown[], now: number): Record<string, ColumnGenerator> {
  const year = 365 * 24 * 3600 * 1000;
  return {
    space_object_id: (r) => String(objectIds[Math.floor(r() * objectIds.length)]),
    mission_id: (r) => (missionIds.length === 0 || r() < 0.2 ? '\\N' : String(missionIds[Math.floor(r() * missionIds.length)])),
    instrument: (r) => INSTRUMENTS[Math.floor(r() * INSTRUMENTS.length)]!,
    observed_at: (r) => isoTime(now - Math.floor(r() * year)),
    right_ascension: (r) => (r() * 360).toFixed(5),
    declination: (r) => (r() * 180 - 90).toFixed(5),
    notes: () => 'synthetic observation (generateScale)',
    metadata: (_r, i) => `{"synthetic": true, "seq": ${i}}`,
  };
}

/** API log rows fall in the current month (from its first day, or the last 30 days if longer) so a monthly partition exists. */
function apiLogGenerators(now: number): Record<string, ColumnGenerator> {
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const from = Math.max(monthStart, now - 30 * 24 * 3600 * 1000);
  const span = Math.max(1, now - from);
  const at: ColumnGenerator = (r) => isoTime(from + Math.floor(r() * span));
  return {
    requested_at: at, created_at: at, occurred_at: at, logged_at: at,
    endpoint: (r) => ENDPOINTS[Math.floor(r() * ENDPOINTS.length)]!,
    route: (r) => ENDPOINTS[Math.floor(r() * ENDPOINTS.length)]!,
    path: (r) => ENDPOINTS[Math.floor(r() * ENDPOINTS.length)]!,
    upstream_api: (r) => UPSTREAMS[Math.floor(r() * UPSTREAMS.length)]!,
    method: () => 'GET',
    status_code: (r) => String(STATUSES[Math.floor(r() * STATUSES.length)]),
    status: (r) => String(STATUSES[Math.floor(r() * STATUSES.length)]),
    duration_ms: (r) => String(5 + Math.floor(r() * r() * 2000)),
    response_time_ms: (r) => String(5 + Math.floor(r() * r() * 2000)),
    response_bytes: (r) => String(200 + Math.floor(r() * 500000)),
    cache_hit: (r) => (r() < 0.6 ? 't' : 'f'),
    client_ip: (r) => `10.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`,
    user_agent: () => 'nasa-portal-synthetic/1.0',
    query_params: (r) => `{"page": ${1 + Math.floor(r() * 20)}}`,
    params: (r) => `{"page": ${1 + Math.floor(r() * 20)}}`,
    metadata: (_r, i) => `{"synthetic": true, "seq": ${i}}`,
  };
}

/** Columns COPY will fill: those with a generator; a NOT NULL column without default and without generator is an error. */
function copyColumns(table: string, columns: Map<string, ColumnInfo>, generators: Record<string, ColumnGenerator>): string[] {
  const used = [...columns.values()].filter((c) => !c.readOnly && generators[c.name]).map((c) => c.name);
  const missing = [...columns.values()].filter((c) => c.notNull && !c.hasDefault && !c.readOnly && !generators[c.name]).map((c) => c.name);
  if (missing.length > 0) {
    throw new MigrationError('E_SEED_FAILED', `cannot generate rows for ${table}: no generator for required column(s) ${missing.join(', ')}`,
      'give the column a default, or add a generator for it in src/core/sample-data.ts');
  }
  return used;
}

const BATCH_ROWS = 50000;
const CHUNK_ROWS = 2000;

function* lines(columns: string[], generators: Record<string, ColumnGenerator>, rnd: () => number, first: number, count: number): Generator<string> {
  const gens = columns.map((c) => generators[c]!);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const seq = first + i;
    let line = gens[0]!(rnd, seq);
    for (let g = 1; g < gens.length; g++) line += `\t${gens[g]!(rnd, seq)}`;
    chunk += `${line}\n`;
    if ((i + 1) % CHUNK_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function pickTable(session: Session, names: string[]): Promise<{ table: string; columns: Map<string, ColumnInfo> } | null> {
  for (const t of names) {
    const columns = await tableColumns(session, t);
    if (columns) return { table: t, columns };
  }
  return null;
}

/**
 * Appends `n` synthetic observations (of the loaded space objects and missions) and `n` synthetic API request
 * log rows, with COPY in batches of 50,000 inside one transaction. Rows are deterministic for a given `n`
 * (seeded generator) except their timestamps, which are relative to now. Load the sample data first.
 */
export async function generateScale(session: Session, n: number, onProgress?: (p: ScaleProgress) => void, options: SampleDataOptions = {}): Promise<ScaleResult> {
  if (!Number.isInteger(n) || n < 0) {
    throw new MigrationError('E_USAGE', `--scale needs a whole number of rows, got ${n}`, 'pass a positive integer, e.g. --seed --scale 100000');
  }
  if (!session.copyFrom) {
    throw new MigrationError('E_USAGE', 'this database backend does not support COPY', 'use PostgreSQL or PGlite');
  }
  const obs = await pickTable(session, OBSERVATION_TABLES);
  const logs = await pickTable(session, API_LOG_TABLES);
  if (!obs || !logs) {
    throw new MigrationError('E_SEED_FAILED', `--scale needs the tables ${!obs ? OBSERVATION_TABLES.join(' or ') : ''}${!obs && !logs ? ' and ' : ''}${!logs ? API_LOG_TABLES.join(' or ') : ''}, which do not exist`,
      'apply the example project\'s migrations first (--up)');
  }
  const objectIds = (await session.query<{ id: unknown }>('SELECT id FROM space_objects ORDER BY id')).rows.map((r) => r.id);
  const missionIds = (await session.query<{ id: unknown }>('SELECT id FROM missions ORDER BY id')).rows.map((r) => r.id);
  if (objectIds.length === 0) {
    throw new MigrationError('E_SEED_FAILED', 'there are no space objects for synthetic observations to refer to', 'load the sample data first (--seed), then add --scale');
  }
  const now = Date.now();
  const plan = [
    { ...obs, generators: observationGenerators(objectIds, missionIds, now), seed: 0x5eed0001 ^ n },
    { ...logs, generators: apiLogGenerators(now), seed: 0x5eed0002 ^ n },
  ];
  const own = options.ownTransaction !== false;
  const t0 = performance.now();
  const tables: ScaleResult['tables'] = [];
  if (own) await session.exec('BEGIN');
  try {
    for (const p of plan) {
      const columns = copyColumns(p.table, p.columns, p.generators);
      const target = `${quoteIdent(p.table)} (${columns.map(quoteIdent).join(', ')})`;
      const rnd = random(p.seed);
      let done = 0;
      while (done < n) {
        const count = Math.min(BATCH_ROWS, n - done);
        done += await session.copyFrom(target, lines(columns, p.generators, rnd, done, count));
        onProgress?.({ table: p.table, rows: done, total: n });
      }
      tables.push({ table: p.table, rows: done });
    }
    if (own) await session.exec('COMMIT');
  } catch (err) {
    if (own) await session.exec('ROLLBACK').catch(() => {});
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('E_SEED_FAILED', `generating synthetic rows failed: ${(err as Error).message}`,
      'nothing was added (the generator runs in one transaction); for a partitioned log table, make sure a partition for the current month (or a default partition) exists',
      {}, { cause: err });
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = tables.reduce((s, t) => s + t.rows, 0);
  return { tables, rows, seconds, rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : rows };
}
