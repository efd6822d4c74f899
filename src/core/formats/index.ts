/**
 * Migration-file formats: auto-detection, the "format" setting, and the one entry point every command reads
 * migrations through (discoverMigrations). Format modules live beside this file, one per tool.
 */
import * as fs from 'node:fs';
import { duplicateVersionError, duplicateVersions } from '../discovery';
import { MigrationError } from '../errors';
import type { Config } from '../config';
import { compareVersions, type MigrationFile } from '../migration-file';
import { dbmateFormat } from './dbmate';
import { flywayFormat } from './flyway';
import { golangMigrateFormat } from './golang-migrate';
import { nativeFormat } from './native';
import { nodePgMigrateFormat } from './node-pg-migrate';
import { sqitchFormat } from './sqitch';
import { FORMAT_NAMES, type FormatName, type FormatOptions, type FormatRead, type FormatWarning, type MigrationFormat } from './types';

export { FORMAT_NAMES, type FormatName, type FormatOptions, type FormatRead, type FormatSurvey, type FormatWarning, type MigrationFormat } from './types';

/** Every format, native first (it wins a tie). */
export const FORMATS: readonly MigrationFormat[] = [nativeFormat, golangMigrateFormat, dbmateFormat, nodePgMigrateFormat, flywayFormat, sqitchFormat];

export type FormatSetting = FormatName | 'auto';

export function formatByName(name: FormatName): MigrationFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) {
    throw new MigrationError('E_CONFIG_INVALID', `migration format "${name}" is not available`,
      `set "format" to one of: auto, ${FORMATS.map((x) => x.name).join(', ')}`);
  }
  return f;
}

/** The format whose files the directory holds (native when nothing else matches, or the directory is empty or missing). */
export function detectFormat(dir: string): MigrationFormat {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return nativeFormat;
  }
  let best = nativeFormat;
  let bestScore = nativeFormat.detect(names, dir);
  for (const f of FORMATS) {
    if (f === nativeFormat) continue;
    const score = f.detect(names, dir);
    if (score > bestScore) { best = f; bestScore = score; }
  }
  return best;
}

/** The format a setting names ("auto" or absent: detected from the directory). */
export function resolveFormat(dir: string, setting: FormatSetting | undefined): MigrationFormat {
  return !setting || setting === 'auto' ? detectFormat(dir) : formatByName(setting);
}

export interface DiscoverOptions extends FormatOptions {
  mustExist?: boolean;
  format?: FormatSetting;
}

/** Every migration of `dir` in its format, in run order; duplicate versions are an error naming both files. */
export function readMigrationSet(dir: string, options: DiscoverOptions = {}): FormatRead & { format: FormatName } {
  if (!fs.existsSync(dir)) {
    if (options.mustExist) {
      throw new MigrationError('E_NO_MIGRATIONS_DIR', `migrations directory not found: ${dir}`,
        'create it with "database-migration NAME --create", or set "migrationsDir" in database-migration.config.json', { file: dir });
    }
    return { migrations: [], warnings: [], format: resolveFormat(dir, options.format).name };
  }
  const format = resolveFormat(dir, options.format);
  const read = format.read(dir, options);
  const migrations = read.migrations.sort((a, b) => compareVersions(a.version, b.version) || a.name.localeCompare(b.name));
  const duplicate = duplicateVersions(migrations)[0];
  if (duplicate) throw duplicateVersionError(duplicate[0], duplicate[1]);
  return { migrations, warnings: read.warnings, format: format.name };
}

/** Reads every migration of `dir` (see readMigrationSet), without the warnings. */
export function discoverMigrations(dir: string, options: DiscoverOptions = {}): MigrationFile[] {
  return readMigrationSet(dir, options).migrations;
}

/** The settings of a project that say where and how its migrations are read. */
export type MigrationSource = Pick<Config, 'migrationsDir' | 'root' | 'format' | 'placeholders'> & Partial<Pick<Config, 'historySchema' | 'historyTable'>>;

/** The options a project's files are read with (placeholders, history table names, paths relative to its root). */
export function projectFormatOptions(config: MigrationSource): FormatOptions {
  return {
    displayRoot: config.root, placeholders: config.placeholders, dir: config.migrationsDir,
    ...(config.historyTable ? { history: { schema: config.historySchema ?? 'public', table: config.historyTable } } : {}),
  };
}

/** Reads a project's migrations with its configured format and placeholders, paths shown relative to its root. */
export function readProjectMigrations(config: MigrationSource): FormatRead & { format: FormatName } {
  return readMigrationSet(config.migrationsDir, { ...projectFormatOptions(config), format: config.format });
}
