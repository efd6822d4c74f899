/**
 * Flyway's SQL migrations, with Flyway's default naming only (prefixes V/U/R, separator "__", suffix ".sql"):
 * V<version>__<desc>.sql versioned (version parts separated by "." or "_", V1_1 is 1.1), U<version>__<desc>.sql
 * its undo (our down), R__<desc>.sql repeatable. Subdirectories are read too, as Flyway scans locations
 * recursively. ${name} placeholders are replaced (flyway-placeholders.ts) before the checksum is taken, so a
 * changed placeholder value re-runs a repeatable script, as in Flyway. A script runs outside a transaction when
 * its script config file (V1__x.sql.conf) says executeInTransaction=false, or its header says
 * "-- transaction: none". A script may also carry its own down after our "-- Down migration" marker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSqlText } from '../discovery';
import { MigrationError } from '../errors';
import { checksumSql, compareVersions, DOWN_MARKER, readLeadingDirectives, repeatableVersion, type MigrationFile } from '../migration-file';
import { replacePlaceholders } from './flyway-placeholders';
import { readMigrationDir, shownPath, type SqlFileText } from './read-dir';
import type { FormatOptions, FormatRead, MigrationFormat } from './types';

const VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;
const CALLBACK = /^(?:before|after)[A-Z][A-Za-z]*(?:__.*)?\.sql$|^createSchema(?:__.*)?\.sql$/;
const NAMES_HINT = 'name Flyway migrations V<version>__<description>.sql (e.g. V1_2__add_missions.sql), U<version>__<description>.sql for an undo script, R__<description>.sql for a repeatable one (Flyway\'s default prefixes and separator); move other files out of the migrations directory';

export type FlywayName =
  | { kind: 'versioned' | 'undo'; version: string; desc: string }
  | { kind: 'repeatable'; desc: string };

/** What a file name says in Flyway's default naming; a MigrationError naming the file and the expected pattern otherwise. */
export function parseFlywayName(baseName: string, file: string): FlywayName {
  const v = VERSIONED.exec(baseName);
  if (v) return { kind: v[1] === 'V' ? 'versioned' : 'undo', version: v[2]!.replace(/_/g, '.'), desc: v[3]! };
  const r = REPEATABLE.exec(baseName);
  if (r) return { kind: 'repeatable', desc: r[1]! };
  if (CALLBACK.test(baseName)) {
    throw new MigrationError('E_BAD_FILENAME', `"${baseName}" is a Flyway callback script, which this tool does not run`,
      'move it out of the migrations directory; put what it does into a migration (a repeatable R__ script runs after every --up that changes it)', { file });
  }
  if (/^B\d/.test(baseName)) {
    throw new MigrationError('E_BAD_FILENAME', `"${baseName}" is a Flyway baseline migration, which this tool does not support`,
      'move it out of the migrations directory; keep the versioned (V) scripts it summarises', { file });
  }
  throw new MigrationError('E_BAD_FILENAME', `"${baseName}" is not a Flyway migration file name`, NAMES_HINT, { file });
}

/** Whether the script config file next to a script (V1__x.sql.conf) turns its transaction off. */
export function readScriptConfig(text: string, file: string): { executeInTransaction: boolean } {
  let executeInTransaction = true;
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const m = /^([A-Za-z.]+)\s*[=:]\s*(.*)$/.exec(line);
    const key = m?.[1]!.replace(/^flyway\./, '');
    const value = m?.[2]!.trim().toLowerCase();
    if (key === 'executeInTransaction' && (value === 'true' || value === 'false')) executeInTransaction = value === 'true';
    else if (key === 'encoding' && (value === 'utf-8' || value === 'utf8')) return;
    else {
      throw new MigrationError('E_BAD_DIRECTIVE', `"${line}" is not a script setting this tool understands`,
        'a script config file may hold executeInTransaction=true|false (and encoding=UTF-8); remove other settings', { file, line: i + 1 });
    }
  });
  return { executeInTransaction };
}

interface Script extends SqlFileText {
  full: string;
  parsed: FlywayName;
}

/** Every *.sql under `dir` (subdirectories too, dot entries skipped), as Flyway scans a location. */
function readTree(dir: string, options: FormatOptions): Script[] {
  const out: Script[] = readMigrationDir(dir, options).map((f) => {
    const full = path.join(dir, f.name);
    return { ...f, full, parsed: parseFlywayName(f.name, f.file) };
  });
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') out.push(...readTree(path.join(dir, e.name), options));
  }
  return out;
}

function scriptTransactional(full: string, options: FormatOptions): boolean {
  const conf = `${full}.conf`;
  if (!fs.existsSync(conf)) return true;
  return readScriptConfig(fs.readFileSync(conf, 'utf8'), shownPath(conf, options)).executeInTransaction;
}

interface Sections {
  up: string;
  down: string | null;
  downLine: number | null;
  depends: string[];
  transactional: boolean;
  environments: string[] | null;
}

/** One script's text: header directives, placeholders replaced, split at our "-- Down migration" marker when it has one. */
function readScript(text: string, file: string, baseName: string, repeatable: boolean, options: FormatOptions): Sections {
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const header = readLeadingDirectives(src.split('\n'), file);
  const replaced = replacePlaceholders(src, file, {
    values: options.placeholders ?? {}, baseName, repeatable,
    history: options.history ?? { schema: 'public', table: 'database_migrations' },
  });
  const lines = replaced.split('\n');
  const marker = lines.findIndex((l) => DOWN_MARKER.test(l.trim()));
  return {
    up: marker === -1 ? replaced : lines.slice(0, marker).join('\n'),
    down: marker === -1 ? null : lines.slice(marker + 1).join('\n'),
    downLine: marker === -1 ? null : marker + 2,
    depends: header.depends, transactional: header.transactional, environments: header.environments,
  };
}

