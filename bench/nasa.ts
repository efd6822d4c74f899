/**
 * The NASA example database for the backup and seed benchmarks: the example
 * project's migrations and seeds applied with our CLI, then (optionally) bulk
 * observation rows generated on the server. Kept as a template database so
 * each measurement copies it (CREATE DATABASE ... TEMPLATE) instead of rebuilding.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, REPO, adminQuery, freshDatabase, node, query } from './common';

export const EXAMPLE = path.join(REPO, 'examples', 'nasa-portal');

/** A project directory holding the example's migrations (and seeds when asked), no config file: runs use --url. */
export function nasaProject(dir: string, options: { seeds?: boolean } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(EXAMPLE, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
  if (options.seeds) fs.cpSync(path.join(EXAMPLE, 'seeds'), path.join(dir, 'seeds'), { recursive: true });
  return dir;
}

/** Creates the template database: example migrations + seeds, plus `observations` generated rows. */
export async function nasaTemplate(prefix: string, workDir: string, observations: number): Promise<{ name: string; url: string }> {
  const db = await freshDatabase(prefix);
  const project = nasaProject(path.join(workDir, 'template-project'), { seeds: true });
  await node(CLI, ['--up', '--no-backup', '--url', db.url], { cwd: project });
  await node(CLI, ['--seed', '--url', db.url], { cwd: project });
  if (observations > 0) {
    await query(db.url, `WITH ids AS (SELECT array_agg(id ORDER BY id) AS a FROM space_objects)
      INSERT INTO observations (space_object_id, instrument, observed_at, right_ascension, declination, notes)
      SELECT ids.a[1 + g % array_length(ids.a, 1)], 'instrument-' || (g % 17),
             timestamptz '2020-01-01' + g * interval '1 minute', (g % 36000) / 100.0, ((g % 18000) - 9000) / 100.0, 'generated observation ' || g
      FROM generate_series(1, ${observations}) AS g, ids`);
    await query(db.url, 'VACUUM ANALYZE observations');
  }
  // No connections may remain on a database used as a template.
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`);
  return db;
}
