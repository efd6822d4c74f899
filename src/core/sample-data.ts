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
import { withTransaction } from './db/transaction';
import { MigrationError } from './errors';
import { loadInto } from './sample-load';
import { API_LOG_TABLES, OBSERVATION_TABLES, quoteIdent, SAMPLE_TABLES, tableColumns, type LoadedTable, type SampleDataOptions } from './sample-tables';

export { API_LOG_TABLES, OBSERVATION_TABLES, SAMPLE_TABLES, type LoadedTable, type SampleDataOptions } from './sample-tables';
export { generateScale, type ScaleProgress, type ScaleResult } from './sample-scale';

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

export interface SpacecraftRecord extends SampleRecord {
  mission: string;
  name: string;
  kind: string;
  status: string;
  cospar_id: string | null;
  launch_mass_kg: number | null;
  instruments: { name: string; kind: string; description: string | null }[];
}

export interface SampleData {
  agencies: SampleDataFile<AgencyRecord>;
  planets: SampleDataFile<BodyRecord>;
  dwarfPlanets: SampleDataFile<BodyRecord>;
  smallBodies: SampleDataFile<BodyRecord>;
  missions: SampleDataFile<MissionRecord>;
  astronauts: SampleDataFile<AstronautRecord>;
  milestones: SampleDataFile<MilestoneRecord>;
  spacecraft: SampleDataFile<SpacecraftRecord>;
}

const FILES: Record<keyof SampleData, string> = {
  agencies: 'agencies.json',
  planets: 'planets.json',
  dwarfPlanets: 'dwarf-planets.json',
  smallBodies: 'small-bodies.json',
  missions: 'missions.json',
  astronauts: 'astronauts.json',
  milestones: 'milestones.json',
  spacecraft: 'spacecraft.json',
};

/** Files added after the first data set: a data directory copied from an older example may lack them (nothing to load). */
const OPTIONAL = new Set<keyof SampleData>(['spacecraft']);

/** Reads and checks every data file in `dataDir`; a record citing an unknown source is an error naming the file. */
export function readSampleData(dataDir: string): SampleData {
  const out: Partial<Record<keyof SampleData, SampleDataFile>> = {};
  for (const [key, name] of Object.entries(FILES) as [keyof SampleData, string][]) {
    const file = path.join(dataDir, name);
    if (OPTIONAL.has(key) && !fs.existsSync(file)) {
      out[key] = { description: '', sources: {}, records: [] };
      continue;
    }
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
    if (parsed.as_of !== undefined && !(typeof parsed.as_of === 'string' && AS_OF.test(parsed.as_of) && !Number.isNaN(asOfEnd(parsed.as_of)))) {
      throw new MigrationError('E_SEED_FAILED', `sample data file ${file} has "as_of": ${JSON.stringify(parsed.as_of)}, which is not a date`,
        'give "as_of" as YYYY-MM or YYYY-MM-DD: when the records were last checked against their sources', { file });
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

const AS_OF = /^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/;

/** The last moment an "as_of" date covers: the end of its day, or of its month for YYYY-MM (the data was checked within it). */
function asOfEnd(asOf: string): number {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number | undefined];
  const end = d === undefined ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, d + 1);
  if (d !== undefined && new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return Number.NaN;
  return end - 1;
}

/** Sample data older than this warns at --seed: agencies publish status changes (launches, ends of missions, deaths) within a year. */
export const STALE_AFTER_DAYS = 365;

/** When one data file's records were last checked ("as_of"), and whether that is more than a year before `now`. */
export interface DataFileDate {
  file: string;
  asOf: string | null;
  stale: boolean;
}

/** The "as_of" of every data file that has records; a file without one counts as stale (nobody says when it was checked). */
export function sampleDataDates(data: SampleData, now: Date = new Date()): DataFileDate[] {
  const out: DataFileDate[] = [];
  for (const [key, name] of Object.entries(FILES) as [keyof SampleData, string][]) {
    const file = data[key];
    if (file.records.length === 0) continue;
    const asOf = file.as_of ?? null;
    out.push({ file: name, asOf, stale: asOf === null || now.getTime() - asOfEnd(asOf) > STALE_AFTER_DAYS * 86400000 });
  }
  return out;
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

/**
 * Loads every data file in `dataDir` into the example schema, in one transaction, upserting on natural keys:
 * agencies.code, space_objects.nasa_id, missions.name, astronauts.name, milestones (occurred_on, title),
 * orbital_elements.space_object_id, and the link tables on their two ids (space_object_classes,
 * mission_agencies, mission_targets, mission_crew). Tables the schema lacks are skipped (reported).
 * Running it twice leaves the same rows (same ids, same values). Returns one entry per table.
 */
export async function loadSampleData(session: Session, dataDir: string | SampleData, options: SampleDataOptions = {}): Promise<LoadedTable[]> {
  const data = typeof dataDir === 'string' ? readSampleData(dataDir) : dataDir;
  try {
    return await withTransaction(session, () => loadInto(session, data), { own: options.ownTransaction !== false });
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('E_SEED_FAILED', `loading the sample data failed: ${(err as Error).message}`,
      'nothing was loaded (the load runs in one transaction); check that the example migrations are applied (--up) and that the tables have the columns the seeder expects (see src/core/sample-data.ts)',
      {}, { cause: err });
  }
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
  try {
    await withTransaction(session, () => session.exec(`TRUNCATE ${present.map(quoteIdent).join(', ')} RESTART IDENTITY CASCADE`),
      { own: options.ownTransaction !== false });
  } catch (err) {
    throw new MigrationError('E_SEED_FAILED', `resetting the sample data failed: ${(err as Error).message}`,
      'nothing was removed; fix the cause above and run --seed --reset again', {}, { cause: err });
  }
  return { truncated: reached.rows.map((r) => r.t) };
}
