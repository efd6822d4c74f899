/**
 * What the seeds history says about each seed file (the `<history>_seeds` table: last run, environment, checksum
 * then) compared with the files now, and when the JSON sample data set was last loaded (the log) with the "as_of"
 * dates of its files. Read-only; the Seeds view and any report use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineContext } from './context';
import { discoverSeeds } from './discovery';
import type { SeedRecord } from './history';
import { checksumSql } from './migration-file';
import { readSampleData, sampleDataDates, type DataFileDate } from './sample-data';

/** never-run: no row in the seeds history; modified: the file's checksum differs from the one recorded at its last run. */
export type SeedState = 'never-run' | 'ran' | 'modified';

export interface SeedHistoryEntry {
  name: string;
  /** Relative to the project root. */
  file: string;
  state: SeedState;
  /** The last run, null when never run. */
  last: SeedRecord | null;
  /** The file's checksum now. */
  checksum: string;
}

export interface SampleDataHistory {
  /** The data directory relative to the project root (the name it is logged under). */
  dir: string;
  /** The last successful load, null when never loaded into this database. */
  lastLoaded: { at: Date; environment: string | null; by: string } | null;
  /** Each data file's "as_of" date; empty when the files cannot be read. */
  files: DataFileDate[];
}

export interface SeedHistory {
  seeds: SeedHistoryEntry[];
  /** Null when the config has no "sampleDataDir". */
  sampleData: SampleDataHistory | null;
}

/** The state of one seed file against its last recorded run. */
export function seedState(checksumNow: string, last: SeedRecord | null): SeedState {
  if (!last) return 'never-run';
  return last.checksum === checksumNow ? 'ran' : 'modified';
}

export async function readSeedHistory(ctx: EngineContext, now: Date = new Date()): Promise<SeedHistory> {
  const files = discoverSeeds(ctx.config.seedsDir, ctx.config.root);
  const dataDir = ctx.config.sampleDataDir ?? null;
  const shownDir = dataDir ? path.relative(ctx.config.root, dataDir) || dataDir : null;
  const { records, loaded } = await ctx.withSession(async (session) => ({
    records: await ctx.store.readSeeds(session),
    loaded: shownDir ? await ctx.store.lastSeedLog(session, shownDir) : null,
  }));
  const byName = new Map(records.map((r) => [r.name, r]));
  const seeds = files.map((f) => {
    const checksum = checksumSql(f.sql);
    const last = byName.get(f.name) ?? null;
    return { name: f.name, file: f.file, state: seedState(checksum, last), last, checksum };
  });
  let sampleData: SampleDataHistory | null = null;
  if (dataDir && shownDir) {
    let dates: DataFileDate[] = [];
    try {
      if (fs.existsSync(dataDir)) dates = sampleDataDates(readSampleData(dataDir), now);
    } catch { /* unreadable data files: --seed says why; the view shows no dates */ }
    sampleData = { dir: shownDir, lastLoaded: loaded ? { at: loaded.occurredAt, environment: loaded.environment, by: loaded.performedBy } : null, files: dates };
  }
  return { seeds, sampleData };
}
