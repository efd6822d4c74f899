/**
 * One plan over many targets: --up, --down, --status and --verify on every database (or tenant schema) of a
 * fleet. Each target is an ordinary run of the engine with its own connection, lock, history table, backups
 * (.migrations/backups/<env>/fleet/<key>/) and log file (.migrations/fleet/<env>/<key>.log); the fleet only
 * chooses the order (schedule.ts) and gathers the outcomes. A re-run after a partial failure plans each target
 * from its own history, so it finishes the targets that are behind and changes nothing on the others.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTION_POLICY, needsConfirmation } from '../actions';
import { environmentDir } from '../config';
import type { EngineOptions } from '../context';
import type { Database } from '../db/database';
import { MigrationEngine, type MigrationRun } from '../engine';
import { MigrationError } from '../errors';
import type { EngineEvent } from '../events';
import type { PlanOptions } from '../plan';
import type { MigrationStatus } from '../planner';
import { connectProject, type Project } from '../project';
import { verificationError, type VerificationResult } from '../rehearsal';
import type { RunOptions } from '../migrate';
import type { StatusFile } from '../migration-file';
import { redactText } from '../redact';
import type { DriftReport } from '../shadow/drift';
import { ShadowService } from '../shadow/service';
import { assertMigratable, citusSessionSettings, detectCitus, type CitusInfo } from './citus';
import { buildStatusMatrix, type StatusMatrix } from './matrix';
import { schedule, type Outcome, type ScheduleSettings } from './schedule';
import type { FleetTarget } from './targets';
import { quoteIdent } from '../history';

export interface FleetError {
  code: string;
  message: string;
  hint: string | null;
  exitCode: number;
}

export type FleetEvent =
  | { type: 'target-start'; target: FleetTarget; canary: boolean }
  | { type: 'target-done'; target: FleetTarget; durationMs: number; summary: string }
  | { type: 'target-failed'; target: FleetTarget; error: FleetError }
  | { type: 'target-skipped'; target: FleetTarget; reason: string }
  | { type: 'engine'; target: FleetTarget; event: EngineEvent };

export interface TargetResult<R> {
  key: string;
  label: string;
  schema: string | null;
  state: 'ok' | 'failed' | 'skipped';
  canary: boolean;
  durationMs: number | null;
  /** Failed: what went wrong (redacted). */
  error: FleetError | null;
  /** Skipped: why it was not started. */
  reason: string | null;
  result: R | null;
}

export interface FleetRun<R> {
  environment: string;
  results: TargetResult<R>[];
  ok: boolean;
}

export interface FleetStatus extends FleetRun<MigrationStatus<StatusFile>[]> {
  matrix: StatusMatrix;
}

export interface FleetOptions {
  /** Opens a target's database (default connectProject). */
  connect?: (project: Project) => Database;
  engineOptions?: Omit<EngineOptions, 'onEvent'>;
  onEvent?: (event: FleetEvent) => void;
  /** Per-target log files under .migrations/fleet/<env>/ (default true). */
  logFiles?: boolean;
}

export type FleetSettings = Omit<ScheduleSettings, 'shouldStop'>;

export class Fleet {
  /** PGlite allows one open instance per data directory: targets sharing one (schemas of an embedded database) take turns. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(readonly project: Project, readonly targets: FleetTarget[], private readonly options: FleetOptions = {}) {}

  get environment(): string { return this.project.environment.name; }

  /** Where a target's log file is. */
  logFile(target: FleetTarget): string {
    return path.join(environmentDir(path.join(this.project.config.root, '.migrations', 'fleet'), this.environment), `${target.key}.log`);
  }

  /** The project one target runs as: the environment's settings with its own connection, history schema and backup directory. */
  targetProject(target: FleetTarget, extraSettings: Record<string, string> = {}): Project {
    const base = this.project;
    const settings = { ...base.environment.settings };
    delete settings.targets;
    const backupRoot = settings.backups?.dir ? path.resolve(base.config.root, settings.backups.dir)
      : environmentDir(path.join(base.config.root, '.migrations', 'backups'), this.environment);
    settings.backups = { ...settings.backups, dir: path.join(backupRoot, 'fleet', target.key) };
    const session = { ...settings.sessionSettings, ...extraSettings };
    // Schema per tenant: unqualified names resolve to (and are created in) the tenant's schema first.
    if (target.schema !== null) session['search_path'] = `${quoteIdent(target.schema)}, public`;
    if (Object.keys(session).length) settings.sessionSettings = session;
    const config = target.schema !== null ? { ...base.config, historySchema: target.schema } : base.config;
    return { config, environment: { name: base.environment.name, settings, target: target.connection }, envFiles: base.envFiles };
  }

