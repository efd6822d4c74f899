import { MigrationError } from './errors';
import { downSectionWords } from './formats/wording';
import type { HistoryRow } from './history';
import { compareVersions, isRepeatableVersion, isReversible, matchesMigrationRef, migrationId, type MigrationFile, type StatusFile } from './migration-file';

/**
 * The planner is pure: (files on disk, history rows, options) -> status and plans.
 * Nothing here touches a database or the file system.
 */
export type MigrationState =
  | 'applied'   // recorded, checksum matches the file
  | 'pending'   // file present, not recorded
  | 'modified'  // recorded, but the file's up section changed since
  | 'missing'   // recorded, but the file is gone
  | 'dirty'     // recorded as running: a non-transactional migration was interrupted
  | 'skipped'   // pending, but its "-- environments:" excludes this environment
  | 'outdated'; // a repeatable migration whose file changed since it was applied: --up applies it again

/** A migration the next --up would apply: pending, or a repeatable one changed since it was applied. */
export function isDue(state: MigrationState): boolean {
  return state === 'pending' || state === 'outdated';
}

/** `F`: the full file (up, down, plan) or only what a status shows of it (--status, read through status-cache.ts). */
export interface MigrationStatus<F extends StatusFile = MigrationFile> {
  version: string;
  name: string;
  state: MigrationState;
  /** Pending (or skipped) while a newer version is already applied. */
  outOfOrder: boolean;
  file: F | null;
  history: HistoryRow | null;
}

export function computeStatus<F extends StatusFile>(files: F[], history: HistoryRow[], options: { environment: string }): MigrationStatus<F>[] {
  const byVersion = new Map<string, HistoryRow>();
  for (const h of history) byVersion.set(normaliseVersion(h.version), h);
  let newestApplied: string | null = null;
  // Repeatable migrations always run after the versioned ones: they say nothing about what is out of order.
  for (const h of history) if (!isRepeatableVersion(h.version) && (newestApplied === null || compareVersions(h.version, newestApplied) > 0)) newestApplied = h.version;

  const out: MigrationStatus<F>[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const key = normaliseVersion(file.version);
    seen.add(key);
    const h = byVersion.get(key) ?? null;
    let state: MigrationState;
    const repeatable = isRepeatableVersion(file.version);
    if (h) state = h.status === 'running' ? 'dirty' : h.checksum === file.checksum ? 'applied' : repeatable ? 'outdated' : 'modified';
    else if (file.environments && !file.environments.includes(options.environment)) state = 'skipped';
    else state = 'pending';
    const outOfOrder = !h && !repeatable && newestApplied !== null && compareVersions(file.version, newestApplied) < 0;
    out.push({ version: file.version, name: file.name, state, outOfOrder, file, history: h });
  }
  for (const h of history) {
    if (seen.has(normaliseVersion(h.version))) continue;
    out.push({ version: h.version, name: h.name, state: h.status === 'running' ? 'dirty' : 'missing', outOfOrder: false, file: null, history: h });
  }
  out.sort((a, b) => compareVersions(a.version, b.version) || a.name.localeCompare(b.name));
  return out;
}

/** A digit string without its leading zeros ("007" -> "7", "000" -> "0"); anything else as it is. */
export function normaliseVersion(v: string): string {
  const n = v.length;
  if (n === 0) return v;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return v;
    if (c === 48 && zeros === i && i < n - 1) zeros++;
  }
  return zeros === 0 ? v : v.slice(zeros);
}

/** Finds a migration by version ("3", "003"), full id ("003_add_x") or name ("add_x"). */
export function resolveMigrationRef(statuses: MigrationStatus[], ref: string): MigrationStatus {
  const found = statuses.filter((s) => matchesMigrationRef(s, ref));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new MigrationError('E_UNKNOWN_VERSION', `"${ref}" matches more than one migration: ${found.map(migrationId).join(', ')}`,
      'name it by version or by its full file name (without .sql)');
  }
  throw new MigrationError('E_UNKNOWN_VERSION', `no migration matches "${ref}"`,
    'give a version (e.g. 003), a file name without .sql, or a migration name; run --status to list them');
}

export interface UpOptions {
  /** Apply up to and including this migration. */
  to?: string;
  steps?: number;
  allowOutOfOrder?: boolean;
  /** Apply even though an applied migration's file changed. */
  allowDrift?: boolean;
  /** Edges inferred from the parse trees (see dependencies.ts); declared ones come from the files. */
  edges?: InferredEdge[];
}

