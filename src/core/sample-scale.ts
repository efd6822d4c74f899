/**
 * Synthetic rows with COPY for performance work (--seed --scale N): for the tables the config names
 * ("seed.scale", see scale-plan.ts), else the example project's observations and API log.
 */
import type { ScaleConfig } from './config';
import type { Session } from './db/database';
import { withTransaction } from './db/transaction';
import { MigrationError } from './errors';
import { API_LOG_TABLES, OBSERVATION_TABLES, quoteIdent, tableColumns, type ColumnInfo, type SampleDataOptions } from './sample-tables';
import { random } from './scale-generators';
import { planScale } from './scale-plan';

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
    throw new MigrationError('E_USAGE', `--scale needs the tables ${!obs ? OBSERVATION_TABLES.join(' or ') : ''}${!obs && !logs ? ' and ' : ''}${!logs ? API_LOG_TABLES.join(' or ') : ''}, which do not exist`,
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
  const t0 = performance.now();
  const tables: ScaleResult['tables'] = [];
  const copyAll = async () => {
    for (const p of plan) {
      const columns = copyColumns(p.table, p.columns, p.generators);
      const target = `${quoteIdent(p.table)} (${columns.map(quoteIdent).join(', ')})`;
      const rnd = random(p.seed);
      let done = 0;
      while (done < n) {
        const count = Math.min(BATCH_ROWS, n - done);
        done += await session.copyFrom!(target, lines(columns, p.generators, rnd, done, count));
        onProgress?.({ table: p.table, rows: done, total: n });
      }
      tables.push({ table: p.table, rows: done });
    }
  };
  try {
    await withTransaction(session, copyAll, { own: options.ownTransaction !== false });
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('E_SEED_FAILED', `generating synthetic rows failed: ${(err as Error).message}`,
      'nothing was added (the generator runs in one transaction); for a partitioned log table, make sure a partition for the current month (or a default partition) exists',
      {}, { cause: err });
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = tables.reduce((s, t) => s + t.rows, 0);
  return { tables, rows, seconds, rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : rows };
}

/** Rows of one table as COPY text chunks, reporting progress as each chunk is handed to COPY. */
function* configuredLines(generators: ((row: number) => string)[], first: number, end: number, progress: (done: number) => void): Generator<string> {
  let chunk = '';
  for (let i = first; i < end; i++) {
    let line = generators[0]!(i);
    for (let g = 1; g < generators.length; g++) line += `\t${generators[g]!(i)}`;
    chunk += `${line}\n`;
    if ((i + 1) % CHUNK_ROWS === 0) {
      yield chunk;
      chunk = '';
      progress(i + 1);
    }
  }
  if (chunk) {
    yield chunk;
    progress(end);
  }
}

/**
 * Appends synthetic rows to every table of the config's "seed.scale.tables" (rows: N × perScale, or a fixed
 * "rows"), referenced tables first, with COPY inside one transaction. `file` is the config file, for messages.
 */
export async function generateConfiguredScale(session: Session, n: number, config: ScaleConfig, file: string | null,
  onProgress?: (p: ScaleProgress) => void, options: SampleDataOptions = {}): Promise<ScaleResult> {
  if (!Number.isInteger(n) || n < 0) {
    throw new MigrationError('E_USAGE', `--scale needs a whole number, got ${n}`, 'pass a positive integer, e.g. --seed --scale 100000');
  }
  if (!session.copyFrom) throw new MigrationError('E_USAGE', 'this database backend does not support COPY', 'use PostgreSQL or PGlite');
  const t0 = performance.now();
  const tables: ScaleResult['tables'] = [];
  let current = '';
  try {
    await withTransaction(session, () => planScale(session, config, n, file, async (plan) => {
      current = plan.table.name;
      if (plan.rows === 0) return void tables.push({ table: plan.table.name, rows: 0 });
      if (plan.columns.length === 0) {
        throw new MigrationError('E_USAGE', `--scale: every column of ${plan.table.name} is left to its default, and COPY needs at least one`,
          `name a column with a generator under seed.scale.tables.${plan.table.name}.columns`);
      }
      const target = `${plan.table.qualified} (${plan.columns.map(quoteIdent).join(', ')})`;
      const report = (done: number) => onProgress?.({ table: plan.table.name, rows: done, total: plan.rows });
      let done = 0;
      // Batches: PGlite buffers each COPY's input, and progress then follows the rows actually written.
      while (done < plan.rows) {
        const end = Math.min(plan.rows, done + BATCH_ROWS);
        done += await session.copyFrom!(target, configuredLines(plan.generators, done, end, report));
      }
      tables.push({ table: plan.table.name, rows: done });
    }), { own: options.ownTransaction !== false });
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('E_SEED_FAILED', `generating synthetic rows for ${current} failed: ${(err as Error).message}`,
      `nothing was added (the generator runs in one transaction); give the column the error names a generator under seed.scale.tables.${current}.columns in database-migration.config.json (a CHECK or a unique index may need one that fits it)`,
      {}, { cause: err });
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = tables.reduce((s, t) => s + t.rows, 0);
  return { tables, rows, seconds, rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : rows };
}