  /** A protected environment's fleet is refused as a whole before any target starts (not target by target). */
  private assertMayChange(action: 'up' | 'down'): void {
    if (!needsConfirmation(action, this.project.environment) || this.options.engineOptions?.confirmed) return;
    throw new MigrationError('E_PROTECTED', `environment "${this.environment}" is protected; refusing to ${ACTION_POLICY[action].verb} its ${this.targets.length} targets without confirmation`,
      'run again with --yes (or answer the prompt) once you are sure');
  }

  async up(plan: PlanOptions & RunOptions, settings: FleetSettings): Promise<FleetRun<MigrationRun>> {
    this.assertMayChange('up');
    return this.run(settings, async (engine, target, canary) => {
      const run = await engine.up(plan);
      if (canary) await checkCanary(engine, run);
      return { result: run, summary: `${run.migrations.length} applied` };
    });
  }

  async down(plan: PlanOptions & RunOptions, settings: FleetSettings): Promise<FleetRun<MigrationRun>> {
    this.assertMayChange('down');
    return this.run(settings, async (engine) => {
      const run = await engine.down(plan);
      return { result: run, summary: `${run.migrations.length} rolled back` };
    });
  }

  verify(ref: string | undefined, settings: FleetSettings): Promise<FleetRun<VerificationResult[]>> {
    return this.run(settings, async (engine) => {
      const results = await engine.verify(ref);
      const failure = verificationError(results);
      if (failure) throw failure;
      return { result: results, summary: `${results.length} verified` };
    });
  }

  /**
   * --drift on every database target, with one shadow replay shared by all (the files are the same; each target
   * compares its own applied migrations). A schema target is refused: the comparison covers a whole database.
   */
  async drift(settings: FleetSettings): Promise<FleetRun<DriftReport>> {
    const schema = this.targets.find((t) => t.schema !== null);
    if (schema) {
      throw new MigrationError('E_USAGE', `--drift compares whole databases, and ${schema.label} is a schema target`,
        'run --drift on the database with --url (its report covers every tenant schema)');
    }
    const shadow = new ShadowService(this.project.config);
    try {
      return await this.run({ ...settings, canary: 0 }, async (engine) => {
        const report = await engine.drift();
        return { result: report, summary: report.items.length ? `${report.items.length} difference(s)` : 'no drift' };
      }, { shadow });
    } finally {
      await shadow.close();
    }
  }

  async status(settings: FleetSettings): Promise<FleetStatus> {
    const run = await this.run({ ...settings, canary: 0, onFailure: 'continue' }, async (engine) => {
      const report = await engine.statusSummary({ cache: false });
      return { result: report.statuses, summary: `${report.statuses.filter((s) => s.state === 'pending').length} pending` };
    }, { quiet: true });
    const matrix = buildStatusMatrix(run.results.map((r) => ({ key: r.key, label: r.label, statuses: r.result ?? undefined, error: r.error?.message ?? r.reason ?? undefined })));
    return { ...run, ok: run.ok, matrix };
  }

  /** Runs `work` on every target by the settings, with an engine of its own each. */
  private async run<R>(settings: FleetSettings, work: (engine: MigrationEngine, target: FleetTarget, canary: boolean) => Promise<{ result: R; summary: string }>,
    options: { quiet?: boolean; shadow?: ShadowService } = {}): Promise<FleetRun<R>> {
    const outcomes = await schedule<FleetTarget, R>(this.targets, { ...settings, shouldStop: this.options.engineOptions?.shouldStop }, {
      label: (t) => t.label,
      run: (t, canary) => this.inTurn(t, async () => {
        if (!options.quiet) this.emit({ type: 'target-start', target: t, canary });
        const t0 = performance.now();
        try {
          const done = await this.withEngine(t, (engine) => work(engine, t, canary), options.shadow);
          if (!options.quiet) this.emit({ type: 'target-done', target: t, durationMs: Math.round(performance.now() - t0), summary: done.summary });
          return done.result;
        } catch (err) {
          this.emit({ type: 'target-failed', target: t, error: fleetError(err) });
          throw err;
        }
      }),
    });
    const results = outcomes.map((o, k) => this.result(this.targets[k]!, o));
    for (const [k, r] of results.entries()) {
      if (r.state === 'skipped') this.emit({ type: 'target-skipped', target: this.targets[k]!, reason: r.reason! });
    }
    return { environment: this.environment, results, ok: results.every((r) => r.state === 'ok') };
  }

  private result<R>(target: FleetTarget, o: Outcome<R>): TargetResult<R> {
    const base = { key: target.key, label: target.label, schema: target.schema, canary: o.canary };
    if (o.state === 'ok') return { ...base, state: 'ok', durationMs: o.durationMs, error: null, reason: null, result: o.result };
    if (o.state === 'failed') return { ...base, state: 'failed', durationMs: o.durationMs, error: fleetError(o.error), reason: null, result: null };
    return { ...base, state: 'skipped', durationMs: null, error: null, reason: o.reason, result: null };
  }

