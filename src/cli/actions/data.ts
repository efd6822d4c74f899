/** Data and upkeep: seed, backups and restore, hand repairs, materialized views. */
import * as path from 'node:path';
import { MigrationError } from '../../core/errors';
import { renderBackupDone, renderBaseline, renderChecksumRepaired, renderResolved, renderRestore, renderSeedRun, renderViewRefresh, statusJson } from '../../core/report';
import { done, type ActionContext, type ActionResult } from './types';

export async function seed(ctx: ActionContext): Promise<ActionResult> {
  const run = await ctx.engine().seed({ reset: !!ctx.opts.reset, scale: ctx.opts.scale, dryRun: !!ctx.opts.dryRun,
    file: typeof ctx.opts.seed === 'string' ? ctx.opts.seed : undefined });
  return done(renderSeedRun(run, ctx.where, ctx.style),
    { environment: ctx.project.environment.name, dryRun: run.dryRun, seeded: run.seeds, skipped: run.skipped, tables: run.tables, sampleData: run.sampleData, scaled: run.scaled });
}

export async function backup(ctx: ActionContext): Promise<ActionResult> {
  const engine = ctx.engine();
  const entry = await engine.backup();
  const fileShown = path.join(path.relative(ctx.cwd, engine.backups.dir) || '.', entry.file);
  return done(renderBackupDone(entry, ctx.where, fileShown, ctx.style), { backup: entry });
}

/** A restore is always confirmed by a person (or --yes), protected environment or not: it replaces everything. */
export function restoreConfirmation(ctx: ActionContext): string {
  const entry = ctx.engine().findBackup(ctx.opts.restore!);
  return `Restore backup ${entry.id} (${entry.createdAt}, version ${entry.versionBefore ?? 'none'}) over ${ctx.where}? Everything created since is removed. [y/N] `;
}

export async function restore(ctx: ActionContext): Promise<ActionResult> {
  const result = await ctx.engine().restore(ctx.opts.restore!);
  return done(renderRestore(result, ctx.where, ctx.style), result);
}

export async function markApplied(ctx: ActionContext): Promise<ActionResult> {
  const s = await ctx.engine().resolve(ctx.opts.markApplied!, 'applied');
  return done(renderResolved(s), { resolved: `${s.version}_${s.name}`, state: s.state });
}

export async function markRolledBack(ctx: ActionContext): Promise<ActionResult> {
  const s = await ctx.engine().resolve(ctx.opts.markRolledBack!, 'rolled-back');
  return done(renderResolved(s), { resolved: `${s.version}_${s.name}`, state: s.state });
}

export async function baseline(ctx: ActionContext): Promise<ActionResult> {
  const statuses = await ctx.engine().baseline(ctx.opts.baseline!);
  return done(renderBaseline(statuses, ctx.where), { environment: ctx.project.environment.name, migrations: statusJson(statuses) });
}

export async function repairChecksum(ctx: ActionContext): Promise<ActionResult> {
  const s = await ctx.engine().repairChecksum(ctx.opts.repairChecksum!);
  return done(renderChecksumRepaired(s), { repaired: `${s.version}_${s.name}`, state: s.state });
}

export async function refreshViews(ctx: ActionContext): Promise<ActionResult> {
  const only = Array.isArray(ctx.opts.refreshViews) ? ctx.opts.refreshViews : [];
  const refreshed = await ctx.engine().refreshViews(only);
  return done(renderViewRefresh(refreshed, ctx.where, ctx.style), { environment: ctx.project.environment.name, refreshed });
}

export function notConfirmed(what: string): MigrationError {
  return new MigrationError('E_USAGE', `${what} needs confirmation`, 'answer the prompt with y, or pass --yes');
}
