/**
 * Loading the sample data set into the example schema: one loader per group of tables (agencies; space objects
 * with their classes and orbits; missions with their agencies and targets; astronauts and crews; milestones),
 * each upserting on natural keys and reporting what it did per table.
 */
import type { Session } from './db/database';
import type { SampleData } from './sample-data';
import { citations, idsBy, tableColumns, upsertRow, type ColumnInfo, type LoadedTable } from './sample-tables';

/** Per-table tallies of one load, and the ids later groups look up. */
class Load {
  readonly tables: LoadedTable[] = [];
  agencyIds = new Map<string, unknown>();
  objectIds = new Map<string, unknown>();
  missionIds = new Map<string, unknown>();
  hasAgencies = false;

  constructor(readonly session: Session, readonly data: SampleData) {}

  tally(table: string): (result: 'inserted' | 'updated' | 'unchanged') => void {
    const t: LoadedTable = { table, rows: 0, inserted: 0, updated: 0 };
    this.tables.push(t);
    return (r) => {
      t.rows++;
      if (r === 'inserted') t.inserted++;
      if (r === 'updated') t.updated++;
    };
  }

  skip(table: string, why: string): void {
    this.tables.push({ table, rows: 0, inserted: 0, updated: 0, skipped: why });
  }

  columns(table: string): Promise<Map<string, ColumnInfo> | null> {
    return tableColumns(this.session, table);
  }

  async required(table: string): Promise<Map<string, ColumnInfo>> {
    const cols = await this.columns(table);
    if (!cols) throw new Error(`table ${table} does not exist`);
    return cols;
  }

  upsert(table: string, cols: Map<string, ColumnInfo>, key: string[], values: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return upsertRow(this.session, table, cols, key, { values, extra });
  }

  bodies() {
    const d = this.data;
    return [d.planets, d.dwarfPlanets, d.smallBodies].flatMap((file) => file.records.map((rec) => ({ file, rec })));
  }
}

/** Agencies (missions and astronauts refer to them by code). */
async function loadAgencies(load: Load): Promise<void> {
  const cols = await load.columns('agencies');
  if (!cols) return load.skip('agencies', 'table does not exist');
  load.hasAgencies = true;
  const count = load.tally('agencies');
  for (const rec of load.data.agencies.records) {
    const { source: _s, ...fields } = rec;
    count(await load.upsert('agencies', cols, ['code'], { ...fields, source: citations(load.data.agencies, rec).join('; ') }));
  }
  load.agencyIds = await idsBy(load.session, 'agencies', 'code');
}

/** Space objects: planets, dwarf planets, asteroids and comets. Figures without a typed column go to metadata. */
async function loadBodies(load: Load): Promise<void> {
  const cols = await load.required('space_objects');
  const count = load.tally('space_objects');
  for (const { file, rec } of load.bodies()) {
    const { source: _s, classes: _c, nasa_id, name, object_type, description, ...figures } = rec;
    count(await load.upsert('space_objects', cols, ['nasa_id'], { nasa_id, name, object_type, description, ...figures, source: citations(file, rec).join('; ') }));
  }
  load.objectIds = await idsBy(load.session, 'space_objects', 'nasa_id');
  await loadObjectClasses(load);
  await loadOrbits(load);
}

async function loadObjectClasses(load: Load): Promise<void> {
  const cols = await load.columns('space_object_classes');
  if (!cols) return load.skip('space_object_classes', 'table does not exist');
  const classIds = await idsBy(load.session, 'object_classes', 'code');
  const count = load.tally('space_object_classes');
  for (const { rec } of load.bodies()) {
    for (const code of [rec.object_type, ...rec.classes]) {
      if (!classIds.has(code)) throw new Error(`${rec.nasa_id} names object class "${code}", which object_classes does not have`);
      count(await load.upsert('space_object_classes', cols, ['space_object_id', 'class_id'],
        { space_object_id: load.objectIds.get(rec.nasa_id), class_id: classIds.get(code) }));
    }
  }
}

async function loadOrbits(load: Load): Promise<void> {
  const cols = await load.columns('orbital_elements');
  if (!cols) return load.skip('orbital_elements', 'table does not exist (orbits kept in space_objects.metadata)');
  const count = load.tally('orbital_elements');
  for (const { file, rec } of load.bodies()) {
    count(await load.upsert('orbital_elements', cols, ['space_object_id'], {
      space_object_id: load.objectIds.get(rec.nasa_id), semi_major_axis_au: rec.semi_major_axis_au,
      orbital_period_days: rec.orbital_period_days, source: citations(file, rec).join('; '),
    }));
  }
}

/** Missions, their agencies and targets. */
async function loadMissions(load: Load): Promise<void> {
  const cols = await load.required('missions');
  const count = load.tally('missions');
  for (const rec of load.data.missions.records) {
    const { source: _s, crew, targets, ...fields } = rec;
    const extra: Record<string, unknown> = {};
    if (crew.length > 0) extra['crew'] = crew;
    if (targets) extra['targets'] = targets;
    count(await load.upsert('missions', cols, ['name'], { ...fields, source: citations(load.data.missions, rec).join('; ') }, extra));
  }
  load.missionIds = await idsBy(load.session, 'missions', 'name');
  await loadMissionAgencies(load);
  await loadMissionTargets(load);
}

