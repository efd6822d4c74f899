/** A project on disk (config file, migrations) plus the environment chosen for one run, and its database. */
import { loadConfig, resolveEnvironment, describeTarget, withPassword, type Config, type ResolvedEnvironment } from './config';
import type { Database } from './db/database';
import { PGliteDatabase } from './db/pglite-database';
import { PostgresDatabase } from './db/pg-database';

export interface Project {
  config: Config;
  environment: ResolvedEnvironment;
}

export function openProject(options: { cwd?: string; configPath?: string; env?: string; url?: string; processEnv?: NodeJS.ProcessEnv; password?: string } = {}): Project {
  const config = loadConfig({ cwd: options.cwd ?? process.cwd(), configPath: options.configPath });
  const environment = resolveEnvironment(config, { env: options.env, url: options.url, processEnv: options.processEnv });
  // A password from the editor's secret storage goes into the URL in memory only (never printed: URLs are redacted).
  if (options.password) environment.target = withPassword(environment.target, options.password);
  return { config, environment };
}

export function connectProject(project: Project): Database {
  const { target, settings } = project.environment;
  if (target.kind === 'postgres') return new PostgresDatabase(target.url, settings, project.config.root);
  return new PGliteDatabase(target.dataDir, settings, project.config.lockWaitMs, describeTarget(target, project.config.root));
}
