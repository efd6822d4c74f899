/** Adopting another tool's project: --import-history (its history table) and --convert --to native (its files). */
import * as path from 'node:path';
import { convertToNative } from '../../core/engine';
import { renderConvert, renderImport } from '../../core/report';
import { done, type ActionContext, type ActionResult } from './types';

export async function importHistory(ctx: ActionContext): Promise<ActionResult> {
  const tool = typeof ctx.opts.importHistory === 'string' ? ctx.opts.importHistory : undefined;
  const result = await ctx.engine().importHistory({ tool, dryRun: !!ctx.opts.dryRun });
  return done(renderImport(result, ctx.where, ctx.style), { environment: ctx.project.environment.name, ...result });
}

export async function convert(ctx: ActionContext): Promise<ActionResult> {
  // --out is a path as typed, so from the working directory; the report shows it from the project root.
  const result = convertToNative(ctx.project.config, path.resolve(ctx.cwd, ctx.opts.out ?? path.join(path.relative(ctx.cwd, ctx.project.config.root), 'migrations-native')));
  return done(renderConvert(result, ctx.style), result);
}
