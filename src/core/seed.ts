/**
 * Seeding: the JSON sample data ("sampleDataDir"), then every seeds/*.sql whose "-- environments:" allows
 * this environment, in one transaction; `reset` empties the sample tables first; `scale` then appends synthetic
 * rows with COPY: to the tables of the config's "seed.scale" (scale-plan.ts), else to the example's observations
 * and API log. With `dryRun` all of it runs in a transaction that is
 * rolled back, and nothing is recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withTransaction, type EngineContext } from './context';
import type { Session } from './db/database';
import { discoverSeeds, type SeedFile } from './discovery';
import { describeStatementFailure, execStatements } from './engine-failure';
import { MigrationError } from './errors';
import { checksumSql } from './migration-file';
import type { ScaleConfig } from './config';
import { generateConfiguredScale } from './sample-scale';
import { API_LOG_TABLES, generateScale, loadSampleData, OBSERVATION_TABLES, readSampleData, resetSampleData, sampleDataDates, type DataFileDate, type LoadedTable, type ScaleProgress } from './sample-data';

export interface SeedOptions {
  reset?: boolean;
  scale?: number;
  /** Run everything in a transaction that is rolled back: what would be loaded, nothing kept. */
  dryRun?: boolean;
  /**
   * Only this seed file (its name, with or without ".sql", or its path): no sample data, in a transaction of its
   * own, recorded like any seed. Refused with --reset / --scale, and when its "-- environments:" leaves this one out.
   */
  file?: string;
}

export interface SeedRun {
  /** What was loaded, in order: seed files, and the JSON sample data set ("sample-data", its directory as name and file). */
  seeds: { name: string; file: string; durationMs: number; kind?: 'file' | 'sample-data' }[];
  /** Per table of the JSON sample data: rows held, inserted, updated. */
  tables: LoadedTable[];
  /** The sample data's files with their "as_of" date (when last checked against the sources); null without sample data. */
  sampleData: { dir: string; files: DataFileDate[] } | null;
  /** --scale: synthetic rows generated with COPY. */
  scaled: { rows: number; seconds: number; rowsPerSecond: number; tables: { table: string; rows: number }[] } | null;
  /** Seed files whose "-- environments:" line excludes this environment. */
  skipped: string[];
  dryRun: boolean;
}

export async function seed(ctx: EngineContext, options: SeedOptions = {}): Promise<SeedRun> {
  const { seeds, skipped, dataDir } = seedSources(ctx, options);
  return ctx.withLock(async (session) => {
    if (!options.dryRun) ctx.assertMayChange('seed');
    if (options.scale && !configuredScale(ctx)) {
      const missing = await missingScaleTables(session);
      if (missing.length) {
        throw new MigrationError('E_USAGE', `--scale needs the example tables ${missing.join(' and ')}, which this database does not have; nothing was seeded`,
          'apply the example project\'s migrations first (--up), or seed without --scale');
      }
    }
    if (!options.dryRun) await ctx.store.ensure(session);
    const run: SeedRun = { seeds: [], skipped, tables: [], sampleData: null, scaled: null, dryRun: !!options.dryRun };
    if (options.dryRun) {
      await withTransaction(session, async () => {
        await loadAll(ctx, session, run, seeds, dataDir, options);
        if (options.scale) run.scaled = await scale(ctx, session, options.scale, false);
      }, { rollback: true });
      return run;
    }
    await withTransaction(session, () => loadAll(ctx, session, run, seeds, dataDir, options));
    if (options.scale) run.scaled = await scale(ctx, session, options.scale, true);
    return run;
  });
}

