/** The expected schema: drift of the live database, and the schema dump for code review. */
import * as path from 'node:path';
import { ExitCode } from '../../core/errors';
import { renderDrift } from '../../core/report';
import { done, type ActionContext, type ActionResult } from './types';

export async function drift(ctx: ActionContext): Promise<ActionResult> {
  const report = await ctx.engine().drift();
  return done(renderDrift(report, ctx.style), report, report.items.length ? ExitCode.DriftDetected : ExitCode.Success);
}

function fileArg(ctx: ActionContext, value: boolean | string | undefined): string | undefined {
  return typeof value === 'string' ? path.resolve(ctx.cwd, value) : undefined;
}

export async function schemaDump(ctx: ActionContext): Promise<ActionResult> {
  const r = await ctx.engine().schemaDump(fileArg(ctx, ctx.opts.schemaDump));
  const shown = path.relative(ctx.cwd, r.file) || r.file;
  const text = r.upToDate ? `${shown} is up to date (schema after ${r.migrations} migration(s)).` : `Wrote ${shown}: the schema after ${r.migrations} migration(s).`;
  return done(text, { file: r.file, migrations: r.migrations, changed: !r.upToDate });
}

export async function checkSchemaDump(ctx: ActionContext): Promise<ActionResult> {
  const r = await ctx.engine().checkSchemaDump(fileArg(ctx, ctx.opts.checkSchemaDump));
  const shown = path.relative(ctx.cwd, r.file) || r.file;
  return done(`${shown} matches the schema the ${r.migrations} migration(s) build.`, { file: r.file, migrations: r.migrations, upToDate: true });
}
