/** The migration use cases: status, up, down, dry run and rollback verification, all over one plan (plan.ts). */
import { analyseMigrations, type MigrationAnalysis } from './dependencies';
import type { EngineContext } from './context';
import type { Session } from './db/database';
import { MigrationError } from './errors';
import type { HistoryRow, LogEntry } from './history';
import { migrationId, type MigrationFile, type StatusFile } from './migration-file';
import { preloadParser } from '../sql/parser';
import { planRun, type Direction, type PlanOptions, type RunPlan } from './plan';
import { computeStatus, resolveMigrationRef, type MigrationStatus } from './planner';
import { dryRun as rehearse, verificationError, verifyMigrations, type MigrationRehearsal, type VerificationResult } from './rehearsal';
import { backupBeforeChange, newestApplied } from './restore';
import { runDown, runUp, type AppliedMigration } from './runner';
import { resolveFormat } from './formats';
import { listMigrationsForStatus } from './status-cache';

export interface StatusReport<F extends StatusFile = MigrationFile> {
  environment: string;
  database: string;
  statuses: MigrationStatus<F>[];
}

export interface MigrationRun {
  direction: Direction;
  migrations: AppliedMigration[];
  statuses: MigrationStatus[];
}

export interface RunOptions {
  /** Skip the automatic backup (recorded in the log). */
  noBackup?: boolean;
  /** Before applying, verify each migration's rollback (up, down, up in a rolled-back transaction); refuse on a difference. */
  verify?: boolean;
}

export function readStatus(ctx: EngineContext): Promise<StatusReport> {
  return statusOf(ctx, (session) => ctx.store.read(session, { withDownSql: false }), async () => ctx.migrations());
}

/**
 * What --status shows: the files without their SQL text, read through .migrations/status-cache.json unless
 * `cache` is false (see status-cache.ts), and the history rows without down_sql.
 */
export function readStatusSummary(ctx: EngineContext, options: { cache?: boolean } = {}): Promise<StatusReport<StatusFile>> {
  const config = ctx.config;
  return statusOf(ctx, (session) => ctx.store.readForStatus(session),
    // The cache knows one file per migration: other formats (pairs of files, plans) are read in full.
    () => resolveFormat(config.migrationsDir, config.format).name === 'native'
      ? listMigrationsForStatus(config.migrationsDir, { displayRoot: config.root, cacheRoot: options.cache === false ? null : config.root })
      : Promise.resolve(ctx.migrations()));
}

async function statusOf<F extends StatusFile>(ctx: EngineContext, readHistory: (session: Session) => Promise<HistoryRow[]>, readFiles: () => Promise<F[]>): Promise<StatusReport<F>> {
  // Connect and ask for the history first; read the files while the server answers (listMigrationsForStatus yields
  // to the event loop between chunks of files, so the connection makes progress meanwhile).
  const pending = ctx.withSession(readHistory);
  pending.catch(() => {}); // reported below, after the files (a bad file is the more useful error)
  let files: F[];
  try {
    files = await readFiles();
  } catch (err) {
    await pending.catch(() => {});
    throw err;
  }
  const history = await pending;
  return { environment: ctx.environmentName, database: ctx.db.description, statuses: computeStatus(files, history, { environment: ctx.environmentName }) };
}

export function readLog(ctx: EngineContext, limit = 100): Promise<LogEntry[]> {
  return ctx.withSession((session) => ctx.store.readLog(session, limit));
}

/** Dependency edges (declared and inferred) between the migration files. */
export function readDependencies(ctx: EngineContext): Promise<MigrationAnalysis> {
  return analyseMigrations(ctx.migrations(), ctx.postgresVersion);
}

/** The checked plan for `direction` on this database (read under the caller's lock). */
async function plan(ctx: EngineContext, session: Session, files: MigrationFile[], direction: Direction, options: PlanOptions): Promise<RunPlan> {
  const statuses = await ctx.readStatuses(session, files, { withDownSql: direction === 'down' });
  return planRun(direction, files, statuses, options, { allowOutOfOrder: ctx.config.allowOutOfOrder, postgresVersion: ctx.postgresVersion });
}

export async function migrateUp(ctx: EngineContext, options: PlanOptions & RunOptions = {}): Promise<MigrationRun> {
  preloadParser(); // the plan parses the files: compile the parser while they are read and the lock is taken
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    const p = await plan(ctx, session, files, 'up', options);
    if (p.steps.length > 0) {
      ctx.assertMayChange('up');
      if (options.verify) {
        const failure = verificationError(await verifyMigrations(session, p.steps.map((s) => s.migration!), ctx.historyTableNames));
        if (failure) throw failure;
      }
    }
    await ctx.store.ensure(session);
    if (p.steps.length === 0) return { direction: 'up' as const, migrations: [], statuses: p.statuses };
    await backupBeforeChange(ctx, session, 'up', newestApplied(p.statuses), p.steps[p.steps.length - 1]!.version, options.noBackup);
    const batch = await ctx.store.nextBatch(session);
    const done = await runUp(ctx, session, p, { batch, singleTransaction: options.singleTransaction });
    return { direction: 'up' as const, migrations: done, statuses: await ctx.readStatuses(session, files, { withDownSql: false }) };
  });
}

export async function migrateDown(ctx: EngineContext, options: PlanOptions & RunOptions = {}): Promise<MigrationRun> {
  preloadParser();
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    const p = await plan(ctx, session, files, 'down', options);
    if (p.steps.length > 0) {
      ctx.assertMayChange('down');
      if (options.noBackup && ctx.project.environment.settings.protected) {
        throw new MigrationError('E_PROTECTED', `environment "${ctx.environmentName}" is protected: a rollback there needs a backup first`,
          'run --down without --no-backup');
      }
    }
    await ctx.store.ensure(session);
    if (p.steps.length === 0) return { direction: 'down' as const, migrations: [], statuses: p.statuses };
    const reverted = new Set(p.steps.map((s) => s.version));
    const remaining = p.statuses.filter((x) => x.history && !reverted.has(x.version));
    await backupBeforeChange(ctx, session, 'down', newestApplied(p.statuses), newestApplied(remaining), options.noBackup);
    const done = await runDown(ctx, session, p);
    return { direction: 'down' as const, migrations: done, statuses: await ctx.readStatuses(session, files, { withDownSql: false }) };
  });
}

/** Runs what --up (or --down) would run, by the same plan, inside a transaction that is rolled back: time, rows and locks per statement. */
export async function dryRun(ctx: EngineContext, direction: Direction, options: PlanOptions = {}): Promise<MigrationRehearsal[]> {
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    const p = await plan(ctx, session, files, direction, options);
    return rehearse(session, p.steps);
  });
}

/** Rollback verification of the migrations --up would apply (up to and including `ref` when given). */
export async function verify(ctx: EngineContext, ref?: string): Promise<VerificationResult[]> {
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    if (ref !== undefined) {
      const target = resolveMigrationRef(await ctx.readStatuses(session, files, { withDownSql: false }), ref);
      if (target.state !== 'pending') {
        throw new MigrationError('E_USAGE', `${migrationId(target)} is ${target.state}; --verify checks pending migrations`,
          `roll it back first (--down to ${target.version}), then verify it`);
      }
    }
    const p = await plan(ctx, session, files, 'up', { to: ref });
    return verifyMigrations(session, p.steps.map((s) => s.migration!), ctx.historyTableNames);
  });
}