function toMigration(script: { text: string; file: string; name: string }, parsed: FlywayName, transactional: boolean, options: FormatOptions): MigrationFile {
  const s = readScript(script.text, script.file, script.name, parsed.kind === 'repeatable', options);
  const repeatable = parsed.kind === 'repeatable';
  return {
    version: parsed.kind === 'repeatable' ? repeatableVersion(parsed.desc) : parsed.version,
    name: parsed.desc,
    file: script.file,
    up: s.up,
    down: s.down,
    upLine: 1,
    downLine: s.downLine,
    depends: s.depends,
    transactional: transactional && s.transactional,
    environments: s.environments,
    checksum: checksumSql(s.up),
    format: 'flyway',
    ...(repeatable ? { repeatable: true } : {}),
  };
}

/** Joins an undo script to its migration: its text is the down, and its transaction setting counts too. */
function attachUndo(m: MigrationFile, undo: Script, options: FormatOptions): void {
  if (m.down !== null) {
    throw new MigrationError('E_DUPLICATE_MARKER', `${m.file} has a "-- Down migration" section and an undo script ${undo.file}`,
      'keep one of them: the undo script, or the down section in the versioned script', { file: undo.file });
  }
  const s = readScript(undo.text, undo.file, undo.name, false, options);
  m.down = s.up;
  m.downLine = 1;
  m.downFile = undo.file;
  // One setting per migration: if either direction must run outside a transaction, both do.
  m.transactional = m.transactional && s.transactional && scriptTransactional(undo.full, options);
}

function read(dir: string, options: FormatOptions): FormatRead {
  const scripts = fs.existsSync(dir) ? readTree(dir, options) : [];
  const migrations: MigrationFile[] = [];
  for (const s of scripts) {
    if (s.parsed.kind !== 'undo') migrations.push(toMigration(s, s.parsed, scriptTransactional(s.full, options), options));
  }
  const undone = new Map<MigrationFile, Script>();
  for (const u of scripts) {
    if (u.parsed.kind !== 'undo') continue;
    const version = u.parsed.version;
    const target = migrations.find((m) => !m.repeatable && compareVersions(m.version, version) === 0);
    if (!target) {
      throw new MigrationError('E_BAD_FILENAME', `undo script ${u.file} has no versioned migration V${version}__...sql`,
        `add the versioned script it undoes, or rename or remove the undo script`, { file: u.file });
    }
    const other = undone.get(target);
    if (other) {
      throw new MigrationError('E_DUPLICATE_VERSION', `version ${version} has two undo scripts: ${other.file} and ${u.file}`,
        'keep one undo script per version', { file: u.file });
    }
    undone.set(target, u);
    attachUndo(target, u, options);
  }
  return { migrations, warnings: [] };
}

/** Where a script of that name lies in the directory tree (the shown path may be relative to another directory). */
function locate(dir: string, baseName: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const here = path.join(dir, baseName);
  if (fs.existsSync(here)) return here;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
    const found = locate(path.join(dir, e.name), baseName);
    if (found) return found;
  }
  return null;
}

/** The undo script of a version in the directory tree, for parseText (other files are not read). */
function findUndo(dir: string, version: string, options: FormatOptions): Script | null {
  if (!fs.existsSync(dir)) return null;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const found = findUndo(full, version, options);
      if (found) return found;
      continue;
    }
    const m = VERSIONED.exec(e.name);
    if (!m || m[1] !== 'U' || compareVersions(m[2]!.replace(/_/g, '.'), version) !== 0) continue;
    const file = shownPath(full, options);
    return { name: e.name, file, full, text: readSqlText(full, file), parsed: parseFlywayName(e.name, file) };
  }
  return null;
}

export const flywayFormat: MigrationFormat = {
  name: 'flyway',
  detect(names) {
    let score = 0;
    for (const n of names) if (VERSIONED.test(n) || REPEATABLE.test(n)) score++;
    // Native names never have "__" after a V or R prefix, so one Flyway name is enough to beat native's 1.
    return score === 0 ? 0 : score + 1;
  },
  read,
  // Every *.sql of the tree is a script (read() refuses what is not a migration), dot directories aside.
  ownsPath: (rel) => !rel.split('/').some((part) => part.startsWith('.') || part === 'node_modules'),
  parseText(text, file, baseName, options) {
    const parsed = parseFlywayName(baseName, file);
    const full = options.dir ? locate(options.dir, baseName) : null;
    const transactional = full ? scriptTransactional(full, options) : true;
    if (parsed.kind === 'undo') {
      // The undo script alone: its SQL is a down section.
      const s = readScript(text, file, baseName, false, options);
      return { version: parsed.version, name: parsed.desc, file, up: '', down: s.up, upLine: 1, downLine: 1, depends: s.depends,
        transactional: transactional && s.transactional, environments: s.environments, checksum: checksumSql(''), format: 'flyway' };
    }
    const m = toMigration({ text, file, name: baseName }, parsed, transactional, options);
    if (parsed.kind === 'versioned' && options.dir) {
      const undo = findUndo(options.dir, parsed.version, options);
      if (undo) attachUndo(m, undo, options);
    }
    return m;
  },
};
