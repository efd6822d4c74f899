import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from './config';
import { discoverMigrations, resolveFormat } from './formats';
import { MigrationError } from './errors';
import { packageRoot } from './package-root';

export const BUILT_IN_TEMPLATES_DIR = 'migrations-templates';

/** "CreateSpaceObjects", "create space-objects" -> "create_space_objects". */
export function toSnakeName(raw: string): string {
  return raw
    .trim()
    .replace(/\.sql$/i, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Template names available: the project's own (templatesDir) first, then the built-in ones. */
export function listTemplates(config: Config): string[] {
  const names = new Set<string>();
  for (const dir of [config.templatesDir, path.join(packageRoot(), BUILT_IN_TEMPLATES_DIR)]) {
    if (!dir || !fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.sql')) names.add(f.slice(0, -4));
  }
  return [...names].sort();
}

/** How the template picker and listings name a placeholder: the words a person would write there. */
const PLACEHOLDER_WORDS: Record<string, string> = { table: '<table>', column: '<column>', ref_table: '<referenced table>', version: '<version>', name: '<name>' };

/**
 * A template's description for a picker: its first comment paragraph without the "{{version}}_{{name}}:" lead,
 * placeholders as <table> / <column>, cut at a sentence end (never mid-sentence) once `maxLength` would be passed;
 * a first sentence longer than that is kept whole. "" when the template starts with no comment.
 */
export function describeTemplate(text: string, maxLength = 140): string {
  const paragraph: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^--\s?(.*)$/.exec(line);
    if (!m || /^\s*(up|down) migration\b/i.test(m[1]!)) break;
    if (m[1]!.trim() === '') {
      if (paragraph.length) break;
      continue;
    }
    paragraph.push(m[1]!.trim());
  }
  const words = paragraph.join(' ')
    .replace(/^\{\{version\}\}_?\{\{name\}\}:?\s*/, '')
    .replace(/\{\{\s*([a-z_]+)\s*\}\}/gi, (_m, key: string) => PLACEHOLDER_WORDS[key.toLowerCase()] ?? `<${key.toLowerCase().replace(/_/g, ' ')}>`);
  if (!words) return '';
  const sentences = words.replace(/^[a-z]/, (c) => c.toUpperCase()).split(/(?<=[.!?])\s+(?=[A-Z(<])/);
  let out = sentences[0]!;
  for (const next of sentences.slice(1)) {
    if (out.length + 1 + next.length > maxLength) break;
    out += ` ${next}`;
  }
  return /[.!?)]$/.test(out) ? out : `${out}.`;
}

/** The description of template `name` (the project's own first, then the built-in one). */
export function templateDescription(config: Config, name: string, maxLength?: number): string {
  try {
    return describeTemplate(fs.readFileSync(findTemplate(config, name), 'utf8'), maxLength);
  } catch {
    return '';
  }
}

function findTemplate(config: Config, template: string): string {
  const dirs = [config.templatesDir, path.join(packageRoot(), BUILT_IN_TEMPLATES_DIR)].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const p = path.join(dir, `${template}.sql`);
    if (fs.existsSync(p)) return p;
  }
  throw new MigrationError('E_TEMPLATE_NOT_FOUND', `no migration template named "${template}"`,
    `use one of: ${listTemplates(config).join(', ')}${config.templatesDir ? '' : ' (or set "templatesDir" for your own)'}`);
}

function timestampVersion(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

/** The next free version: max + 1 with the project's padding (3 digits by default), or a UTC timestamp. */
export function nextVersion(all: string[], numbering: Config['numbering'], now = new Date()): string {
  // Repeatable (R_name) and dotted versions are not numbers the next one follows.
  const existing = all.filter((e) => /^\d+$/.test(e));
  if (numbering === 'timestamp') {
    let v = timestampVersion(now);
    const taken = new Set(existing.map((e) => BigInt(e)));
    while (taken.has(BigInt(v))) v = (BigInt(v) + 1n).toString();
    return v;
  }
  const seq = existing.filter((e) => e.length < 14);
  const max = seq.reduce((m, e) => (BigInt(e) > m ? BigInt(e) : m), 0n);
  const width = Math.max(3, ...seq.map((e) => e.length));
  return (max + 1n).toString().padStart(width, '0');
}

/**
 * What a template's {{table}}, {{column}} and {{ref_table}} stand for, read from the migration name:
 * "create_missions" -> table missions; "add_mission_id_to_observations" -> column mission_id on table
 * observations, referencing missions; "create_daily_counts_from_observations" -> table daily_counts built
 * from observations (ref_table). Templates are starting points: the author checks the names.
 */
export function templateSubjects(name: string): { table: string; column: string; refTable: string } {
  const plain = (n: string) => n.replace(/^(create|add|alter|drop)_(table_)?/, '').replace(/_table$/, '') || n;
  // "create_daily_counts_from_observations": a view of daily_counts built from observations.
  const from = /^(.+?)_from_([a-z0-9][a-z0-9_]*)$/.exec(name);
  if (from) return { table: plain(from[1]!), column: 'new_column', refTable: from[2]! };
  const onTable = /^(.+?)_(?:to|on|in)_([a-z0-9][a-z0-9_]*)$/.exec(name);
  const table = onTable ? onTable[2]! : plain(name);
  const subject = onTable
    ? onTable[1]!.replace(/^(create|add|alter|drop|validate)_/, '').replace(/^(column|index|foreign_key|fk|constraint)(_|$)/, '')
    : '';
  const column = subject || 'new_column';
  const base = column.endsWith('_id') ? column.slice(0, -3) : '';
  const refTable = base ? (base.endsWith('s') ? base : `${base}s`) : 'parent_table';
  return { table, column, refTable };
}

export interface CreatedMigration {
  path: string;
  version: string;
  name: string;
  template: string;
}

/** Writes migrations/NNN_name.sql from a template; never overwrites. */
export function createMigration(config: Config, rawName: string, options: { template?: string; now?: Date; content?: string } = {}): CreatedMigration {
  const name = toSnakeName(rawName);
  if (!name) {
    throw new MigrationError('E_USAGE', `"${rawName}" cannot be used as a migration name`,
      'give a name with letters or digits, e.g. database-migration create_space_objects --create');
  }
  const template = options.template ?? 'blank';
  const templatePath = options.content === undefined ? findTemplate(config, template) : '';
  const format = resolveFormat(config.migrationsDir, config.format);
  if (format.name !== 'native') {
    throw new MigrationError('E_USAGE', `--create writes native migration files, and the migrations in ${config.migrationsDir} are in ${format.name} format`,
      `write the new migration in ${format.name}'s own way (its tool's "new" command or by hand: every command here reads it), or convert the project with --convert --to native`,
      { file: config.migrationsDir });
  }
  const existing = discoverMigrations(config.migrationsDir, { format: config.format, placeholders: config.placeholders });
  const clash = existing.find((m) => m.name === name);
  if (clash) {
    throw new MigrationError('E_MIGRATION_EXISTS', `a migration named "${name}" already exists: ${clash.file}`,
      'choose another name, or edit the existing migration if it is not applied yet', { file: clash.file });
  }
  const version = nextVersion(existing.map((m) => m.version), config.numbering, options.now);
  assertFileNameFits(version, name);
  const now = options.now ?? new Date();
  const { table, column, refTable } = templateSubjects(name);
  const text = options.content ?? fs.readFileSync(templatePath, 'utf8')
    .replace(/\{\{\s*name\s*\}\}/g, name)
    .replace(/\{\{\s*version\s*\}\}/g, version)
    .replace(/\{\{\s*table\s*\}\}/g, table)
    .replace(/\{\{\s*column\s*\}\}/g, column)
    .replace(/\{\{\s*ref_table\s*\}\}/g, refTable)
    .replace(/\{\{\s*date\s*\}\}/g, now.toISOString());
  const file = path.join(config.migrationsDir, `${version}_${name}.sql`);
  writeNewFile(config.migrationsDir, file, text);
  return { path: file, version, name, template };
}

/** The longest file name (in bytes) Linux, macOS and Windows file systems accept. */
export const MAX_FILE_NAME_BYTES = 255;

/** Refuses a name whose file NNN_name.sql would be longer than a file system allows (bytes, as UTF-8). */
function assertFileNameFits(version: string, name: string): void {
  const fileName = `${version}_${name}.sql`;
  const bytes = Buffer.byteLength(fileName, 'utf8');
  if (bytes <= MAX_FILE_NAME_BYTES) return;
  const room = MAX_FILE_NAME_BYTES - Buffer.byteLength(`${version}_.sql`, 'utf8');
  throw new MigrationError('E_NAME_TOO_LONG',
    `the migration name is too long: its file name "${fileName.slice(0, 40)}…" would be ${bytes} bytes, and file names are limited to ${MAX_FILE_NAME_BYTES} bytes`,
    `use a shorter name: at most ${room} bytes (UTF-8) after the "${version}_" prefix, e.g. a short summary of the change`);
}

/** Creates the migrations directory when missing and writes a new file (never overwrites); file system refusals are MigrationErrors naming the path. */
function writeNewFile(dir: string, file: string, text: string): void {
  let at = dir;
  try {
    fs.mkdirSync(dir, { recursive: true });
    at = file;
    fs.writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    throw writeError(err, dir, at);
  }
}

function writeError(err: unknown, dir: string, at: string): MigrationError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const reason = String((err as Error).message ?? err).replace(/^[A-Z]+: /, '').replace(/, (open|mkdir) '.*'$/, '');
  if (code === 'EEXIST' && at !== dir) {
    return new MigrationError('E_MIGRATION_EXISTS', `${path.basename(at)} already exists`, 'run --create again: it picks the next free number', { file: at });
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new MigrationError('E_NOT_A_DIRECTORY', `the migrations directory ${dir} (or a directory above it) is a file, not a directory`,
      'move the file away, or point "migrationsDir" in the config at a directory', { file: dir });
  }
  if (code === 'ENAMETOOLONG') {
    return new MigrationError('E_NAME_TOO_LONG', `the path of the new migration is too long (${code}: ${reason})`,
      'use a shorter migration name, or a migrations directory with a shorter path', { file: at });
  }
  const missing = at === dir;
  const where = missing ? path.dirname(dir) : dir;
  return new MigrationError('E_NOT_WRITABLE',
    `${missing ? 'the migrations directory cannot be created' : 'the migrations directory is not writable, so the new migration cannot be created'} (${code}: ${reason})`,
    `give the user running database-migration write permission on ${where} (chmod/chown), run as its owner, or set "migrationsDir" to a directory you can write`, { file: dir });
}