async function loadMissionAgencies(load: Load): Promise<void> {
  const cols = await load.columns('mission_agencies');
  if (!cols || !load.hasAgencies) return load.skip('mission_agencies', 'table does not exist');
  const count = load.tally('mission_agencies');
  for (const rec of load.data.missions.records) {
    // "NASA/ESA/ASI": the first agency leads, the others are partners.
    for (const [i, code] of rec.agency.split('/').entries()) {
      if (!load.agencyIds.has(code)) throw new Error(`mission ${rec.name} names agency ${code}, which agencies.json does not have`);
      count(await load.upsert('mission_agencies', cols, ['mission_id', 'agency_id'],
        { mission_id: load.missionIds.get(rec.name), agency_id: load.agencyIds.get(code), role: i === 0 ? 'lead' : 'partner' }));
    }
  }
}

async function loadMissionTargets(load: Load): Promise<void> {
  const cols = await load.columns('mission_targets');
  if (!cols) return load.skip('mission_targets', 'table does not exist (targets kept in missions.metadata)');
  const count = load.tally('mission_targets');
  for (const rec of load.data.missions.records) {
    for (const target of rec.targets ?? []) {
      count(await load.upsert('mission_targets', cols, ['mission_id', 'space_object_id'],
        { mission_id: load.missionIds.get(rec.name), space_object_id: load.objectIds.get(target) }));
    }
  }
}

/** Astronauts and their crew seats. */
async function loadAstronauts(load: Load): Promise<void> {
  const cols = await load.columns('astronauts');
  if (!cols) return load.skip('astronauts', 'table does not exist');
  const count = load.tally('astronauts');
  for (const rec of load.data.astronauts.records) {
    const { source: _s, achievements, agency, ...fields } = rec;
    count(await load.upsert('astronauts', cols, ['name'], {
      ...fields, agency, agency_id: load.agencyIds.get(agency) ?? null, achievements: JSON.stringify(achievements),
      source: citations(load.data.astronauts, rec).join('; '),
    }));
  }
  const astronautIds = await idsBy(load.session, 'astronauts', 'name');
  const crewCols = await load.columns('mission_crew');
  if (!crewCols) return load.skip('mission_crew', 'table does not exist (crew kept in missions.metadata)');
  const seats = load.tally('mission_crew');
  for (const rec of load.data.missions.records) {
    for (const seat of rec.crew) {
      seats(await load.upsert('mission_crew', crewCols, ['mission_id', 'astronaut_id'],
        { mission_id: load.missionIds.get(rec.name), astronaut_id: astronautIds.get(seat.astronaut), role: seat.role }));
    }
  }
}

/** Spacecraft of the missions, keyed by (mission, name), and their instruments, keyed by (spacecraft, name). */
async function loadSpacecraft(load: Load): Promise<void> {
  const file = load.data.spacecraft;
  const cols = await load.columns('spacecraft');
  if (!cols) return load.skip('spacecraft', 'table does not exist');
  const count = load.tally('spacecraft');
  for (const rec of file.records) {
    const { source: _s, mission, instruments: _i, ...fields } = rec;
    if (!load.missionIds.has(mission)) throw new Error(`spacecraft ${rec.name} names mission ${mission}, which missions.json does not have`);
    count(await load.upsert('spacecraft', cols, ['mission_id', 'name'],
      { ...fields, mission_id: load.missionIds.get(mission), source: citations(file, rec).join('; ') }));
  }
  const instrumentCols = await load.columns('instruments');
  if (!instrumentCols) return load.skip('instruments', 'table does not exist');
  const ids = await load.session.query<{ mission_id: unknown; name: string; id: unknown }>('SELECT mission_id, name, id FROM spacecraft');
  const idOf = new Map(ids.rows.map((r) => [`${String(r.mission_id)}\u0000${r.name}`, r.id]));
  const instruments = load.tally('instruments');
  for (const rec of file.records) {
    const spacecraftId = idOf.get(`${String(load.missionIds.get(rec.mission))}\u0000${rec.name}`);
    for (const instrument of rec.instruments) {
      instruments(await load.upsert('instruments', instrumentCols, ['spacecraft_id', 'name'],
        { ...instrument, spacecraft_id: spacecraftId, source: citations(file, rec).join('; ') }));
    }
  }
}

/** Milestones, keyed by date and title. */
async function loadMilestones(load: Load): Promise<void> {
  const cols = await load.columns('milestones');
  if (!cols) return load.skip('milestones', 'table does not exist');
  const count = load.tally('milestones');
  const dateColumn = cols.has('occurred_on') ? 'occurred_on' : 'event_date';
  for (const rec of load.data.milestones.records) {
    const { source: _s, mission, event_date, ...fields } = rec;
    const cited = citations(load.data.milestones, rec);
    count(await load.upsert('milestones', cols, [dateColumn, 'title'], {
      ...fields, [dateColumn]: event_date, mission_id: mission ? load.missionIds.get(mission) ?? null : null,
      source: cited.join('; '), source_url: firstUrl(cited),
    }, mission ? { mission } : {}));
  }
}

/** The first http(s) address in a list of citations (for a source_url column). */
function firstUrl(cited: string[]): string | null {
  for (const c of cited) {
    const m = /https?:\/\/\S+/.exec(c);
    if (m) return m[0].replace(/[.,;)]+$/, '');
  }
  return null;
}

/** Loads every group in dependency order (parents before children); one entry per table. */
export async function loadInto(session: Session, data: SampleData): Promise<LoadedTable[]> {
  const load = new Load(session, data);
  await loadAgencies(load);
  await loadBodies(load);
  await loadMissions(load);
  await loadAstronauts(load);
  await loadSpacecraft(load);
  await loadMilestones(load);
  return load.tables;
}
