/** A fleet run: --up, --down, --status or --verify on every target (core/fleet does the work, core/report the words). */
import type { Database } from '../../core/db/database';
import type { Project } from '../../core/engine';
import { MigrationError } from '../../core/errors';
import { effectiveRunSettings, openFleet, type FleetEvent, type FleetSettings } from '../../core/fleet';
import { redactUrl } from '../../core/redact';
import { fleetExitCode, fleetJson, renderFleetDrift, renderFleetEvent, renderFleetSummary, renderStatusMatrix, statusJson, type EventLine } from '../../core/report';
import type { MigrationRun } from '../../core/migrate';
import type { VerificationResult } from '../../core/rehearsal';
import { flag, FLEET_ACTIONS, type CliAction } from '../options';
import { done, type ActionContext, type ActionResult } from './types';

export { FLEET_ACTIONS };

export interface FleetDeps {
  urls: readonly string[];
  connect?: (project: Project) => Database;
  processEnv: NodeJS.ProcessEnv;
  confirmed: boolean;
  /** Where per-target lines go as they happen (not with --json). */
  print?: (line: EventLine) => void;
}

/** Several --url for an action that runs on one database: an error naming them (they would otherwise be dropped silently). */
export function assertOneUrl(action: CliAction, urls: readonly string[]): void {
  if (urls.length <= 1 || FLEET_ACTIONS.includes(action)) return;
  throw new MigrationError('E_USAGE', `--url given ${urls.length} times (${urls.map(redactUrl).join(', ')}), but ${flag(action)} runs on one database`,
    `give one --url; several form a fleet only for ${FLEET_ACTIONS.map(flag).join(', ')}`);
}

/** Refuses what a fleet run cannot do, and the fleet flags outside one. */
export function assertFleetFlags(action: CliAction, ctx: ActionContext, fleet: boolean, needsDatabase: boolean): void {
  const { opts } = ctx;
  if (!fleet) {
    const given = (['parallel', 'canary', 'onFailure'] as const).find((k) => opts[k] !== undefined);
    if (given) {
      throw new MigrationError('E_USAGE', `${flag(given)} applies to a fleet, and ${ctx.where} is one database`,
        'configure "targets" for the environment, or give several --url');
    }
    return;
  }
  if (!FLEET_ACTIONS.includes(action)) {
    if (!needsDatabase) return;
    throw new MigrationError('E_USAGE', `environment "${ctx.project.environment.name}" is a fleet ("targets"), and ${flag(action)} runs on one database`,
      `pick one of its databases with --url, or run ${FLEET_ACTIONS.map(flag).join(', ')} on the whole fleet`);
  }
  const unsupported = opts.dryRun ? '--dry-run' : opts.graph !== undefined ? '--graph' : null;
  if (unsupported) throw new MigrationError('E_USAGE', `${unsupported} does not apply to a fleet run`, 'run it on one database: pick one with --url');
}

export async function fleetAction(action: CliAction, ctx: ActionContext, deps: FleetDeps): Promise<ActionResult> {
  const { opts } = ctx;
  const settings: FleetSettings = effectiveRunSettings(ctx.project.environment.settings.targets, { parallel: opts.parallel, canary: opts.canary, onFailure: opts.onFailure });
  const fleet = await openFleet(ctx.project, {
    urls: deps.urls, processEnv: deps.processEnv, connect: deps.connect,
    engineOptions: { confirmed: deps.confirmed },
    onEvent: deps.print ? (e: FleetEvent) => { const line = renderFleetEvent(e, ctx.style); if (line) deps.print!(line); } : undefined,
  });
  if (fleet.targets.length === 0) {
    throw new MigrationError('E_CONFIG_INVALID', `the fleet of environment "${ctx.project.environment.name}" has no targets`,
      'check "targets" (a query or schema pattern that matches nothing gives none)', { file: ctx.project.config.file ?? undefined });
  }
  if (action === 'status') {
    const status = await fleet.status(settings);
    return done(renderStatusMatrix(status.matrix, ctx.style),
      { ...(fleetJson(status, (r) => ({ migrations: statusJson((r.result as Parameters<typeof statusJson>[0]) ?? []) })) as object), matrix: status.matrix }, fleetExitCode(status));
  }
  if (action === 'drift') {
    const run = await fleet.drift(settings);
    return done(renderFleetDrift(run, ctx.style), fleetJson(run, (r) => r.result), fleetExitCode(run, run.results.some((r) => !!r.result?.items.length)));
  }
  if (action === 'verify') {
    const ref = typeof opts.verify === 'string' ? opts.verify : ctx.name;
    const run = await fleet.verify(ref, settings);
    return done(renderFleetSummary(run, '--verify', ctx.style), fleetJson(run, (r) => ({ results: r.result as VerificationResult[] })), fleetExitCode(run));
  }
  const run = action === 'up'
    ? await fleet.up({ to: ctx.name ?? opts.to, steps: opts.steps, allowDrift: opts.allowDrift, singleTransaction: !!opts.singleTransaction, noBackup: opts.backup === false, verify: !!opts.verify }, settings)
    : await fleet.down({ target: ctx.name, to: opts.to, steps: opts.steps, noBackup: opts.backup === false }, settings);
  const key = action === 'up' ? 'applied' : 'rolledBack';
  return done(renderFleetSummary(run, `--${action}`, ctx.style), fleetJson(run, (r) => ({ [key]: (r.result as MigrationRun).migrations })), fleetExitCode(run));
}