function seedSources(ctx: EngineContext, options: SeedOptions): { seeds: SeedFile[]; skipped: string[]; dataDir: string | null } {
  const all = discoverSeeds(ctx.config.seedsDir, ctx.config.root);
  if (options.file !== undefined) return { seeds: [oneSeed(ctx, all, options)], skipped: [], dataDir: null };
  // "-- environments:" keeps sample data out of environments it is not meant for (production, say).
  const seeds = all.filter((s) => !s.environments || s.environments.includes(ctx.environmentName));
  const skipped = all.filter((s) => !seeds.includes(s)).map((s) => s.name);
  const dataDir = ctx.config.sampleDataDir ?? null;
  if (dataDir && !fs.existsSync(dataDir)) {
    throw new MigrationError('E_CONFIG_INVALID', `"sampleDataDir" points at ${dataDir}, which does not exist`,
      'correct the path in database-migration.config.json (it is relative to the config file)', { file: ctx.config.file ?? undefined });
  }
  if (all.length > 0 && seeds.length === 0 && !dataDir) {
    throw new MigrationError('E_USAGE', `no seed file is meant for environment "${ctx.environmentName}" (${skipped.join(', ')} name other environments)`,
      'add the environment to a seed\'s "-- environments:" line if the data belongs there');
  }
  if (seeds.length === 0 && !dataDir && !options.scale) {
    throw new MigrationError('E_USAGE', `no seed files found in ${ctx.config.seedsDir}`,
      'add .sql files to the seeds directory (or set "seedsDir" / "sampleDataDir" in database-migration.config.json)');
  }
  return { seeds, skipped, dataDir };
}

/** The seed file `options.file` names (see SeedOptions.file), or a usage error saying why not. */
function oneSeed(ctx: EngineContext, all: SeedFile[], options: SeedOptions): SeedFile {
  const ref = options.file!;
  if (options.reset || options.scale) {
    throw new MigrationError('E_USAGE', `${options.reset ? '--reset' : '--scale'} does not apply to one seed file (${ref})`, 'seed the one file alone, or everything with --reset / --scale');
  }
  const found = findSeed(all, ref, ctx.config.root);
  if (!found) {
    throw new MigrationError('E_USAGE', `no seed file "${ref}" in ${path.relative(ctx.config.root, ctx.config.seedsDir) || '.'}`,
      all.length ? `give one of: ${all.map((s) => s.name).join(', ')}` : 'add .sql files to the seeds directory');
  }
  if (found.environments && !found.environments.includes(ctx.environmentName)) {
    throw new MigrationError('E_USAGE', `seed ${found.name} is not meant for environment "${ctx.environmentName}" (its "-- environments:" line names ${found.environments.join(', ')})`,
      'add the environment to that line if the data belongs there, or pick another environment');
  }
  return found;
}

/** A seed by its file name (with or without ".sql") or its path (relative to the working directory or the project). */
export function findSeed(all: SeedFile[], ref: string, root: string): SeedFile | undefined {
  const byName = all.find((s) => s.name === ref || s.name === `${ref}.sql`);
  if (byName) return byName;
  const candidates = new Set([path.resolve(ref), path.resolve(root, ref)]);
  return all.find((s) => candidates.has(path.resolve(root, s.file)));
}

/** The reset, the sample data and the seed files, inside the caller's transaction; a failure names the seed. */
async function loadAll(ctx: EngineContext, session: Session, run: SeedRun, seeds: SeedFile[], dataDir: string | null, options: SeedOptions): Promise<void> {
  const record = !options.dryRun;
  let current: { name: string; file: string } = { name: 'sample data', file: dataDir ?? '' };
  try {
    if (options.reset) {
      const { truncated } = await resetSampleData(session, { ownTransaction: false });
      if (record) await ctx.audit(session, { action: 'seed', name: 'reset', success: true, message: `emptied ${truncated.join(', ')}` });
    }
    if (dataDir) await loadData(ctx, session, run, dataDir, record);
    for (const s of seeds) {
      current = s;
      const t0 = performance.now();
      await execStatements(session, s.sql);
      const durationMs = Math.round(performance.now() - t0);
      if (record) {
        await ctx.store.recordSeed(session, s.name, checksumSql(s.sql), ctx.appliedBy, ctx.environmentName);
        await ctx.audit(session, { action: 'seed', name: s.name, success: true, durationMs });
      }
      run.seeds.push({ name: s.name, file: s.file, durationMs, kind: 'file' });
      ctx.emit({ type: 'seed-done', file: s.file, durationMs });
    }
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    const failure = describeStatementFailure(err, 1);
    await session.exec('ROLLBACK').catch(() => {});
    if (record) await ctx.audit(session, { action: 'failed', name: current.name, success: false, message: `seed: ${failure.text}` }).catch(() => {});
    throw new MigrationError('E_SEED_FAILED', `seed ${current.name} ${options.dryRun ? 'would fail' : 'failed'}: ${failure.text}`,
      'fix the statement and run --seed again; every seed was rolled back, so nothing was half loaded',
      { file: current.file, line: failure.line, column: failure.column }, { cause: err });
  }
}

