/**
 * Applies a checked plan (see plan.ts): each migration in its own transaction together with its history
 * row, or all of them in one (--single-transaction); "-- transaction: none" migrations statement by
 * statement, recorded as running first so an interruption shows as dirty. Stops at the first failure.
 */
import { findAll, stringList } from '../sql/ast';
import type { ParsedStatement } from '../sql/parse';
import type { SqlStatement } from '../sql/split';
import { withTransaction, type EngineContext } from './context';
import type { Session } from './db/database';
import { execStatements, StatementFailure } from './engine-failure';
import { MigrationError } from './errors';
import type { HistoryStore } from './history';
import { slowBatchMessage } from './performance';
import type { PlanStep, RunPlan } from './plan';
import { buildBatch, failureError, locateFailure } from './run-failure';

export interface AppliedMigration {
  version: string;
  name: string;
  /** The same figure the history table and the log hold. */
  durationMs: number;
}

export async function runUp(ctx: EngineContext, session: Session, plan: RunPlan, options: { batch: number; singleTransaction?: boolean }): Promise<AppliedMigration[]> {
  if (options.singleTransaction && plan.steps.length > 0) return runUpInOneTransaction(ctx, session, plan.steps, options.batch);
  const done: AppliedMigration[] = [];
  const fast = ctx.config.fastCommit === true;
  // "fastCommit": a migration committed without waiting for its WAL flush, and nothing synchronous since.
  let unflushed: string | null = null;
  let failed = true;
  try {
    for (const [k, step] of plan.steps.entries()) {
      if (ctx.options.shouldStop?.()) break;
      // Every migration but the last: the last one's (synchronous) commit flushes the WAL of all before it.
      const asyncCommit = fast && step.transactional && k < plan.steps.length - 1;
      done.push({ version: step.version, name: step.name, durationMs: await applyUp(ctx, session, step, options.batch, false, asyncCommit, { index: k + 1, total: plan.steps.length }) });
      unflushed = asyncCommit ? step.version : null;
    }
    failed = false;
  } finally {
    // Stopped early (failure or cancel) after an asynchronous commit: flush before reporting.
    if (unflushed !== null) {
      const flushed = ctx.store.flushCommits(session, unflushed);
      if (failed) await flushed.catch(() => {});
      else await flushed;
    }
  }
  return done;
}

export async function runDown(ctx: EngineContext, session: Session, plan: RunPlan): Promise<AppliedMigration[]> {
  const done: AppliedMigration[] = [];
  for (const [k, step] of plan.steps.entries()) {
    if (ctx.options.shouldStop?.()) break;
    done.push({ version: step.version, name: step.name, durationMs: await applyDown(ctx, session, step, { index: k + 1, total: plan.steps.length }) });
  }
  return done;
}

async function runUpInOneTransaction(ctx: EngineContext, session: Session, steps: PlanStep[], batch: number): Promise<AppliedMigration[]> {
  const done: AppliedMigration[] = [];
  let current = steps[0]!;
  try {
    await withTransaction(session, async () => {
      for (const [k, step] of steps.entries()) {
        current = step;
        done.push({ version: step.version, name: step.name, durationMs: await applyUp(ctx, session, step, batch, true, false, { index: k + 1, total: steps.length }) });
      }
    });
  } catch (err) {
    const located = err instanceof StatementFailure ? err : await replayToFailure(session, steps, current, err);
    const e = await failureError(ctx, session, located, current, 'up', current.baseLine, false);
    throw new MigrationError(e.code, e.message, `fix the statement and run --up again; all ${steps.length} migrations of this --single-transaction run were rolled back`, e.location, { cause: err });
  }
  return done;
}

/** No position from the server: replay the run up to the failing migration, statement by statement, in a transaction that is rolled back. */
async function replayToFailure(session: Session, steps: PlanStep[], failing: PlanStep, err: unknown): Promise<unknown> {
  try {
    await withTransaction(session, async () => {
      for (const step of steps) {
        if (step === failing) { await execStatements(session, step.sql, undefined, { statements: step.statements }); break; }
        await session.exec(step.sql);
      }
    }, { rollback: true });
  } catch (again) {
    return again;
  }
  return err;
}

/** `asyncCommit` ("fastCommit"): the migration's transaction commits with synchronous_commit off (see runUp). */
/** `position`: the step's place in its run (1-based), for progress ("Applying 002_x (2 of 5)"). */
type Position = { index: number; total: number };