export interface InferredEdge {
  from: string;
  to: string;
  reason: string;
  declared: boolean;
}

export interface UpStep {
  migration: MigrationFile;
}

/** Each planned migration's declared and inferred dependencies are applied, or planned before it in this run. */
function assertDependenciesMet(statuses: MigrationStatus[], candidates: MigrationStatus[], edges: InferredEdge[]): void {
  const applied = new Set(statuses.filter((s) => s.state === 'applied' || s.state === 'modified' || s.state === 'missing').map((s) => normaliseVersion(s.version)));
  const planned = new Set<string>();
  const ready = (version: string): boolean => {
    const key = normaliseVersion(version);
    return applied.has(key) || planned.has(key);
  };
  for (const c of candidates) {
    for (const dep of c.file!.depends) assertDeclaredDependency(statuses, c, dep, ready);
    for (const e of edges) {
      // A versioned migration may use what a repeatable one made (a view): repeatables run after, and again whenever they change.
      if (e.declared || compareVersions(e.from, c.version) !== 0 || ready(e.to) || isRepeatableVersion(e.to)) continue;
      const target = statuses.find((x) => compareVersions(x.version, e.to) === 0);
      const targetId = target ? migrationId(target) : e.to;
      throw new MigrationError('E_DEPENDENCY',
        `${migrationId(c)} depends on ${targetId} (it ${e.reason}), which ${target?.state === 'pending' ? 'would not have run before it' : `is ${target?.state ?? 'unknown'}`}`,
        compareVersions(e.to, c.version) > 0
          ? `renumber ${migrationId(c)} after ${targetId}, or move what it needs into an earlier migration`
          : `apply ${targetId} first (widen --to / --steps)`,
        { file: c.file!.file });
    }
    planned.add(normaliseVersion(c.version));
  }
}

function assertDeclaredDependency(statuses: MigrationStatus[], c: MigrationStatus, dep: string, ready: (version: string) => boolean): void {
  let target: MigrationStatus;
  try {
    target = resolveMigrationRef(statuses, dep);
  } catch {
    throw new MigrationError('E_UNKNOWN_VERSION', `${migrationId(c)} depends on "${dep}", which is not a known migration`,
      'correct the "-- depends:" line to name an existing migration (version or file name without .sql)', { file: c.file!.file });
  }
  if (ready(target.version)) return;
  throw new MigrationError('E_DEPENDENCY',
    `${migrationId(c)} depends on ${migrationId(target)}, which is ${target.state} and not applied before it in this run`,
    target.state === 'skipped'
      ? `${migrationId(target)} does not run in this environment; add the environment to its "-- environments:" line or drop the dependency`
      : `apply ${migrationId(target)} first (widen --to / --steps), or correct the "-- depends:" line`,
    { file: c.file!.file });
}

export function planUp(statuses: MigrationStatus[], options: UpOptions = {}): UpStep[] {
  const dirty = statuses.find((s) => s.state === 'dirty');
  if (dirty) throw dirtyError(dirty);
  assertNoRename(statuses);
  if (!options.allowDrift) {
    const modified = statuses.find((s) => s.state === 'modified');
    if (modified) {
      throw new MigrationError('E_DRIFT',
        `${migrationId(modified)} was changed after it was applied (checksum ${short(modified.history!.checksum)} in the database, ${short(modified.file!.checksum)} on disk)`,
        'restore the file to what was applied (git checkout), or roll it back first, then edit it; put new changes in a new migration',
        { file: modified.file!.file, line: modified.file!.upLine });
    }
  }
  let limit: string | null = null;
  if (options.to !== undefined) {
    const target = resolveMigrationRef(statuses, options.to);
    if (!target.file) {
      throw new MigrationError('E_UNKNOWN_VERSION', `${migrationId(target)} has no file on disk, so it cannot be applied`,
        'restore the file, or choose a migration that exists');
    }
    limit = target.version;
  }
  if (!options.allowDrift) {
    const missing = statuses.find((s) => s.state === 'missing');
    if (missing) {
      throw new MigrationError('E_DRIFT',
        `${migrationId(missing)} is recorded as applied, but its file is gone from the migrations directory`,
        'restore the file (git checkout), or roll it back first with --down (its down SQL is stored); run with --allow-drift to apply the pending migrations anyway');
    }
  }
  let candidates = statuses.filter((s) => s.state === 'pending' && !isRepeatableVersion(s.version) && (limit === null || compareVersions(s.version, limit) <= 0));
  candidates.push(...repeatablesToApply(statuses, candidates, limit));
  if (options.steps !== undefined) candidates = candidates.slice(0, Math.max(0, options.steps));

  if (!options.allowOutOfOrder) {
    const late = candidates.find((s) => s.outOfOrder);
    if (late) {
      const newest = statuses.filter((s) => s.history).map((s) => s.version).sort(compareVersions).pop();
      throw new MigrationError('E_OUT_OF_ORDER',
        `${migrationId(late)} is pending but older than ${newest ?? 'the newest'} which is already applied`,
        'renumber it after the newest applied migration (usual after a merge), or set "allowOutOfOrder": true in the config to apply it anyway',
        { file: late.file!.file });
    }
  }

  assertDependenciesMet(statuses, candidates, options.edges ?? []);
  return candidates.map((c) => ({ migration: c.file! }));
}