async function loadData(ctx: EngineContext, session: Session, run: SeedRun, dataDir: string, record: boolean): Promise<void> {
  const t0 = performance.now();
  const data = readSampleData(dataDir);
  const loaded = await loadSampleData(session, data, { ownTransaction: false });
  const durationMs = Math.round(performance.now() - t0);
  run.tables.push(...loaded);
  const shown = path.relative(ctx.config.root, dataDir) || dataDir;
  run.sampleData = { dir: shown, files: sampleDataDates(data) };
  const stale = run.sampleData.files.filter((f) => f.stale);
  if (stale.length > 0) ctx.emit({ type: 'data-stale', dir: shown, files: stale.map((f) => ({ file: f.file, asOf: f.asOf })) });
  if (record) {
    await ctx.audit(session, { action: 'seed', name: shown, success: true, durationMs,
      message: loaded.filter((l) => !l.skipped).map((l) => `${l.table} ${l.rows} (+${l.inserted} ~${l.updated})`).join(', ') });
  }
  run.seeds.push({ name: shown, file: shown, durationMs, kind: 'sample-data' });
  ctx.emit({ type: 'seed-done', file: `${shown} (${loaded.filter((l) => !l.skipped).reduce((a, l) => a + l.rows, 0)} rows)`, durationMs });
}

/** The config's "seed.scale" when it names tables (--scale fills those), else null (the example's tables). */
function configuredScale(ctx: EngineContext): ScaleConfig | null {
  const s = ctx.config.seed?.scale;
  return s && Object.keys(s.tables ?? {}).length > 0 ? s : null;
}

async function scale(ctx: EngineContext, session: Session, rows: number, record: boolean): Promise<SeedRun['scaled']> {
  const progress = (p: ScaleProgress) => ctx.emit({ type: 'seed-progress', table: p.table, rows: p.rows, total: p.total });
  const configured = configuredScale(ctx);
  const r = configured
    ? await generateConfiguredScale(session, rows, configured, ctx.config.file, progress, { ownTransaction: record })
    : await generateScale(session, rows, progress, { ownTransaction: record });
  if (record) {
    await ctx.audit(session, { action: 'seed', name: `scale ${rows}`, success: true, durationMs: Math.round(r.seconds * 1000),
      message: `${r.rows} synthetic rows with COPY (${Math.round(r.rowsPerSecond)} rows/s): ${r.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}` });
  }
  return { rows: r.rows, seconds: r.seconds, rowsPerSecond: r.rowsPerSecond, tables: r.tables };
}

/** The example tables --scale writes to that this database lacks (each named with its accepted alternatives). */
async function missingScaleTables(session: Session): Promise<string[]> {
  const missing: string[] = [];
  for (const names of [OBSERVATION_TABLES, API_LOG_TABLES]) {
    const r = await session.query<{ found: boolean | null }>('SELECT bool_or(to_regclass(n) IS NOT NULL) AS found FROM unnest($1::text[]) AS n', [names]);
    if (!r.rows[0]?.found) missing.push(names.join(' or '));
  }
  return missing;
}