async function applyUp(ctx: EngineContext, session: Session, step: PlanStep, batch: number, inOuterTransaction: boolean, asyncCommit = false, position?: Position): Promise<number> {
  ctx.emit({ type: 'migration-start', direction: 'up', id: step.id, ...position });
  await ctx.afterProgress();
  const m = step.migration!;
  const row = { version: m.version, name: m.name, checksum: m.checksum, downSql: m.down, transactional: m.transactional, appliedBy: ctx.appliedBy, environment: ctx.environmentName, batch };
  const slow = new SlowStatements(ctx, step);
  let durationMs: number;
  if ((inOuterTransaction || m.transactional) && ctx.config.slowStatementMs === 0) {
    durationMs = await applyStatementByStatement(ctx, session, step, row, slow, inOuterTransaction, asyncCommit);
  } else if (inOuterTransaction || m.transactional) {
    durationMs = await applyAsOneQuery(ctx, session, step, row, inOuterTransaction, asyncCommit);
    // Statements ran as one batch: the time is the migration's, not any one statement's; it is recorded as such.
    if (slow.isSlow(durationMs)) slow.watchBatch(step.statements.length, durationMs);
  } else {
    durationMs = await applyOutsideTransaction(ctx, session, step, row, slow);
  }
  await slow.record(session);
  ctx.emit({ type: 'migration-done', direction: 'up', id: step.id, durationMs });
  return durationMs;
}

type HistoryRowValues = Omit<Parameters<HistoryStore['insert']>[1], 'status' | 'durationMs'>;

/** One round trip: BEGIN, the history row, the statements, its duration and log entry, COMMIT (--single-transaction: the caller owns BEGIN/COMMIT). The server times it. */
async function applyAsOneQuery(ctx: EngineContext, session: Session, step: PlanStep, row: HistoryRowValues, inOuterTransaction: boolean, asyncCommit: boolean): Promise<number> {
  const record = ctx.store.batchRecordSql({ ...row, status: 'applied', durationMs: null }, 'up', { commit: !inOuterTransaction });
  const batch = buildBatch(step.statements, `${inOuterTransaction ? '' : beginSql(asyncCommit)}${record.before}`, record.after);
  let rows: Record<string, unknown>[];
  try {
    rows = await session.exec(batch.sql);
  } catch (err) {
    if (inOuterTransaction) throw batch.locate(err);
    await session.exec('ROLLBACK').catch(() => {});
    throw await failureError(ctx, session, await locateFailure(session, err, batch, step.statements), step, 'up', step.baseLine, false);
  }
  // A plain SET outlives COMMIT: clear it so it cannot leak into the next migration.
  if (!inOuterTransaction && changesSessionSettings(step.statements)) await session.resetSettings();
  return Number(rows[0]?.['duration_ms'] ?? 0);
}

/** "slowStatementMs": 0 asks for every statement's time, so the statements run one by one. */
async function applyStatementByStatement(ctx: EngineContext, session: Session, step: PlanStep, row: HistoryRowValues, slow: SlowStatements, inOuterTransaction: boolean, asyncCommit: boolean): Promise<number> {
  const t0 = performance.now();
  try {
    await execStatements(session, step.sql, (st, ms) => slow.watch(st, ms), { statements: step.statements, prefix: inOuterTransaction ? undefined : beginSql(asyncCommit).trimEnd().replace(/;$/, '') });
    const durationMs = Math.round(performance.now() - t0);
    await slow.record(session);
    await ctx.store.insertWithLog(session, { ...row, status: 'applied', durationMs }, 'up');
    if (!inOuterTransaction) await session.exec('COMMIT');
    if (!inOuterTransaction && changesSessionSettings(step.statements)) await session.resetSettings();
    return durationMs;
  } catch (err) {
    if (inOuterTransaction) throw err;
    await session.exec('ROLLBACK').catch(() => {});
    throw await failureError(ctx, session, err, step, 'up', step.baseLine, false);
  }
}

/** BEGIN, and for an asynchronous commit ("fastCommit") the setting that makes it one, for this transaction only. */
function beginSql(asyncCommit: boolean): string {
  return asyncCommit ? 'BEGIN;\nSET LOCAL synchronous_commit = off;\n' : 'BEGIN;\n';
}

