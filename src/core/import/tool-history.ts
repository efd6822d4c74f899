/**
 * What another tool's history table says is applied, matched to the project's migration files. Pure: rows and
 * files in, one entry per applied migration out (the raw bytes of a file come through a function, for the
 * tools that keep a checksum of them).
 */
import * as path from 'node:path';
import { MigrationError } from '../errors';
import { compareVersions, isRepeatableVersion, repeatableVersion, type MigrationFile } from '../migration-file';
import { normaliseVersion } from '../planner';
import { flywayChecksum, sqitchScriptHash } from './checksums';
import type { DbmateRow, FlywayRow, GolangMigrateRow, NodePgMigrateRow, SqitchRow, ToolRows } from './tools';

/** One migration the tool recorded as applied (or dirty), with the file it matches when there is one. */
export interface ToolApplied {
  version: string;
  name: string;
  file: MigrationFile | null;
  dirty: boolean;
  /** Why it is dirty, in the tool's words. */
  dirtyReason: string | null;
  /** The tool's checksum of the file when it keeps one and still matches the file: true / false; null: no checksum to compare. */
  checksumMatches: boolean | null;
  /** The tool's own checksum, for the modified-marker and the log. */
  toolChecksum: string | null;
  appliedAt: Date | null;
  appliedBy: string | null;
  durationMs: number | null;
  /** How the tool's table names it, for messages. */
  source: string;
}

export interface ToolHistoryOptions {
  /** The bytes of a migration file as they are on disk (null when unreadable). */
  readRaw(file: MigrationFile): Buffer | null;
  /** Sqitch: the project name from sqitch.plan (%project=), to keep other projects' changes out; null: unknown. */
  sqitchProject?: string | null;
}

export function interpretToolRows(rows: ToolRows, files: MigrationFile[], options: ToolHistoryOptions): ToolApplied[] {
  switch (rows.tool) {
    case 'golang-migrate': return golangMigrate(rows.rows, files);
    case 'dbmate': return dbmate(rows.rows, files);
    case 'flyway': return flyway(rows.rows, files, options);
    case 'node-pg-migrate': return nodePgMigrate(rows.rows, files);
    case 'sqitch': return sqitch(rows.rows, files, options);
  }
}

function entry(partial: Partial<ToolApplied> & Pick<ToolApplied, 'version' | 'name' | 'file' | 'source'>): ToolApplied {
  return { dirty: false, dirtyReason: null, checksumMatches: null, toolChecksum: null, appliedAt: null, appliedBy: null, durationMs: null, ...partial };
}

const versioned = (files: MigrationFile[]) => files.filter((f) => !f.repeatable && !isRepeatableVersion(f.version));
const sameVersion = (a: string, b: string) => normaliseVersion(a) === normaliseVersion(b) || compareVersions(a, b) === 0;

/** The file's name without directory and extension(s) after the first dot of ".sql"/".up.sql". */
function stem(file: MigrationFile): string {
  return path.basename(file.file).replace(/(\.up)?\.sql$/i, '').replace(/\.(js|cjs|mjs|ts)$/i, '');
}

/** A recorded migration whose file is gone, named as the tool names it: "<digits>_<rest>" gives both, else a synthetic version before every file. */
function missingVersion(label: string, index: number): { version: string; name: string } {
  const m = /^(\d+)(?:_(.*))?$/.exec(label);
  if (m) return { version: m[1]!, name: m[2] || label };
  return { version: `0.${index + 1}`, name: label.replace(/[^A-Za-z0-9_-]+/g, '_') || 'unnamed' };
}

