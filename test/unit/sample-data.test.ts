import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSampleData, sampleDataDates, type BodyRecord, type SampleDataFile } from '../../src/core/sample-data';

const DATA_DIR = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal', 'data');
const data = readSampleData(DATA_DIR);
const files = Object.entries(data) as [string, SampleDataFile][];
const bodies: BodyRecord[] = [...data.planets.records, ...data.dwarfPlanets.records, ...data.smallBodies.records];
const DATE = /^\d{4}-\d\d-\d\d$/;

function validDate(d: string): boolean {
  return DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
}

describe('sample data files', () => {
  it('every record cites at least one source that its file defines, and every source is cited', () => {
    for (const [name, file] of files) {
      assert.ok(file.records.length > 0, name);
      for (const r of file.records) {
        assert.ok(r.source.length > 0 && r.source.every((s) => s in file.sources), `${name}: ${JSON.stringify(r).slice(0, 80)}`);
      }
      const cited = new Set(file.records.flatMap((r) => r.source));
      assert.deepEqual(Object.keys(file.sources).filter((s) => !cited.has(s)), [], `${name} defines sources nobody cites`);
    }
  });

  it('holds the 8 planets in order and the 5 IAU dwarf planets', () => {
    assert.deepEqual(data.planets.records.map((p) => p.name), ['Mercury', 'Venus', 'Earth', 'Mars', 'Jupiter', 'Saturn', 'Uranus', 'Neptune']);
    assert.deepEqual(data.dwarfPlanets.records.map((p) => p.name).sort(), ['Ceres', 'Eris', 'Haumea', 'Makemake', 'Pluto']);
    const axes = data.planets.records.map((p) => p.semi_major_axis_au);
    assert.deepEqual(axes, [...axes].sort((a, b) => a - b), 'semi-major axes increase outwards');
    const periods = data.planets.records.map((p) => p.orbital_period_days);
    assert.deepEqual(periods, [...periods].sort((a, b) => a - b), 'periods increase outwards');
  });

  it("every orbit follows Kepler's third law (P² = a³ for the Sun) within 2%", () => {
    for (const b of bodies) {
      const years = b.orbital_period_days / 365.25;
      const predicted = Math.pow(b.semi_major_axis_au, 1.5);
      assert.ok(Math.abs(years / predicted - 1) < 0.02, `${b.name}: ${years.toFixed(3)} yr vs a^1.5 = ${predicted.toFixed(3)} yr`);
    }
  });

  it('physical values are in sane ranges and mass and radius imply a plausible density', () => {
    const ids = new Set<string>();
    for (const b of bodies) {
      assert.ok(!ids.has(b.nasa_id), `duplicate ${b.nasa_id}`);
      ids.add(b.nasa_id);
      if (b.mass_kg !== null) assert.ok(b.mass_kg > 1e9 && b.mass_kg < 2e27, `${b.name} mass ${b.mass_kg}`);
      if (b.mean_radius_km !== null) assert.ok(b.mean_radius_km > 0.05 && b.mean_radius_km < 70000, `${b.name} radius ${b.mean_radius_km}`);
      if (b.mass_kg !== null && b.mean_radius_km !== null) {
        const density = b.mass_kg / ((4 / 3) * Math.PI * Math.pow(b.mean_radius_km * 1000, 3)); // kg/m³
        assert.ok(density > 300 && density < 6000, `${b.name} density ${density.toFixed(0)} kg/m³`);
      }
      if (b.discovery_date !== null) assert.ok(validDate(b.discovery_date) && b.discovered_by, `${b.name} discovery`);
    }
    const earth = data.planets.records.find((p) => p.name === 'Earth')!;
    assert.ok(Math.abs(earth.orbital_period_days - 365.256) < 0.01 && Math.abs(earth.semi_major_axis_au - 1) < 0.001);
  });

  it('missions have valid statuses and dates, and their crews and targets exist', () => {
    const astronauts = new Set(data.astronauts.records.map((a) => a.name));
    const objects = new Set(bodies.map((b) => b.nasa_id));
    const agencies = new Set(data.agencies.records.map((a) => a.code));
    const names = new Set<string>();
    for (const m of data.missions.records) {
      assert.ok(!names.has(m.name), `duplicate mission ${m.name}`);
      names.add(m.name);
      assert.ok(['planned', 'active', 'completed', 'lost'].includes(m.status), m.name);
      if (m.launch_date) assert.ok(validDate(m.launch_date), `${m.name} launch ${m.launch_date}`);
      if (m.end_date) assert.ok(validDate(m.end_date) && m.launch_date && m.end_date >= m.launch_date, `${m.name} end ${m.end_date}`);
      if (m.status === 'planned') assert.equal(m.end_date, null, m.name);
      if (m.status === 'completed') assert.ok(m.end_date, `${m.name} is completed but has no end date`);
      assert.equal(m.crewed, m.crew.length > 0 || m.name === 'Apollo 8', `${m.name}: crewed flag and crew list disagree`);
      for (const seat of m.crew) assert.ok(astronauts.has(seat.astronaut), `${m.name} crew ${seat.astronaut}`);
      for (const t of m.targets ?? []) assert.ok(objects.has(t), `${m.name} target ${t}`);
      for (const a of m.agency.split('/')) assert.ok(agencies.has(a), `${m.name} agency ${a}`);
    }
    for (const a of data.astronauts.records) {
      assert.ok(agencies.has(a.agency), a.name);
      assert.ok(validDate(a.birth_date) && (a.death_date === null || (validDate(a.death_date) && a.death_date > a.birth_date)), a.name);
      for (const x of a.achievements) assert.ok(validDate(x.date) && x.date > a.birth_date && x.text.length > 0, `${a.name} ${x.date}`);
    }
  });

  it('milestones are dated, unique, in order, and name missions that exist', () => {
    const missions = new Set(data.missions.records.map((m) => m.name));
    const dates = data.milestones.records.map((m) => m.event_date);
    assert.ok(dates.every(validDate));
    assert.deepEqual(dates, [...dates].sort());
    assert.equal(new Set(data.milestones.records.map((m) => `${m.event_date} ${m.title}`)).size, dates.length);
    for (const m of data.milestones.records) if (m.mission) assert.ok(missions.has(m.mission), `${m.title}: ${m.mission}`);
    const apollo11 = data.missions.records.find((m) => m.name === 'Apollo 11')!;
    assert.ok(dates.includes('1969-07-20') && apollo11.launch_date === '1969-07-16');
  });

  it('spacecraft name missions that exist, with designators and kinds the schema accepts', () => {
    const missions = new Set(data.missions.records.map((m) => m.name));
    const kinds = ['orbiter', 'lander', 'rover', 'flyby', 'telescope', 'crew-vehicle', 'probe', 'helicopter', 'sample-return', 'space-station'];
    const instrumentKinds = ['camera', 'spectrometer', 'magnetometer', 'radar', 'particle-detector', 'radiometer', 'telescope', 'seismometer', 'drill', 'other'];
    const cospar = new Set<string>();
    for (const s of data.spacecraft.records) {
      assert.ok(missions.has(s.mission), `${s.name}: mission ${s.mission}`);
      assert.ok(kinds.includes(s.kind) && ['planned', 'operational', 'retired', 'lost'].includes(s.status), s.name);
      if (s.cospar_id !== null) {
        assert.match(s.cospar_id, /^[0-9]{4}-[0-9]{3}[A-Z]{1,3}$/, s.name);
        assert.ok(!cospar.has(s.cospar_id), `duplicate ${s.cospar_id}`);
        cospar.add(s.cospar_id);
        const launch = data.missions.records.find((m) => m.name === s.mission)!.launch_date;
        assert.equal(s.cospar_id.slice(0, 4), launch?.slice(0, 4), `${s.name}: designator year is the launch year`);
      }
      for (const i of s.instruments) assert.ok(instrumentKinds.includes(i.kind), `${s.name} ${i.name}`);
    }
  });

  it('every data file says when it was last checked (as_of), and data older than a year is stale', () => {
    for (const [name, file] of files) assert.match(String(file.as_of), /^\d{4}-\d{2}(-\d{2})?$/, `${name} has no as_of`);
    const at = (iso: string) => sampleDataDates(data, new Date(iso));
    assert.ok(at('2025-06-01T00:00:00Z').every((f) => !f.stale));
    assert.ok(at('2026-01-31T23:59:59Z').every((f) => !f.stale), 'YYYY-MM covers the whole month: a year after its end');
    assert.ok(at('2026-02-01T00:00:01Z').every((f) => f.stale));
    assert.equal(at('2026-02-01T00:00:01Z').length, files.length);
  });

  it('a data file with an as_of that is no date is refused, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-asof-'));
    try {
      for (const f of fs.readdirSync(DATA_DIR)) fs.copyFileSync(path.join(DATA_DIR, f), path.join(dir, f));
      const missions = JSON.parse(fs.readFileSync(path.join(dir, 'missions.json'), 'utf8')) as SampleDataFile;
      fs.writeFileSync(path.join(dir, 'missions.json'), JSON.stringify({ ...missions, as_of: '2025-02-30' }));
      assert.throws(() => readSampleData(dir), /missions\.json has "as_of": "2025-02-30", which is not a date/);
      fs.writeFileSync(path.join(dir, 'missions.json'), JSON.stringify({ ...missions, as_of: undefined }));
      const undated = sampleDataDates(readSampleData(dir), new Date('2025-02-01T00:00:00Z')).find((f) => f.file === 'missions.json');
      assert.deepEqual(undated, { file: 'missions.json', asOf: null, stale: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
