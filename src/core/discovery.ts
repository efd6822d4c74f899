import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationError } from './errors';
import { compareVersions, parseMigrationFile, type MigrationFile } from './migration-file';

/** Reads every NNN_name.sql in `dir`, ordered by version. Duplicate versions are an error naming both files. */
export function discoverMigrations(dir: string, options: { mustExist?: boolean; displayRoot?: string } = {}): MigrationFile[] {
  if (!fs.existsSync(dir)) {
    if (options.mustExist) {
      throw new MigrationError('E_NO_MIGRATIONS_DIR', `migrations directory not found: ${dir}`,
        'create it with "database-migration NAME --create", or set "migrationsDir" in database-migration.config.json', { file: dir });
    }
    return [];
  }
  const shown = (p: string) => (options.displayRoot ? path.relative(options.displayRoot, p) || p : p);
  const files = fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.sql'))
    .map((d) => d.name);
  const migrations = files.map((name) => {
    const full = path.join(dir, name);
    return parseMigrationFile(fs.readFileSync(full, 'utf8'), shown(full), name);
  });
  migrations.sort((a, b) => compareVersions(a.version, b.version) || a.name.localeCompare(b.name));
  for (let i = 1; i < migrations.length; i++) {
    const prev = migrations[i - 1]!;
    const cur = migrations[i]!;
    if (compareVersions(prev.version, cur.version) === 0) {
      throw new MigrationError('E_DUPLICATE_VERSION',
        `version ${cur.version} is used by two files: ${prev.file} and ${cur.file}`,
        `give one of them the next free number (rename it), so every version is unique`, { file: cur.file });
    }
  }
  return migrations;
}

export interface SeedFile {
  name: string;
  file: string;
  sql: string;
  /** From an "-- environments: a, b" line in the seed's header; null = every environment. */
  environments: string[] | null;
}

/** Reads "-- environments: ..." from the comment lines at the top of a seed file. */
export function seedEnvironments(sql: string): string[] | null {
  for (const line of sql.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '') continue;
    if (!t.startsWith('--')) break;
    const m = /^--\s*environments\s*:(.*)$/i.exec(t);
    if (m) return m[1]!.split(/[,\s]+/).filter(Boolean);
  }
  return null;
}

/** Every *.sql in the seeds directory, in name order. */
export function discoverSeeds(dir: string, displayRoot?: string): SeedFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.sql'))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => {
      const full = path.join(dir, name);
      const sql = fs.readFileSync(full, 'utf8').replace(/^\uFEFF/, '');
      return { name, file: displayRoot ? path.relative(displayRoot, full) : full, sql, environments: seedEnvironments(sql) };
    });
}