/**
 * The repeatable migrations an --up applies after its versioned ones: those never applied or changed since
 * ("outdated"), and only when the run brings every versioned migration up to date (a repeatable runs against the
 * newest schema, as in Flyway). With --to naming a repeatable, only that one.
 */
function repeatablesToApply(statuses: MigrationStatus[], versioned: MigrationStatus[], limit: string | null): MigrationStatus[] {
  const due = statuses.filter((s) => (s.state === 'pending' || s.state === 'outdated') && isRepeatableVersion(s.version));
  if (limit !== null && isRepeatableVersion(limit)) return due.filter((s) => s.version === limit);
  const planned = new Set(versioned.map((s) => s.version));
  const leftBehind = statuses.some((s) => s.state === 'pending' && !isRepeatableVersion(s.version) && !planned.has(s.version));
  return leftBehind ? [] : due;
}

export interface DownOptions {
  /** Edges inferred from the parse trees: a migration that stays applied keeps what it uses. */
  edges?: InferredEdge[];
  /** Roll back every migration newer than this one ("0" rolls back everything). */
  to?: string;
  /** Roll back down to and including this migration. */
  target?: string;
  steps?: number;
}

export interface DownStep {
  version: string;
  name: string;
  downSql: string;
  /** Where downSql came from, for messages and error line numbers. */
  source: 'file' | 'history';
  file: MigrationFile | null;
  transactional: boolean;
}

export function planDown(statuses: MigrationStatus[], options: DownOptions = {}): DownStep[] {
  const dirty = statuses.find((s) => s.state === 'dirty');
  if (dirty) throw dirtyError(dirty);
  // Rollbacks undo the most recently applied migration first, like a stack (an out-of-order apply is on top).
  const applied = statuses
    .filter((s) => s.history && !isRepeatableVersion(s.version) && (s.state === 'applied' || s.state === 'modified' || s.state === 'missing'))
    .sort(newestAppliedFirst);
  // Repeatable migrations sit on top of the versioned ones: every rollback takes them off first (newest first),
  // and the next --up applies them again on the schema it leaves.
  const repeatables = statuses.filter((s) => s.history && isRepeatableVersion(s.version) && s.state !== 'dirty').sort(newestAppliedFirst);

  let chosen: MigrationStatus[];
  if (options.target !== undefined) {
    const t = resolveMigrationRef(statuses, options.target);
    if (!t.history) throw new MigrationError('E_UNKNOWN_VERSION', `${migrationId(t)} is not applied, so there is nothing to roll back`, 'run --status to see what is applied');
    // The target and everything applied after it.
    chosen = isRepeatableVersion(t.version) ? [] : applied.slice(0, applied.findIndex((s) => s.version === t.version) + 1);
  } else if (options.to !== undefined) {
    if (/^0+$/.test(options.to.trim())) chosen = applied;
    else {
      const floor = resolveMigrationRef(statuses, options.to);
      if (!floor.history) throw new MigrationError('E_UNKNOWN_VERSION', `${migrationId(floor)} is not applied, so --to cannot roll back to it`, 'run --status to see what is applied, or use --to 0 to roll back everything');
      // Everything applied after it.
      chosen = applied.slice(0, applied.findIndex((s) => s.version === floor.version));
    }
  } else {
    chosen = applied.slice(0, options.steps ?? 1);
  }

  const steps: DownStep[] = repeatables.map(repeatableDownStep);
  for (const s of chosen) {
    const fromFile = s.file && s.state === 'applied' && isReversible(s.file);
    const downSql = fromFile ? s.file!.down! : s.history!.downSql;
    if (!downSql || !isReversible({ down: downSql })) {
      const words = s.file ? downSectionWords(s.file) : null;
      const why = words ? (s.file!.down === null ? words.missing : words.empty) : 'has no stored down SQL';
      throw new MigrationError('E_IRREVERSIBLE', `${migrationId(s)} is irreversible: it ${why}`,
        `${words ? words.fix : 'write the statements that undo it in its file'}, or roll back to a later version with --to`,
        s.file ? { file: (s.file.down !== null && s.file.downFile) || s.file.file } : {});
    }
    steps.push({ version: s.version, name: s.name, downSql, source: fromFile ? 'file' : 'history', file: s.file, transactional: s.file ? s.file.transactional : s.history!.transactional });
  }

  // A migration that stays applied must not lose something it depends on.
  const reverting = new Set(chosen.map((s) => s.version));
  if (chosen.length === 0 && steps.length > 0) return steps;
  for (const s of applied) {
    if (reverting.has(s.version) || !s.file) continue;
    for (const dep of s.file.depends) {
      let target: MigrationStatus | null = null;
      try { target = resolveMigrationRef(statuses, dep); } catch { target = null; }
      if (target && reverting.has(target.version)) {
        throw new MigrationError('E_DEPENDENCY', `${migrationId(s)} depends on ${migrationId(target)} and stays applied, so ${migrationId(target)} cannot be rolled back alone`,
          `roll back ${migrationId(s)} too (e.g. --to a version before it)`, { file: s.file.file });
      }
    }
    for (const e of options.edges ?? []) {
      if (e.declared || compareVersions(e.from, s.version) !== 0 || !reverting.has(e.to)) continue;
      const target = statuses.find((x) => compareVersions(x.version, e.to) === 0)!;
      throw new MigrationError('E_DEPENDENCY', `${migrationId(s)} depends on ${migrationId(target)} (it ${e.reason}) and stays applied, so ${migrationId(target)} cannot be rolled back alone`,
        `roll back ${migrationId(s)} too (e.g. --to a version before it)`, { file: s.file.file });
    }
  }
  return steps;
}

