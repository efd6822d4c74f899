import { createHash } from 'node:crypto';
import { MigrationError } from './errors';
import type { FormatName } from './formats/types';

/**
 * One migration file, split at its `-- Up migration` / `-- Down migration`
 * markers, with the header directives that precede the up marker.
 * Pure: takes text and a file name, does no I/O.
 */
export interface MigrationFile {
  version: string;
  name: string;
  /** Path as given to the parser (used in messages). */
  file: string;
  up: string;
  /** null when the file has no down marker; '' when the section is empty. */
  down: string | null;
  /** 1-based line of the first line after each marker. */
  upLine: number;
  downLine: number | null;
  depends: string[];
  /** false when the header says `-- transaction: none`. */
  transactional: boolean;
  /** null means every environment. */
  environments: string[] | null;
  checksum: string;
  /** The format the file was read in; absent means native. */
  format?: FormatName;
  /** Re-applied whenever its checksum changes, after every versioned migration (native R_name.sql, Flyway R__name.sql). */
  repeatable?: boolean;
  /** Where the down section was read from when that is another file (golang-migrate .down.sql, Flyway U file, Sqitch revert/). */
  downFile?: string;
  /** SQL that checks the migration took effect (Sqitch verify/ scripts): run by --verify, must not raise. */
  verify?: { sql: string; file: string; line: number } | null;
}

/** What a status shows of a migration file: everything but the SQL text (see status-cache.ts). */
export type StatusFile = Pick<MigrationFile, 'version' | 'name' | 'file' | 'checksum' | 'depends' | 'transactional' | 'environments'>;

const UP_MARKER = /^--\s*up\s+migration\s*$/i;
export const DOWN_MARKER = /^--\s*down\s+migration\s*$/i;
const DIRECTIVE = /^--\s*(depends|transaction|environments)\s*:(.*)$/i;
const LOOKS_LIKE_DIRECTIVE = /^--\s*([a-z][a-z_-]*)\s*:/i;
const DIRECTIVES = ['depends', 'transaction', 'environments'];

