/** Changing the schema: up, down (each with --dry-run), and rollback verification. */
import { ExitCode } from '../../core/errors';
import { renderDryRun, renderMigrationRun, renderVerify, statusJson } from '../../core/report';
import { verificationError } from '../../core/rehearsal';
import { done, type ActionContext, type ActionResult } from './types';

export async function up(ctx: ActionContext): Promise<ActionResult> {
  const { opts } = ctx;
  const plan = { to: ctx.name ?? opts.to, steps: opts.steps, allowDrift: opts.allowDrift, singleTransaction: !!opts.singleTransaction };
  if (opts.dryRun) return dryRun(ctx, await ctx.engine().dryRun('up', plan));
  const run = await ctx.engine().up({ ...plan, noBackup: opts.backup === false, verify: !!opts.verify });
  return done(renderMigrationRun(run, ctx.where, ctx.style),
    { environment: ctx.project.environment.name, applied: run.migrations, migrations: statusJson(run.statuses) });
}

export async function down(ctx: ActionContext): Promise<ActionResult> {
  const { opts } = ctx;
  const plan = { target: ctx.name, to: opts.to, steps: opts.steps };
  if (opts.dryRun) return dryRun(ctx, await ctx.engine().dryRun('down', plan));
  const run = await ctx.engine().down({ ...plan, noBackup: opts.backup === false });
  return done(renderMigrationRun(run, ctx.where, ctx.style),
    { environment: ctx.project.environment.name, rolledBack: run.migrations, migrations: statusJson(run.statuses) });
}

function dryRun(ctx: ActionContext, migrations: Awaited<ReturnType<ReturnType<ActionContext['engine']>['dryRun']>>): ActionResult {
  return done(renderDryRun(migrations, ctx.where, ctx.style).join('\n'), { dryRun: true, migrations });
}

export async function verify(ctx: ActionContext): Promise<ActionResult> {
  const ref = typeof ctx.opts.verify === 'string' ? ctx.opts.verify : ctx.name;
  const results = await ctx.engine().verify(ref);
  const failure = verificationError(results);
  const { lines } = renderVerify(results, ctx.style);
  return done(lines.join('\n'), { environment: ctx.project.environment.name, ok: !failure, results }, failure ? ExitCode.MigrationFailed : ExitCode.Success);
}
