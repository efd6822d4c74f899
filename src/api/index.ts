/**
 * The programmatic API (the npm package's "main"): open a project as the CLI does and drive its engine.
 *
 *   const { createEngine } = require('database-migration');
 *   const engine = createEngine({ cwd: '/path/to/project' });
 *   try { const report = await engine.status(); } finally { await engine.close(); }
 *
 * A third shell next to the CLI and the extension: it only wires core (and lint) together.
 */
import { connectProject, MigrationEngine, openProject, type EngineOptions } from '../core/engine';
import { openFleet, type Fleet, type FleetEvent } from '../core/fleet';

export interface CreateEngineOptions {
  /** The project folder (where database-migration.config.json and .env are looked for); default: process.cwd(). */
  cwd?: string;
  /** The config file, relative to cwd (default: cwd/database-migration.config.json when it exists). */
  configPath?: string;
  /** The environment from the config (default: DATABASE_MIGRATION_ENV, else the config's "defaultEnvironment"). */
  env?: string;
  /** Connect to this PostgreSQL URL instead of the configured database (as --url). */
  url?: string;
  /** The variables DATABASE_URL, DATABASE_MIGRATION_ENV and ${env:VAR} are read from (default: process.env; never changed). */
  processEnv?: NodeJS.ProcessEnv;
  /** .env files to read instead of the project's own .env (relative to cwd); false reads none. */
  envFile?: string | readonly string[] | false;
  /** A password put into the connection URL in memory only. */
  password?: string;
  /** Progress events (migration started and finished, lock waits, backups, ...). */
  onEvent?: EngineOptions['onEvent'];
  /** Recorded in applied_by (default: the OS user name). */
  appliedBy?: string;
  /** Allows changes to an environment marked "protected" (the CLI's --yes). */
  confirmed?: boolean;
  /** Asked between migrations of up/down; true stops the run there. */
  shouldStop?: () => boolean;
}

/**
 * Opens the project (config, .env, the chosen environment) and returns its engine. Nothing connects until the first
 * call that needs the database; call close() when done. Throws MigrationError for a bad config or URL.
 */
export function createEngine(options: CreateEngineOptions = {}): MigrationEngine {
  const project = openProject({
    cwd: options.cwd, configPath: options.configPath, env: options.env, url: options.url,
    processEnv: options.processEnv, envFile: options.envFile, password: options.password,
  });
  return new MigrationEngine(project, connectProject(project), {
    onEvent: options.onEvent, appliedBy: options.appliedBy, confirmed: options.confirmed, shouldStop: options.shouldStop,
  });
}

export interface CreateFleetOptions extends Omit<CreateEngineOptions, 'url' | 'onEvent'> {
  /** Several URLs: an ad-hoc fleet of them (as several --url); otherwise the environment's "targets". */
  urls?: string[];
  /** Per-target progress: starts, ends, failures, and each target's engine events. */
  onEvent?: (event: FleetEvent) => void;
}

/**
 * Opens the project's fleet: the environment's "targets" (a query or schema pattern is read from its control database
 * here), or `urls`. Its up/down/status/verify/drift run every target; status() also gives the targets × migrations matrix.
 */
export function createFleet(options: CreateFleetOptions = {}): Promise<Fleet> {
  const project = openProject({
    cwd: options.cwd, configPath: options.configPath, env: options.env, url: options.urls?.[0],
    processEnv: options.processEnv, envFile: options.envFile, password: options.password,
  });
  return openFleet(project, {
    urls: options.urls, processEnv: options.processEnv, onEvent: options.onEvent,
    engineOptions: { appliedBy: options.appliedBy, confirmed: options.confirmed, shouldStop: options.shouldStop },
  });
}

export { MigrationEngine, openProject, connectProject } from '../core/engine';
export { Fleet, buildStatusMatrix, type FleetError, type FleetEvent, type FleetRun, type FleetSettings, type FleetStatus, type FleetTarget, type MatrixCell, type StatusMatrix, type TargetResult } from '../core/fleet';
export type { EngineEvent, EngineOptions, MigrationRun, Project, RunOptions, SeedOptions, SeedRun, StatusReport } from '../core/engine';
export { MigrationError, ExitCode, type ErrorCode, type ErrorLocation } from '../core/errors';
export { loadConfig, type Config, type ConnectionTarget, type EnvironmentConfig, type ResolvedEnvironment } from '../core/config';
export { loadEnvFiles, type LoadedEnv } from '../core/env-file';
export { redactUrl, redactText } from '../core/redact';
export type { MigrationFile, StatusFile } from '../core/migration-file';
export type { MigrationState, MigrationStatus } from '../core/planner';
export type { AppliedMigration } from '../core/runner';
export type { Direction, PlanOptions } from '../core/plan';
export type { HistoryRow, LogEntry } from '../core/history';
export type { BackupEntry } from '../core/backups';
export type { MigrationRehearsal, VerificationResult } from '../core/rehearsal';
export type { MigrationAnalysis } from '../core/dependencies';
export type { PartitionedTable, ViewRefresh } from '../core/maintenance';
export type { PartitionChange, PartitionMaintenance, PartitionNote } from '../core/partition-maintain';
export type { PerformanceReport } from '../core/performance';
export { lintText } from '../lint/linter';
export { lintPaths, lintOptionsFromConfig, type LintRun } from '../lint/project';
export type { LintOptions } from '../lint/linter';
export type { Finding, Severity } from '../lint/types';
