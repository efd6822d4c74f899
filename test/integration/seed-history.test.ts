/**
 * Issue 17, the Seeds view's facts on a real embedded database (PGlite, the example project): each seed's last run
 * (never run / ran / modified since) from the seeds history, the sample data set's last load from the log, one
 * seed file run on its own (core's seed({ file }), the CLI's --seed FILE); and the engine awaiting its listener after
 * "migration-start" (afterMigrationStart) so the editor's progress message is out before PGlite blocks.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectProject, MigrationEngine, openProject, type EngineEvent } from '../../src/core/engine';
import { isMigrationError } from '../../src/core/errors';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');

function copyExample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-seed-history-'));
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[\\/]\.migrations$/.test(src) });
  return dir;
}

function open(dir: string, options: { onEvent?: (e: EngineEvent) => void; afterMigrationStart?: () => Promise<void> } = {}): MigrationEngine {
  const project = openProject({ cwd: dir, processEnv: {} });
  return new MigrationEngine(project, connectProject(project), options);
}

describe('seeds history: last run, modified since, one seed file (PGlite)', function () {
  this.timeout(240000);
  let dir: string;
  let engine: MigrationEngine;

  before(() => {
    dir = copyExample();
    engine = open(dir);
  });
  after(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on a new database every seed is "never-run" and the sample data was never loaded; its as_of dates come from the files', async () => {
    const h = await engine.seedHistory();
    assert.deepEqual(h.seeds.map((s) => [s.name, s.state]), [['001_synthetic_users.sql', 'never-run'], ['002_synthetic_api_cache.sql', 'never-run']]);
    assert.equal(h.sampleData?.dir, 'data');
    assert.equal(h.sampleData?.lastLoaded, null);
    assert.ok(h.sampleData!.files.length >= 5, 'every data file with records is listed');
    for (const f of h.sampleData!.files) assert.match(f.asOf ?? '', /^\d{4}-\d{2}/, `${f.file} has an as_of date`);
  });

  it('seed({ file }) runs only that file, records it, and leaves the others never run', async () => {
    await engine.up({ noBackup: true });
    const run = await engine.seed({ file: '001_synthetic_users' });
    assert.deepEqual(run.seeds.map((s) => s.name), ['001_synthetic_users.sql']);
    assert.equal(run.sampleData, null, 'no sample data with one file');
    const h = await engine.seedHistory();
    assert.deepEqual(h.seeds.map((s) => [s.name, s.state, s.last?.environment ?? null]),
      [['001_synthetic_users.sql', 'ran', 'development'], ['002_synthetic_api_cache.sql', 'never-run', null]]);
    assert.ok(Date.now() - h.seeds[0]!.last!.appliedAt.getTime() < 120000, 'the last run is now');
    assert.equal(h.sampleData?.lastLoaded, null, 'one seed file does not load the sample data');
  });

  it('an edited seed file is "modified" since its last run; a full seed records the sample data load', async () => {
    fs.appendFileSync(path.join(dir, 'seeds', '001_synthetic_users.sql'), '\nSELECT 1;\n');
    let h = await engine.seedHistory();
    assert.equal(h.seeds[0]!.state, 'modified');
    assert.notEqual(h.seeds[0]!.checksum, h.seeds[0]!.last!.checksum);
    await engine.seed();
    h = await engine.seedHistory();
    assert.deepEqual(h.seeds.map((s) => s.state), ['ran', 'ran']);
    assert.equal(h.sampleData?.lastLoaded?.environment, 'development');
    assert.ok(Date.now() - h.sampleData!.lastLoaded!.at.getTime() < 120000);
  });

  it('a seed file meant for other environments, or one that does not exist, is refused by name (E_USAGE)', async () => {
    fs.writeFileSync(path.join(dir, 'seeds', '003_production_only.sql'), '-- environments: production\nSELECT 1;\n');
    await assert.rejects(engine.seed({ file: 'seeds/003_production_only.sql' }),
      (err: unknown) => isMigrationError(err) && err.code === 'E_USAGE' && /not meant for environment "development"/.test(err.message));
    await assert.rejects(engine.seed({ file: '009_nothing.sql' }),
      (err: unknown) => isMigrationError(err) && err.code === 'E_USAGE' && /no seed file "009_nothing.sql"/.test(err.message) && /001_synthetic_users\.sql/.test(err.hint ?? ''));
    await assert.rejects(engine.seed({ file: '001_synthetic_users.sql', reset: true }), (err: unknown) => isMigrationError(err) && err.code === 'E_USAGE');
    const h = await engine.seedHistory();
    assert.equal(h.seeds.find((s) => s.name === '003_production_only.sql')?.state, 'never-run');
  });
});

describe('afterMigrationStart: a progress listener\'s timer runs before the migration\'s SQL blocks (PGlite)', function () {
  this.timeout(240000);

  /** For each migration: whether a timer set when it started ran before it was done. */
  async function deliveredBeforeDone(yieldAfterProgress: boolean): Promise<boolean[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-yield-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    for (const v of ['001', '002']) {
      fs.writeFileSync(path.join(dir, 'migrations', `${v}_wait.sql`), `-- Up migration\nSELECT pg_sleep(0.2);\n\n-- Down migration\nSELECT 1;\n`);
    }
    const delivered = new Set<string>();
    const seen: boolean[] = [];
    const engine = open(dir, {
      afterMigrationStart: yieldAfterProgress ? () => new Promise((r) => setTimeout(r, 0)) : undefined,
      onEvent: (e) => {
        if (e.type === 'migration-start') setTimeout(() => delivered.add(e.id), 0);
        if (e.type === 'migration-done') seen.push(delivered.has(e.id));
      },
    });
    try {
      await engine.up({ noBackup: true });
    } finally {
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return seen;
  }

  it('with it, each "Applying …" timer fires before the migration finishes; without it, none does (the SQL blocks first)', async () => {
    assert.deepEqual(await deliveredBeforeDone(true), [true, true]);
    assert.deepEqual(await deliveredBeforeDone(false), [false, false]);
  });
});