/** Taking a repeatable migration off: its down section (from the file, else the history) when it has one, else only its history row. */
function repeatableDownStep(s: MigrationStatus): DownStep {
  const fileDown = s.file && isReversible(s.file) ? s.file.down! : null;
  const downSql = fileDown ?? (s.history!.downSql && isReversible({ down: s.history!.downSql }) ? s.history!.downSql : '');
  return {
    version: s.version, name: s.name, downSql, source: fileDown !== null || downSql === '' ? 'file' : 'history', file: s.file,
    transactional: s.file ? s.file.transactional : s.history!.transactional,
  };
}

/**
 * A pending file with exactly the up section of an applied migration whose file is gone was renamed (or
 * renumbered): applying it would run the same statements twice.
 */
function assertNoRename(statuses: MigrationStatus[]): void {
  const gone = statuses.filter((s) => s.state === 'missing' && s.history);
  if (gone.length === 0) return;
  for (const s of statuses) {
    if (s.state !== 'pending' && s.state !== 'skipped') continue;
    const was = gone.find((g) => g.history!.checksum === s.file!.checksum);
    if (!was) continue;
    throw new MigrationError('E_DRIFT',
      `${migrationId(s)} has the same up section as ${migrationId(was)}, which is applied and whose file is gone: it looks renamed, and applying it would run the same statements again`,
      `rename the file back to ${migrationId(was)}.sql (an applied migration keeps its version and name); if it really is a new migration, change it so it differs`,
      { file: s.file!.file });
  }
}

/**
 * The order migrations were applied in, newest first: later runs (batches) first and, within a run, higher
 * versions first (a run applies in version order). Rollbacks pop this stack.
 */
export function newestAppliedFirst(a: MigrationStatus, b: MigrationStatus): number {
  return (b.history?.batch ?? 0) - (a.history?.batch ?? 0) || compareVersions(b.version, a.version);
}

function dirtyError(s: MigrationStatus): MigrationError {
  const where = s.history?.error ? ` It stopped at ${s.history.error}.` : ' It was interrupted (the process stopped) before it finished.';
  return new MigrationError('E_DIRTY',
    `${migrationId(s)} is dirty: it runs outside a transaction ("-- transaction: none") and may be half applied.${where}`,
    `check which of its statements took effect and finish or undo them by hand, then run "database-migration --mark-applied ${s.version}" or "database-migration --mark-rolled-back ${s.version}"`,
    s.file ? { file: s.file.file } : {});
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}