/** "-- transaction: none": recorded as running first, so an interruption shows as dirty. */
async function applyOutsideTransaction(ctx: EngineContext, session: Session, step: PlanStep, row: HistoryRowValues, slow: SlowStatements): Promise<number> {
  const t0 = performance.now();
  await ctx.store.insert(session, { ...row, status: 'running', durationMs: null });
  try {
    await execStatements(session, step.sql, (st, ms) => {
      slow.watch(st, ms);
      ctx.emit({ type: 'statement-done', id: step.id, line: step.baseLine + st.line - 1, durationMs: Math.round(ms) });
    }, { statements: step.statements });
  } catch (err) {
    throw await failureError(ctx, session, err, step, 'up', step.baseLine, true);
  }
  const durationMs = Math.round(performance.now() - t0);
  // Statements ran in autocommit mode, so a SET among them is still in force: clear it for what follows.
  await session.resetSettings();
  await ctx.store.markAppliedWithLog(session, step.version, durationMs, ctx.environmentName, ctx.appliedBy);
  return durationMs;
}

async function applyDown(ctx: EngineContext, session: Session, step: PlanStep, position?: Position): Promise<number> {
  ctx.emit({ type: 'migration-start', direction: 'down', id: step.id, ...position });
  await ctx.afterProgress();
  const t0 = performance.now();
  const subject = { version: step.version, name: step.name, file: step.file };
  let durationMs: number;
  if (step.transactional) {
    try {
      durationMs = await withTransaction(session, async () => {
        await execStatements(session, step.sql, undefined, { statements: step.statements });
        const ms = Math.round(performance.now() - t0);
        await ctx.store.removeWithLog(session, step.version, ms, ctx.environmentName, ctx.appliedBy,
          step.source === 'history' ? 'down SQL taken from the history table (file missing or changed)' : null);
        return ms;
      });
    } catch (err) {
      throw await failureError(ctx, session, err, subject, 'down', step.baseLine, false);
    }
    if (changesSessionSettings(step.statements)) await session.resetSettings();
  } else {
    await ctx.store.markRunning(session, step.version);
    try {
      await execStatements(session, step.sql, undefined, { statements: step.statements });
    } catch (err) {
      throw await failureError(ctx, session, err, subject, 'down', step.baseLine, true);
    }
    await session.resetSettings();
    durationMs = Math.round(performance.now() - t0);
    await ctx.store.removeWithLog(session, step.version, durationMs, ctx.environmentName, ctx.appliedBy);
  }
  ctx.emit({ type: 'migration-done', direction: 'down', id: step.id, durationMs });
  return durationMs;
}

/** Statements at or over "slowStatementMs", logged after the migration as 'slow' rows. */
class SlowStatements {
  private readonly found: { message: string; ms: number }[] = [];
  constructor(private readonly ctx: EngineContext, private readonly step: PlanStep) {}

  isSlow(ms: number): boolean {
    return ms >= this.ctx.config.slowStatementMs;
  }

  watch(stmt: { line: number; text: string }, ms: number): void {
    if (this.isSlow(ms)) this.found.push({ message: `${this.step.id} line ${this.step.baseLine + stmt.line - 1}: ${stmt.text.replace(/\s+/g, ' ').slice(0, 200)}`, ms: Math.round(ms) });
  }

  /** A migration whose statements ran as one batch: only their total time is known (see slowBatchMessage). */
  watchBatch(statements: number, ms: number): void {
    this.found.push({ message: slowBatchMessage(this.step.id, statements), ms: Math.round(ms) });
  }

  async record(session: Session): Promise<void> {
    for (const x of this.found.splice(0)) {
      await this.ctx.audit(session, { action: 'slow', version: this.step.version, name: this.step.name, success: true, durationMs: x.ms, message: x.message });
    }
  }
}

/**
 * Whether a migration may leave session settings behind: a SET statement (from the parse tree), or
 * statements that were not parsed, or a call that could set them (set_config, functions, DO blocks).
 */
function changesSessionSettings(stmts: SqlStatement[]): boolean {
  return stmts.some((x) => {
    const { kind, node } = x as Partial<ParsedStatement>;
    if (!kind || !node) return true;
    if (kind === 'VariableSetStmt' || kind === 'DoStmt') return true;
    // Walk the tree only when the text could name set_config (spelt out, or through a U& escape).
    if (!/set_config|u&/i.test(x.text)) return false;
    return findAll(node, 'FuncCall').some((f) => stringList(f['funcname']).pop() === 'set_config');
  });
}