/** The directive a header comment key was probably meant to be (edit distance 2 at most, or a known alias), else null. */
function nearestDirective(key: string): string | null {
  const aliases: Record<string, string> = { env: 'environments', envs: 'environments', requires: 'depends', dependencies: 'depends', 'depends-on': 'depends', depends_on: 'depends', tx: 'transaction', txn: 'transaction' };
  if (aliases[key]) return aliases[key]!;
  for (const d of DIRECTIVES) if (editDistance(key, d) <= 2) return d;
  return null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
// Digits, or dotted digits (1.2.10: a Flyway version kept by --convert), compared part by part.
const FILE_NAME = /^(\d+(?:\.\d+)*)_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;
const REPEATABLE_FILE_NAME = /^R_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;

/** The version a repeatable migration is keyed by in the history table: "R_" and its name (sorts after every versioned one). */
export function repeatableVersion(name: string): string {
  return `R_${name}`;
}

/** True for the version of a repeatable migration ("R_name"). */
export function isRepeatableVersion(version: string): boolean {
  return version.charCodeAt(0) === 82 && version.charCodeAt(1) === 95;
}

export function parseMigrationFileName(baseName: string, file = baseName): { version: string; name: string; repeatable?: boolean } {
  const m = FILE_NAME.exec(baseName);
  if (!m) {
    const r = REPEATABLE_FILE_NAME.exec(baseName);
    if (r) return { version: repeatableVersion(r[1]!), name: r[1]!, repeatable: true };
    throw new MigrationError(
      'E_BAD_FILENAME',
      `"${baseName}" is not a migration file name`,
      'name migration files NNN_snake_name.sql (for example 004_add_observations.sql; R_name.sql for a repeatable one), or move other files out of the migrations directory (a directory of another tool\'s migrations: set "format" in the config)',
      { file },
    );
  }
  return { version: m[1]!, name: m[2]! };
}

/** SHA-256 of SQL text with line endings normalised and trailing whitespace dropped. */
export function checksumSql(sql: string): string {
  // trimEnd() removes exactly what /\s+$/ matches (white space and line terminators), without the regex's backtracking.
  const normalised = (sql.indexOf('\r') === -1 ? sql : sql.replace(/\r\n?/g, '\n')).trimEnd();
  return createHash('sha256').update(normalised, 'utf8').digest('hex');
}

/** True when the text has something other than whitespace and `--` / block comments. */
export function hasStatements(sql: string): boolean {
  return firstCodeOffset(sql) !== -1;
}

/** Offset of the first character that is not whitespace or a comment, or -1. */
export function firstCodeOffset(sql: string): number {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') { depth++; i += 2; }
        else if (sql[i] === '*' && sql[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
    } else {
      return i;
    }
  }
  return -1;
}

function splitList(value: string): string[] {
  return value.split(/[,\s]+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The header directives of a migration: "-- depends:", "-- transaction:", "-- environments:". */
export interface HeaderDirectives {
  depends: string[];
  transactional: boolean;
  environments: string[] | null;
}
type Header = HeaderDirectives;

interface Markers {
  upIdx: number;
  downIdx: number;
}

/** Record the "-- Up migration" / "-- Down migration" marker on line i, refusing a second one or a wrong order. */
function takeMarker(kind: 'up' | 'down', i: number, markers: Markers, file: string): void {
  const line = i + 1;
  if (kind === 'up') {
    if (markers.upIdx !== -1) {
      throw new MigrationError('E_DUPLICATE_MARKER', `second "-- Up migration" marker (the first is on line ${markers.upIdx + 1})`,
        'keep one "-- Up migration" marker; put every up statement below it', { file, line });
    }
    if (markers.downIdx !== -1) {
      throw new MigrationError('E_MARKER_ORDER', `"-- Up migration" comes after "-- Down migration" (line ${markers.downIdx + 1})`,
        'put the "-- Up migration" section first and the "-- Down migration" section after it', { file, line });
    }
    markers.upIdx = i;
    return;
  }
  if (markers.downIdx !== -1) {
    throw new MigrationError('E_DUPLICATE_MARKER', `second "-- Down migration" marker (the first is on line ${markers.downIdx + 1})`,
      'keep one "-- Down migration" marker; put every down statement below it', { file, line });
  }
  if (markers.upIdx === -1) {
    throw new MigrationError('E_MARKER_ORDER', '"-- Down migration" appears before any "-- Up migration" marker',
      'add a "-- Up migration" line above the up statements, before the "-- Down migration" section', { file, line });
  }
  markers.downIdx = i;
}

/** Apply one header directive ("-- depends:", "-- transaction:", "-- environments:") to the header. */
function takeDirective(key: string, value: string, header: Header, file: string, line: number): void {
  if (key === 'depends') {
    const list = splitList(value);
    if (list.length === 0) {
      throw new MigrationError('E_BAD_DIRECTIVE', '"-- depends:" names no migration',
        'write the versions or file names this migration needs, e.g. "-- depends: 001_create_space_objects"', { file, line });
    }
    header.depends.push(...list);
    return;
  }
  if (key === 'transaction') {
    const v = value.toLowerCase();
    if (v === 'none' || v === 'false' || v === 'off') header.transactional = false;
    else if (v === 'single' || v === 'true' || v === 'on' || v === 'default') header.transactional = true;
    else {
      throw new MigrationError('E_BAD_DIRECTIVE', `"-- transaction: ${value}" is not understood`,
        'write "-- transaction: none" to run this migration outside a transaction, or remove the line', { file, line });
    }
    return;
  }
  const list = splitList(value);
  if (list.length === 0) {
    throw new MigrationError('E_BAD_DIRECTIVE', '"-- environments:" names no environment',
      'list the environments this migration runs in, e.g. "-- environments: development, test", or remove the line', { file, line });
  }
  header.environments = list;
}

/** A header comment line: a directive, or a comment that must not look like a misspelled one. */
function readHeaderLine(trimmed: string, header: Header, file: string, line: number): void {
  const d = DIRECTIVE.exec(trimmed);
  if (d) {
    takeDirective(d[1]!.toLowerCase(), d[2]!.trim(), header, file, line);
    return;
  }
  const near = LOOKS_LIKE_DIRECTIVE.exec(trimmed);
  const meant = near ? nearestDirective(near[1]!.toLowerCase()) : null;
  if (near && meant) {
    // A misspelled directive would otherwise be a plain comment: "-- environment: production" would run everywhere.
    throw new MigrationError('E_BAD_DIRECTIVE', `"-- ${near[1]}:" is not a directive (did you mean "-- ${meant}:"?)`,
      `write "-- ${meant}: ..." (directives are depends, transaction and environments), or reword the comment so it does not look like one`, { file, line });
  }
}

/**
 * The directives in the comment lines that open a file (from line index `from`, before `to` and before the first
 * line that is not blank or a "--" comment): how every format reads "-- transaction: none", "-- depends:" and
 * "-- environments:" (golang-migrate and dbmate files have no header of their own). A misspelled directive is an error.
 * `plainKeys` are comment keys a format writes itself (Sqitch's "-- requires:"): comments there, never misspelled directives.
 */
export function readLeadingDirectives(lines: readonly string[], file: string, from = 0, to = lines.length, plainKeys: readonly string[] = []): HeaderDirectives {
  const header: Header = { depends: [], transactional: true, environments: null };
  for (let i = from; i < to; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    const key = plainKeys.length ? LOOKS_LIKE_DIRECTIVE.exec(trimmed)?.[1]?.toLowerCase() : undefined;
    if (key && plainKeys.includes(key)) continue;
    readHeaderLine(trimmed, header, file, i + 1);
  }
  return header;
}

/** A text's lines, without a leading byte-order mark, split at any line ending. */
export function textLines(text: string): string[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return src.indexOf('\r') === -1 ? src.split('\n') : src.split(/\r\n|\n|\r/);
}

/** Refuse SQL above the "-- Up migration" marker, or a file without one. */
function assertUpMarker(lines: string[], upIdx: number, file: string): void {
  const headerEnd = upIdx === -1 ? lines.length : upIdx;
  const header = lines.slice(0, headerEnd).join('\n');
  const codeAt = firstCodeOffset(header);
  if (codeAt !== -1) {
    const line = header.slice(0, codeAt).split('\n').length;
    throw new MigrationError('E_MISSING_UP_MARKER',
      upIdx === -1 ? 'no "-- Up migration" marker found' : 'SQL appears before the "-- Up migration" marker',
      'add a line "-- Up migration" above the first statement (and "-- Down migration" above the statements that undo it)', { file, line });
  }
  if (upIdx === -1) {
    throw new MigrationError('E_MISSING_UP_MARKER', 'no "-- Up migration" marker found',
      'add a line "-- Up migration" above the statements that apply this migration, and "-- Down migration" above the ones that undo it',
      { file, line: 1 });
  }
}

export function parseMigrationFile(text: string, file: string, baseName?: string): MigrationFile {
  const base = baseName ?? file.split(/[\\/]/).pop()!;
  return parseMarkedMigration(text, file, parseMigrationFileName(base, file));
}

/** Who a migration is: what its file name says (the name's shape differs between formats). */
export interface MigrationIdentity {
  version: string;
  name: string;
  repeatable?: boolean;
}

/**
 * A file split at its "-- Up migration" / "-- Down migration" markers (any letter case), with the header directives
 * above the up marker; `identity` comes from the file name (native, node-pg-migrate).
 */
export function parseMarkedMigration(text: string, file: string, identity: MigrationIdentity): MigrationFile {
  const { version, name, repeatable } = identity;
  const lines = textLines(text);
  const markers: Markers = { upIdx: -1, downIdx: -1 };
  const header: Header = { depends: [], transactional: true, environments: null };

  for (let i = 0; i < lines.length; i++) {
    // Markers and directives are comments: skip SQL lines after the header without trimming them or running the patterns.
    if (markers.upIdx !== -1 && !lines[i]!.includes('--')) continue;
    const trimmed = lines[i]!.trim();
    if (markers.upIdx !== -1 && !trimmed.startsWith('--')) continue;
    if (UP_MARKER.test(trimmed)) takeMarker('up', i, markers, file);
    else if (DOWN_MARKER.test(trimmed)) takeMarker('down', i, markers, file);
    else if (markers.upIdx === -1) readHeaderLine(trimmed, header, file, i + 1);
  }
  const { upIdx, downIdx } = markers;
  assertUpMarker(lines, upIdx, file);

  const upEnd = downIdx === -1 ? lines.length : downIdx;
  const up = lines.slice(upIdx + 1, upEnd).join('\n');
  const down = downIdx === -1 ? null : lines.slice(downIdx + 1).join('\n');
  return {
    version,
    name,
    file,
    up,
    down,
    upLine: upIdx + 2,
    downLine: downIdx === -1 ? null : downIdx + 2,
    depends: header.depends,
    transactional: header.transactional,
    environments: header.environments,
    checksum: checksumSql(up),
    ...(repeatable ? { repeatable: true } : {}),
  };
}

/** A migration can be rolled back when its down section holds at least one statement. */
export function isReversible(m: Pick<MigrationFile, 'down'>): boolean {
  return m.down !== null && hasStatements(m.down);
}

/** Compare versions numerically so 9 < 10 whatever the zero padding. */
export function compareVersions(a: string, b: string): number {
  // Repeatable migrations ("R_name") come after every versioned one, in name order.
  const ra = isRepeatableVersion(a);
  if (ra || isRepeatableVersion(b)) return ra && isRepeatableVersion(b) ? (a < b ? -1 : a > b ? 1 : 0) : ra ? 1 : -1;
  // Dotted versions (Flyway's 1.2.10) compare part by part.
  if (a.indexOf('.') !== -1 || b.indexOf('.') !== -1) return compareDotted(a, b);
  // Digit strings compare as numbers: drop leading zeros, then the longer is larger, else compare text.
  // Index arithmetic instead of slicing: a status sorts 10,000 versions (about 130,000 comparisons).
  const i = leadingZeros(a);
  const j = leadingZeros(b);
  const lx = a.length - i;
  const ly = b.length - j;
  if (lx !== ly) return lx < ly ? -1 : 1;
  for (let k = 0; k < lx; k++) {
    const d = a.charCodeAt(i + k) - b.charCodeAt(j + k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function compareDotted(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
    // A missing part counts as 0: Flyway treats 1 and 1.0 as the same version.
    const c = compareVersions(pa[k] || '0', pb[k] || '0');
    if (c !== 0) return c;
  }
  return 0;
}

/** How many characters /^0+(?=\d)/ matches: the zeros before the first digit that is followed by nothing or a non-digit. */
function leadingZeros(s: string): number {
  let i = 0;
  while (i + 1 < s.length && s.charCodeAt(i) === 48) {
    const next = s.charCodeAt(i + 1);
    if (next < 48 || next > 57) break;
    i++;
  }
  return i;
}

export function migrationId(m: { version: string; name: string }): string {
  // A repeatable migration's version already holds its name ("R_refresh_views").
  return isRepeatableVersion(m.version) ? m.version : `${m.version}_${m.name}`;
}

/** True when `ref` names this migration: by version ("3", "003"), full id ("003_add_x", ".sql" allowed) or name ("add_x"). */
export function matchesMigrationRef(m: { version: string; name: string }, ref: string): boolean {
  const r = ref.trim().replace(/\.sql$/i, '');
  return migrationId(m) === r || m.name === r || (/^\d+(\.\d+)*$/.test(r) && compareVersions(m.version, r) === 0);
}