/** golang-migrate: one row, the current version; every migration at or below it is applied. */
function golangMigrate(rows: GolangMigrateRow[], files: MigrationFile[]): ToolApplied[] {
  if (rows.length > 1) {
    throw new MigrationError('E_IMPORT_TABLE_SHAPE', `golang-migrate's schema_migrations holds ${rows.length} rows (versions ${rows.map((r) => r.version).join(', ')}); golang-migrate keeps exactly one`,
      'check which version is current with "migrate version", fix the table with "migrate force VERSION", then import again');
  }
  const row = rows[0];
  if (!row || Number(row.version) < 0) return [];
  const source = `schema_migrations version ${row.version}${row.dirty ? ', dirty' : ''}`;
  const out = versioned(files).filter((f) => compareVersions(f.version, row.version) <= 0).map((f) => {
    const current = sameVersion(f.version, row.version);
    return entry({ version: f.version, name: f.name, file: f, source,
      dirty: current && row.dirty,
      dirtyReason: current && row.dirty ? 'dirty in golang-migrate (schema_migrations.dirty = true): it failed or stopped partway' : null });
  });
  if (!out.some((e) => sameVersion(e.version, row.version))) {
    out.push(entry({ version: row.version, name: 'unknown', file: null, source, dirty: row.dirty,
      dirtyReason: row.dirty ? 'dirty in golang-migrate (schema_migrations.dirty = true): it failed or stopped partway' : null }));
  }
  return out;
}

/** dbmate: one row per applied version. */
function dbmate(rows: DbmateRow[], files: MigrationFile[]): ToolApplied[] {
  const candidates = versioned(files);
  return rows.map((r, i) => {
    const file = candidates.find((f) => sameVersion(f.version, r.version)) ?? null;
    const id = file ? { version: file.version, name: file.name } : { version: missingVersion(r.version, i).version, name: 'unknown' };
    return entry({ ...id, file, source: `schema_migrations version ${r.version}` });
  });
}

/** node-pg-migrate: one row per applied migration, named by its file name without the extension. */
function nodePgMigrate(rows: NodePgMigrateRow[], files: MigrationFile[]): ToolApplied[] {
  return rows.map((r, i) => {
    const file = files.find((f) => stem(f) === r.name) ?? null;
    const id = file ? { version: file.version, name: file.name } : missingVersion(r.name, i);
    return entry({ ...id, file, appliedAt: r.runOn, source: `pgmigrations "${r.name}"` });
  });
}

