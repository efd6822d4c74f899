/** A project on disk (config file, migrations) plus the environment chosen for one run, and its database. */
import { loadConfig, resolveEnvironment, describeTarget, withPassword, type Config, type ResolvedEnvironment } from './config';
import type { Database } from './db/database';
import { PGliteDatabase } from './db/pglite-database';
import { PostgresDatabase } from './db/pg-database';
import { loadEnvFiles } from './env-file';
import { MigrationError } from './errors';
import { readProjectMigrations } from './formats';
import { extensionsCreatedBy } from './shadow/extensions';

export interface Project {
  config: Config;
  environment: ResolvedEnvironment;
  /** The .env files read for this run (absolute paths; their values are never shown). */
  envFiles: string[];
}

export interface OpenProjectOptions {
  cwd?: string;
  configPath?: string;
  env?: string;
  url?: string;
  processEnv?: NodeJS.ProcessEnv;
  /** .env files to read instead of the project's own `.env` (relative to cwd); false reads none. */
  envFile?: string | readonly string[] | false;
  password?: string;
}

export function openProject(options: OpenProjectOptions = {}): Project {
  const cwd = options.cwd ?? process.cwd();
  const config = loadConfig({ cwd, configPath: options.configPath });
  // The project's .env fills in what the process environment does not set (DATABASE_URL, ${env:VAR}).
  const loaded = loadEnvFiles({ root: config.root, cwd, envFile: options.envFile, processEnv: options.processEnv ?? process.env });
  const environment = resolveEnvironment(config, { env: options.env, url: options.url, processEnv: loaded.env });
  // A password from the editor's secret storage goes into the URL in memory only (never printed: URLs are redacted).
  if (options.password) environment.target = withPassword(environment.target, options.password);
  return { config, environment, envFiles: loaded.files };
}

/** One environment of the config, and why it cannot be opened (null when it can: its URL resolves). */
export interface EnvironmentChoice {
  name: string;
  problem: string | null;
}

/**
 * Every environment the config names (the default one when none are configured), each resolved as opening it would
 * resolve it, so a picker can list them all and mark the broken ones with their reason (an unset ${env:VAR}, a bad URL)
 * instead of failing as a whole. Throws only when the config itself cannot be read.
 */
export function environmentChoices(options: Omit<OpenProjectOptions, 'env' | 'url' | 'password'> = {}): { config: Config; choices: EnvironmentChoice[] } {
  const cwd = options.cwd ?? process.cwd();
  const config = loadConfig({ cwd, configPath: options.configPath });
  const loaded = loadEnvFiles({ root: config.root, cwd, envFile: options.envFile, processEnv: options.processEnv ?? process.env });
  const names = Object.keys(config.environments).length ? Object.keys(config.environments) : [config.defaultEnvironment];
  const choices = names.map((name) => {
    try {
      resolveEnvironment(config, { env: name, processEnv: loaded.env });
      return { name, problem: null };
    } catch (err) {
      return { name, problem: err instanceof MigrationError ? err.message : String((err as Error)?.message ?? err) };
    }
  });
  return { config, choices };
}

export function connectProject(project: Project): Database {
  const { target, settings } = project.environment;
  if (target.kind === 'postgres') return new PostgresDatabase(target.url, settings, project.config.root);
  return new PGliteDatabase(target.dataDir, settings, project.config.lockWaitMs, describeTarget(target, project.config.root), () => projectExtensions(project.config));
}

/** The extensions the project's migrations create (what an embedded database must load before it starts). */
export async function projectExtensions(config: Config): Promise<string[]> {
  const names = new Set<string>();
  for (const m of readProjectMigrations(config).migrations) for (const n of await extensionsCreatedBy(m.up)) names.add(n);
  return [...names];
}
