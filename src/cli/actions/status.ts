/** Reading the database: status (and the dependency graph), history, performance, partitions, backups. */
import * as path from 'node:path';
import { graphMermaid, graphText } from '../../core/dependencies';
import { ExitCode } from '../../core/errors';
import { describeDrift, describePool, driftSummary, hasDrift, renderBackups, renderPartitionChanges, renderLog, renderPartitions, renderPerformance, renderStatusTable, statusJson, summariseStatuses } from '../../core/report';
import { done, type ActionContext, type ActionResult } from './types';

export async function status(ctx: ActionContext): Promise<ActionResult> {
  const env = ctx.project.environment;
  if (ctx.opts.graph) {
    const analysis = await ctx.engine().dependencies();
    const files = ctx.engine().migrations();
    return done(ctx.opts.graph === 'mermaid' ? graphMermaid(files, analysis.edges) : graphText(files, analysis.edges), { environment: env.name, edges: analysis.edges });
  }
  const report = await ctx.engine().statusSummary({ cache: ctx.opts.cache !== false });
  // The schema is compared when the shadow's cache already knows the applied migrations (after a --drift, a
  // --schema-dump or the editor): status never starts the embedded database itself.
  const schema = await ctx.engine().cachedDrift().catch(() => null);
  const drift = hasDrift(report.statuses) || !!schema?.items.length;
  const pool = describePool(env);
  const exitCode = drift ? ExitCode.DriftDetected : ExitCode.Success;
  // Only the form that is printed is built: with 10,000 migrations each costs tens of milliseconds.
  if (ctx.opts.json) {
    return done('', { environment: report.environment, database: report.database, connection: pool, drift, migrations: statusJson(report.statuses), schemaDrift: schema?.items ?? null }, exitCode);
  }
  const text = [
    `Environment: ${ctx.where}`,
    ...(pool ? [ctx.style.dim(pool)] : []),
    renderStatusTable(report.statuses, ctx.style),
    `${summariseStatuses(report.statuses)}${drift ? ctx.style.red(' — drift detected') : ''}`,
    ...(schema ? [schema.items.length ? `${schema.items.slice(0, 10).map((i) => `  ${describeDrift(i)}`).join('\n')}${schema.items.length > 10 ? `\n  … and ${schema.items.length - 10} more (see --drift)` : ''}\n${driftSummary(schema, ctx.style)}` : driftSummary(schema, ctx.style)] : []),
  ].join('\n');
  return done(text, null, exitCode);
}

export async function history(ctx: ActionContext): Promise<ActionResult> {
  const entries = await ctx.engine().log(100);
  return done(renderLog(entries, ctx.style), { environment: ctx.project.environment.name, log: entries });
}

export async function perf(ctx: ActionContext): Promise<ActionResult> {
  const r = await ctx.engine().performance();
  return done(renderPerformance(r, ctx.style), { environment: ctx.project.environment.name, ...r });
}

export async function backups(ctx: ActionContext): Promise<ActionResult> {
  const engine = ctx.engine();
  const list = engine.listBackups();
  const dirShown = path.relative(ctx.cwd, engine.backups.dir) || engine.backups.dir;
  return done(renderBackups(list, ctx.style, dirShown, ctx.project.environment.name), { environment: ctx.project.environment.name, directory: engine.backups.dir, backups: list });
}

export async function partitions(ctx: ActionContext): Promise<ActionResult> {
  const env = ctx.project.environment.name;
  if (ctx.opts.partitions === 'maintain') {
    const dryRun = !!ctx.opts.dryRun;
    const result = await ctx.engine().maintainPartitions({ dryRun });
    const text = renderPartitionChanges(result, ctx.style);
    return done(dryRun ? `Dry run on ${ctx.where}: these changes were made and rolled back.\n${text}` : text, { environment: env, dryRun, changes: result.changes, notes: result.notes });
  }
  const tables = await ctx.engine().partitions();
  return done(renderPartitions(tables, ctx.style), { environment: env, tables });
}