/** Sqitch: one row per deployed change (of this project), matched by change name; script_hash against the deploy script. */
function sqitch(rows: SqitchRow[], files: MigrationFile[], options: ToolHistoryOptions): ToolApplied[] {
  const projects = [...new Set(rows.map((r) => r.project))].sort();
  const project = options.sqitchProject ?? null;
  if (!project && projects.length > 1) {
    throw new MigrationError('E_IMPORT_AMBIGUOUS', `sqitch.changes holds changes of ${projects.length} projects (${projects.join(', ')}) and sqitch.plan names none`,
      'add "%project=NAME" to the top of sqitch.plan so the import takes only that project\'s changes');
  }
  const mine = project ? rows.filter((r) => r.project === project) : rows;
  const hashOf = new Map<MigrationFile, string | null>();
  const hash = (f: MigrationFile) => {
    if (!hashOf.has(f)) { const raw = options.readRaw(f); hashOf.set(f, raw ? sqitchScriptHash(raw) : null); }
    return hashOf.get(f)!;
  };
  // A reworked change is one plan entry (and one deployed row) per version of it: rows take the entry whose deploy
  // script has their hash, then the remaining entries in plan order.
  const paired = new Map<SqitchRow, MigrationFile | null>();
  for (const name of new Set(mine.map((r) => r.change))) {
    const free = files.filter((f) => f.name === name);
    const named = mine.filter((r) => r.change === name);
    for (const r of named) {
      const i = free.findIndex((f) => r.scriptHash !== null && hash(f) === r.scriptHash);
      if (i !== -1) paired.set(r, free.splice(i, 1)[0]!);
    }
    for (const r of named) if (!paired.has(r)) paired.set(r, free.shift() ?? null);
  }
  let missing = 0;
  return mine.map((r) => {
    const file = paired.get(r) ?? null;
    const id = file ? { version: file.version, name: file.name } : { version: `0.${++missing}`, name: r.change.replace(/[^A-Za-z0-9_-]+/g, '_') };
    return entry({ ...id, file, appliedAt: r.committedAt, appliedBy: r.committerName, source: `sqitch.changes "${r.change}" (${r.changeId.slice(0, 12)})`,
      toolChecksum: r.scriptHash, checksumMatches: file && r.scriptHash ? hash(file) === r.scriptHash : null });
  }).sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * Flyway: the latest row per version (versioned) or per script (repeatable) by installed_rank; a successful
 * UNDO_* or a DELETE row takes it back; success = false is dirty; a BASELINE row stands for every version at or
 * below it; SCHEMA rows (schemas Flyway created) are not migrations.
 */
function flyway(rows: FlywayRow[], files: MigrationFile[], options: ToolHistoryOptions): ToolApplied[] {
  const state = new Map<string, FlywayRow>();
  let baseline: FlywayRow | null = null;
  const key = (r: FlywayRow) => (r.version === null ? `R:${path.basename(r.script)}` : `V:${r.version.split('.').map((p) => normaliseVersion(p)).join('.')}`);
  for (const r of rows) {
    if (r.type === 'SCHEMA') continue;
    if (r.type === 'BASELINE') { baseline = r; state.delete(key(r)); continue; }
    if (r.type === 'DELETE') { state.delete(key(r)); continue; }
    if (r.type.startsWith('UNDO_')) {
      if (r.success) state.delete(key(r));
      else state.set(key(r), r);
      continue;
    }
    state.set(key(r), r);
  }
  const out: ToolApplied[] = [];
  const taken = new Set<MigrationFile>();
  for (const r of state.values()) {
    const file = flywayFile(r, files);
    if (file) taken.add(file);
    out.push(flywayEntry(r, file, options, out.length));
  }
  if (baseline?.version) {
    for (const f of versioned(files)) {
      if (taken.has(f) || compareVersions(f.version, baseline.version) > 0) continue;
      out.push(entry({ version: f.version, name: f.name, file: f, appliedAt: baseline.installedOn, appliedBy: baseline.installedBy, durationMs: 0,
        source: `flyway_schema_history baseline ${baseline.version} (rank ${baseline.installedRank})` }));
    }
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

function flywayFile(r: FlywayRow, files: MigrationFile[]): MigrationFile | null {
  const script = path.basename(r.script);
  if (r.version === null) return files.find((f) => f.repeatable && path.basename(f.file) === script) ?? null;
  const candidates = versioned(files).filter((f) => compareVersions(f.version, r.version!) === 0);
  return candidates.find((f) => path.basename(f.file) === script) ?? candidates[0] ?? null;
}

function flywayEntry(r: FlywayRow, file: MigrationFile | null, options: ToolHistoryOptions, index: number): ToolApplied {
  const repeatableName = r.description.trim().replace(/[^A-Za-z0-9_-]+/g, '_') || `script_${index + 1}`;
  const id = file ? { version: file.version, name: file.name }
    : r.version === null ? { version: repeatableVersion(repeatableName), name: repeatableName }
    : { version: r.version, name: r.description.trim().replace(/[^A-Za-z0-9_-]+/g, '_') || 'unnamed' };
  let matches: boolean | null = null;
  if (file && r.checksum !== null) {
    const raw = options.readRaw(file);
    // Flyway sums the script as it is on disk; the text after placeholder substitution is accepted too.
    matches = raw !== null && (flywayChecksum(raw.toString('utf8')) === r.checksum || flywayChecksum(file.up) === r.checksum);
  }
  const undo = r.type.startsWith('UNDO_');
  return entry({ ...id, file, appliedAt: r.installedOn, appliedBy: r.installedBy, durationMs: r.executionTime,
    source: `flyway_schema_history rank ${r.installedRank} (${r.script})`, toolChecksum: r.checksum === null ? null : String(r.checksum), checksumMatches: matches,
    dirty: !r.success, dirtyReason: r.success ? null : `failed in Flyway (${undo ? 'undo ' : ''}success = false in flyway_schema_history, rank ${r.installedRank}): it may have stopped partway` });
}
