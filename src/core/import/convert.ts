/**
 * --convert --to native: every migration of the project, in whatever format it is read, written as our own
 * NNN_name.sql file into a new folder; the originals are never touched. Each written file is parsed back and
 * must give the same version and checksum as the original, so a database whose history was imported (or
 * migrated by us) from the original files sees the converted ones as applied, not modified.
 *
 * Mapping: versions are kept as they are: digits stay digits, and a dotted Flyway version stays dotted
 * (V1.2.10__x.sql -> 1.2.10_x.sql; native file names accept dotted versions, compared part by part, so the
 * order is Flyway's). Repeatable migrations become R_name.sql. A name with characters a native file name
 * cannot hold gets them replaced by "_". Header directives (depends, transaction: none, environments) are
 * written above the "-- Up migration" marker; the down section comes from the down file (.down.sql, U file,
 * revert script). Placeholders are written substituted, as they were run. Sqitch verify scripts have no native
 * counterpart and are listed as not converted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { MigrationError } from '../errors';
import { readProjectMigrations, type FormatName } from '../formats';
import { migrationId, parseMigrationFile, type MigrationFile } from '../migration-file';

export interface ConvertedFile {
  id: string;
  /** The original file (and its down file, when separate), as shown relative to the project root. */
  from: string[];
  /** The written file, relative to the project root. */
  to: string;
  checksum: string;
}

export interface ConvertResult {
  format: FormatName;
  /** The new folder, relative to the project root. */
  outDir: string;
  files: ConvertedFile[];
  /** What could not be carried over, one sentence each. */
  notes: string[];
}

const NATIVE_VERSION = /^\d+(\.\d+)*$/;

export function convertToNative(config: Pick<Config, 'migrationsDir' | 'root' | 'format' | 'placeholders'>, outDir: string): ConvertResult {
  const out = path.resolve(config.root, outDir);
  const shownOut = path.relative(config.root, out) || '.';
  if (path.resolve(config.migrationsDir) === out) {
    throw new MigrationError('E_CONVERT', `--out ${shownOut} is the migrations directory itself`, 'name a new folder, e.g. --out migrations-native');
  }
  if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
    throw new MigrationError('E_CONVERT', `${shownOut} already exists and is not an empty folder; nothing was written`,
      'name a new folder with --out DIR, or remove that one first', { file: shownOut });
  }
  const set = readProjectMigrations(config);
  const notes: string[] = [];
  const written: { name: string; text: string; converted: ConvertedFile }[] = [];
  const names = new Set<string>();
  for (const m of set.migrations) {
    const name = nativeFileName(m);
    if (names.has(name)) {
      throw new MigrationError('E_CONVERT', `two migrations would both be written as ${name}`, 'rename one of them so their names differ in letters, digits, "_" or "-"', { file: m.file });
    }
    names.add(name);
    const text = nativeText(m, set.format);
    assertSameMigration(m, text, path.join(shownOut, name));
    if (m.verify) notes.push(`${m.verify.file}: verify scripts have no native counterpart and were not converted`);
    written.push({ name, text, converted: { id: migrationId(m), from: [m.file, ...(m.downFile ? [m.downFile] : [])], to: path.join(shownOut, name), checksum: m.checksum } });
  }
  if (set.format === 'flyway' && config.placeholders && Object.keys(config.placeholders).length > 0) {
    notes.push('placeholders were written with their configured values (the converted files hold no ${...})');
  }
  fs.mkdirSync(out, { recursive: true });
  for (const w of written) fs.writeFileSync(path.join(out, w.name), w.text, { flag: 'wx' });
  return { format: set.format, outDir: shownOut, files: written.map((w) => w.converted), notes };
}

/** NNN_name.sql (or R_name.sql) for a migration; a version a native file name cannot carry is refused. */
export function nativeFileName(m: Pick<MigrationFile, 'version' | 'name' | 'repeatable' | 'file'>): string {
  const name = m.name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'migration';
  if (m.repeatable) return `R_${name}.sql`;
  if (!NATIVE_VERSION.test(m.version)) {
    throw new MigrationError('E_CONVERT', `version "${m.version}" cannot be a native file name's version (digits, or dotted digits)`,
      'rename the migration with a numeric version first', { file: m.file });
  }
  return `${m.version}_${name}.sql`;
}

/** The native text of a migration: provenance comment, header directives, up section, down section when there is one. */
export function nativeText(m: MigrationFile, format: FormatName): string {
  const lines = [`-- Converted from ${[m.file, m.downFile].filter(Boolean).join(' and ')} (${format}) by database-migration --convert`];
  if (m.depends.length > 0) lines.push(`-- depends: ${m.depends.join(', ')}`);
  if (!m.transactional) lines.push('-- transaction: none');
  if (m.environments) lines.push(`-- environments: ${m.environments.join(', ')}`);
  lines.push('-- Up migration', m.up.replace(/\s+$/, ''));
  if (m.down !== null) lines.push('', '-- Down migration', m.down.replace(/\s+$/, ''));
  return `${lines.join('\n')}\n`;
}

/** The written text must read back as the same migration: version, checksum, down, directives. */
function assertSameMigration(m: MigrationFile, text: string, shown: string): void {
  let back: MigrationFile | null = null;
  try {
    back = parseMigrationFile(text, shown, path.basename(shown));
  } catch { /* refused below */ }
  const same = !!back && back.checksum === m.checksum && (back.repeatable ? m.repeatable : back.version === m.version) && back.transactional === m.transactional
    && (back.down === null) === (m.down === null);
  if (!same) {
    throw new MigrationError('E_CONVERT', `${m.file} cannot be written as a native file that keeps its checksum (its SQL holds a line our format reads as a marker or directive)`,
      'edit the comment lines "-- Up migration" / "-- Down migration" inside its SQL, then convert again', { file: m.file });
  }
}
