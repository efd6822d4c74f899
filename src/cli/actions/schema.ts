/** The expected schema: drift of the live database, and the schema dump for code review. */
import * as path from 'node:path';
import { ExitCode } from '../../core/errors';
import { renderDrift } from '../../core/report';
import { done, type ActionContext, type ActionResult } from './types';
import { lintText } from '../../lint/linter';
import { lintOptionsFromConfig } from '../../lint/project';
import { formatText } from '../../lint/reporters/text';

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

/** A migration written from the drift, linted before it is written: its findings are shown with the new file's name. */
export async function generate(ctx: ActionContext): Promise<ActionResult> {
  const { drift: report, text, generated } = await ctx.engine().generate();
  if (!text || !generated) return done(`Nothing to generate: ${ctx.where} matches its applied migrations.`, { written: null, items: [] });
  const created = await ctx.engine().writeGenerated(ctx.opts.generate!, text);
  const shown = path.relative(ctx.cwd, created.path) || created.path;
  const findings = await lintText(text, shown, { ...lintOptionsFromConfig(ctx.project.config), asMigration: true });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const lines = [
    `Wrote ${shown}: ${generated.up.length} statement(s) up, ${generated.down.length} down, from ${report.items.length} difference(s) of ${ctx.where}.`,
    ...(generated.byHand.length ? [ctx.style.yellow(`${generated.byHand.length} difference(s) could not be written as SQL: listed at the top of the file.`)] : []),
    findings.length ? formatText(findings, new Map([[shown, text]]), 1, ctx.style) : ctx.style.green('Lint: no findings.'),
    `It is recorded as applied on ${ctx.project.environment.name} (this database already has these changes); review it and commit it: other databases get it with --up.`,
  ];
  return done(lines.join('\n'), { written: created.path, up: generated.up, down: generated.down, byHand: generated.byHand, findings }, errors ? ExitCode.LintErrors : ExitCode.Success);
}
