/** Actions on the project's files, without a database: create, lint, list rules and templates. */
import * as path from 'node:path';
import { createMigration, listTemplates } from '../../core/create';
import { ExitCode, MigrationError } from '../../core/errors';
import { packageVersion } from '../../core/package-root';
import { plainTable } from '../../core/report';
import { lintOptionsFromConfig, lintPaths } from '../../lint/project';
import { formatGcc } from '../../lint/reporters/gcc';
import { formatJson } from '../../lint/reporters/json';
import { formatSarif } from '../../lint/reporters/sarif';
import { formatText } from '../../lint/reporters/text';
import { ALL_RULES } from '../../lint/rules';
import { done, type ActionContext, type ActionResult } from './types';

export async function create(ctx: ActionContext): Promise<ActionResult> {
  if (!ctx.name) {
    throw new MigrationError('E_USAGE', '--create needs a migration name',
      'write the name before the flag, e.g. database-migration create_space_objects --create');
  }
  const created = createMigration(ctx.project.config, ctx.name, { template: ctx.opts.template });
  const shown = path.relative(ctx.cwd, created.path) || created.path;
  return done(`Created ${shown} (template: ${created.template})`, { created: shown, version: created.version, name: created.name, template: created.template });
}

export async function lint(ctx: ActionContext): Promise<ActionResult> {
  const paths = Array.isArray(ctx.opts.lint) ? ctx.opts.lint : ctx.name ? [ctx.name] : [];
  const run = await lintPaths(paths, ctx.project.config, ctx.cwd, undefined, { cache: ctx.opts.cache !== false });
  const exitCode = run.findings.some((f) => f.severity === 'error') ? ExitCode.LintErrors : ExitCode.Success;
  // Only what is printed is rendered: --json prints the JSON report, otherwise the --format one (a long history has
  // thousands of findings, and rendering both cost as much as some rules).
  let json: string | undefined;
  let text: string | undefined;
  const render = (): string => {
    switch (ctx.opts.format) {
      case 'json': return (json ??= formatJson(run.findings, run.files.length));
      case 'sarif': return formatSarif(run.findings, ALL_RULES, packageVersion(), (f) => f.split(path.sep).join('/'));
      case 'gcc': return run.findings.length ? formatGcc(run.findings) : '';
      default: return formatText(run.findings, run.sources, run.files.length, ctx.style);
    }
  };
  return {
    exitCode,
    get text() { return (text ??= render()); },
    get json() { return (json ??= formatJson(run.findings, run.files.length)); },
  };
}

export async function listRules(ctx: ActionContext): Promise<ActionResult> {
  const severities = lintOptionsFromConfig(ctx.project.config).severities ?? {};
  const rows = ALL_RULES.map((r) => ({ id: r.id, severity: severities[r.id] ?? r.defaultSeverity, description: r.description }));
  return done(plainTable(['rule', 'severity', 'checks for'], rows.map((r) => [r.id, r.severity, r.description])),
    { rules: ALL_RULES.map((r) => ({ ...rows.find((x) => x.id === r.id), rationale: r.rationale, help: r.help })) });
}

export async function listTemplatesAction(ctx: ActionContext): Promise<ActionResult> {
  const names = listTemplates(ctx.project.config);
  return done(names.join('\n'), { templates: names });
}