  /** Opens the target (refusing a Citus worker; a coordinator's sessions run sequential shard modifications), runs `fn`, closes. */
  private async withEngine<T>(target: FleetTarget, fn: (engine: MigrationEngine) => Promise<T>, shadow?: ShadowService): Promise<T> {
    const connect = this.options.connect ?? connectProject;
    let project = this.targetProject(target);
    let db = connect(project);
    try {
      if (db.kind === 'postgres') {
        const citus = await readCitus(db);
        assertMigratable(citus, target.label);
        const extra = citusSessionSettings(citus);
        if (Object.keys(extra).length) {
          await db.close();
          project = this.targetProject(target, extra);
          db = connect(project);
        }
      }
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
    const engine = new MigrationEngine(project, db, { ...this.options.engineOptions, shadow, onEvent: (event) => this.emit({ type: 'engine', target, event }) });
    try {
      return await fn(engine);
    } finally {
      await engine.close();
    }
  }

  /** Runs `fn` when no other target on the same embedded data directory is running. */
  private async inTurn<T>(target: FleetTarget, fn: () => Promise<T>): Promise<T> {
    if (target.connection.kind !== 'pglite') return fn();
    const key = path.resolve(target.connection.dataDir);
    const before = this.turns.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    this.turns.set(key, before.then(() => mine));
    await before;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private emit(event: FleetEvent): void {
    if (this.options.logFiles !== false) this.writeLog(event);
    this.options.onEvent?.(event);
  }

  private writeLog(event: FleetEvent): void {
    const line = logLine(event);
    if (line === null) return;
    const file = this.logFile(event.target);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.appendFileSync(file, `${new Date().toISOString()} ${redactText(line)}\n`, { mode: 0o600 });
    } catch {
      // A log file that cannot be written must not fail a migration run; the terminal still shows every line.
    }
  }
}

/** The line a target's own log file gets for an event (its label is the file's name, so no prefix). */
function logLine(event: FleetEvent): string | null {
  switch (event.type) {
    case 'target-start': return `start${event.canary ? ' (canary)' : ''}`;
    case 'target-done': return `done: ${event.summary} in ${event.durationMs} ms`;
    case 'target-failed': return `FAILED: ${event.error.code}: ${event.error.message}`;
    case 'target-skipped': return `skipped: ${event.reason}`;
    default: return engineLogLine(event.event);
  }
}

function engineLogLine(event: EngineEvent): string | null {
  switch (event.type) {
    case 'migration-start': return `${event.direction} ${event.id} …`;
    case 'migration-done': return `${event.direction} ${event.id} done in ${event.durationMs} ms`;
    case 'backup-done': return `backup ${event.entry.id} (${event.entry.sizeBytes} bytes)`;
    case 'backup-skipped': return `no backup taken (${event.reason})`;
    case 'lock-wait': return event.message;
    case 'statement-done': return `  line ${event.line} done in ${event.durationMs} ms`;
    case 'warning': return `warning: ${event.file}: ${event.message}`;
    default: return null;
  }
}

/** A canary passes when what it applied reads back as applied, and nothing is dirty or changed. */
async function checkCanary(engine: MigrationEngine, run: MigrationRun): Promise<void> {
  const statuses = (await engine.status()).statuses;
  const state = new Map(statuses.map((s) => [s.version, s.state]));
  const notApplied = run.migrations.filter((m) => state.get(m.version) !== 'applied');
  const broken = statuses.filter((s) => s.state === 'dirty' || s.state === 'modified' || s.state === 'missing');
  if (notApplied.length === 0 && broken.length === 0) return;
  const what = [...notApplied.map((m) => `${m.version} is ${state.get(m.version) ?? 'not recorded'}`), ...broken.map((s) => `${s.version} is ${s.state}`)];
  throw new MigrationError('E_MIGRATION_FAILED', `canary check failed: ${what.join(', ')}`, 'inspect the canary with --status --url <it>, fix it, then run --up again');
}

async function readCitus(db: Database): Promise<CitusInfo> {
  const session = await db.session();
  try {
    return await detectCitus(session);
  } finally {
    await session.release();
  }
}

/** Any error as the fleet reports it: a MigrationError's code and hint, anything else as an internal error; redacted. */
export function fleetError(err: unknown): FleetError {
  if (err instanceof MigrationError) return { code: err.code, message: redactText(err.message), hint: redactText(err.hint), exitCode: err.exitCode };
  return { code: 'E_INTERNAL', message: redactText(String((err as Error)?.message ?? err)), hint: null, exitCode: 1 };
}
