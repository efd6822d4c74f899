/**
 * `.env` files, as dbmate and node-pg-migrate read them: KEY=value lines (parsed by dotenv) that supply
 * DATABASE_URL, DATABASE_MIGRATION_ENV and the config's `${env:VAR}` references. A variable already set in the
 * environment wins over the file, and an earlier file wins over a later one. The values are never printed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'dotenv';
import { MigrationError } from './errors';

export const ENV_FILE_NAME = '.env';

export interface EnvFileOptions {
  /** The project root (the config file's folder, else cwd): its `.env` is read when `envFile` is not given. */
  root: string;
  /** Explicit `envFile` paths are relative to it. */
  cwd: string;
  /** Files to read instead of `<root>/.env` (each must exist); false reads none. */
  envFile?: string | readonly string[] | false;
  processEnv: NodeJS.ProcessEnv;
}

export interface LoadedEnv {
  /** The process environment plus every file variable that was not already set (a new object). */
  env: NodeJS.ProcessEnv;
  /** The files read, as absolute paths. */
  files: string[];
  /** Names (never values) of the variables taken from the files. */
  names: string[];
}

export function loadEnvFiles(options: EnvFileOptions): LoadedEnv {
  const env: NodeJS.ProcessEnv = { ...options.processEnv };
  const loaded: LoadedEnv = { env, files: [], names: [] };
  if (options.envFile === false) return loaded;
  const explicit = options.envFile !== undefined;
  const paths = explicit ? [options.envFile as string | readonly string[]].flat().map((p) => path.resolve(options.cwd, p)) : [path.join(options.root, ENV_FILE_NAME)];
  for (const file of paths) {
    const text = readEnvFile(file, explicit);
    if (text === null) continue;
    loaded.files.push(file);
    for (const [name, value] of Object.entries(parse(text))) {
      // Set means present, even when empty (dotenv's rule): the environment always wins.
      if (Object.prototype.hasOwnProperty.call(env, name)) continue;
      env[name] = value;
      loaded.names.push(name);
    }
  }
  return loaded;
}

/** The file's text; null for a default `.env` that does not exist. */
function readEnvFile(file: string, explicit: boolean): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return null;
    if (code === 'ENOENT') {
      throw new MigrationError('E_ENV_FILE_NOT_FOUND', `env file not found: ${file}`,
        'check the --env-file path (it is relative to the current directory), or leave it out to read .env from the project folder', { file });
    }
    throw new MigrationError('E_UNREADABLE_FILE', `cannot read env file ${file}: ${code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`,
      code === 'EISDIR' ? 'point --env-file at a file of KEY=value lines' : 'make the file readable by this user, or name another one with --env-file', { file });
  }
}
