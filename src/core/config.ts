import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { MigrationError } from './errors';
import { packageRoot } from './package-root';
import { redactUrl } from './redact';

/** The JSON Schema shipped in schema/: one source of truth for the CLI, the editor and the docs. */
export function configSchemaPath(): string {
  return path.join(packageRoot(), 'schema', 'config.schema.json');
}

export const CONFIG_FILE_NAME = 'database-migration.config.json';

export interface PoolSettings {
  max?: number;
  idleTimeoutMillis?: number;
  connectionTimeoutMillis?: number;
}

export interface EnvironmentConfig {
  url?: string;
  pool?: PoolSettings;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  applicationName?: string;
  ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string; servername?: string };
  protected?: boolean;
}

export interface ConfigFile {
  migrationsDir?: string;
  seedsDir?: string;
  templatesDir?: string;
  numbering?: 'sequential' | 'timestamp';
  defaultEnvironment?: string;
  history?: { schema?: string; table?: string };
  lockWaitMs?: number;
  allowOutOfOrder?: boolean;
  environments?: Record<string, EnvironmentConfig>;
}

export interface Config {
  /** Directory the config file lives in (or the working directory without one); relative paths resolve from here. */
  root: string;
  /** Absolute path of the config file, or null when defaults are used. */
  file: string | null;
  migrationsDir: string;
  seedsDir: string;
  templatesDir: string | null;
  numbering: 'sequential' | 'timestamp';
  defaultEnvironment: string;
  historySchema: string;
  historyTable: string;
  lockWaitMs: number;
  allowOutOfOrder: boolean;
  environments: Record<string, EnvironmentConfig>;
}

let validator: ReturnType<Ajv['compile']> | null = null;
function validate(data: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(JSON.parse(fs.readFileSync(configSchemaPath(), 'utf8')) as object);
  }
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** JSON pointer `/environments/dev/pool/max` -> `environments.dev.pool.max`. */
function keyPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.join('.') || '(top level)';
}

/** Best-effort line of a key in the JSON text, so the message can point at it. */
function lineOfKey(text: string, key: string | undefined): number | undefined {
  if (!key) return undefined;
  const idx = text.indexOf(JSON.stringify(key));
  if (idx === -1) return undefined;
  return text.slice(0, idx).split('\n').length;
}

function describeSchemaError(e: ErrorObject): { key: string; last?: string; message: string; hint: string } {
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    const key = keyPath(e.instancePath, extra);
    return { key, last: extra, message: `unknown key "${key}"`, hint: `remove "${extra}" or correct its spelling; the allowed keys are listed in schema/config.schema.json` };
  }
  const key = keyPath(e.instancePath);
  const last = e.instancePath.split('/').pop() || undefined;
  if (e.keyword === 'type') {
    const want = String((e.params as { type: string }).type);
    return { key, last, message: `"${key}" must be ${want === 'integer' ? 'an integer' : `a ${want}`}`, hint: `change the value of "${key}" to a ${want}` };
  }
  if (e.keyword === 'enum') {
    const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ');
    return { key, last, message: `"${key}" must be one of ${allowed}`, hint: `set "${key}" to one of ${allowed}` };
  }
  if (e.keyword === 'propertyNames') {
    const bad = String((e.params as { propertyName: string }).propertyName);
    return { key: `${key}.${bad}`, last: bad, message: `environment name "${bad}" is not allowed`, hint: 'use letters, digits, "_" and "-" only, starting with a letter or digit' };
  }
  return { key, last, message: `"${key}" ${e.message ?? 'is invalid'}`, hint: `fix "${key}" as described in schema/config.schema.json` };
}

/** Reads and validates a config file, or returns defaults rooted at `cwd` when there is none. */
export function loadConfig(options: { cwd: string; configPath?: string }): Config {
  let file: string | null = null;
  if (options.configPath) {
    file = path.resolve(options.cwd, options.configPath);
    if (!fs.existsSync(file)) {
      throw new MigrationError('E_CONFIG_NOT_FOUND', `config file not found: ${file}`,
        `check the --config path, or create ${CONFIG_FILE_NAME} (see README "Configuration")`, { file });
    }
  } else {
    const candidate = path.join(options.cwd, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) file = candidate;
  }
  const root = file ? path.dirname(file) : path.resolve(options.cwd);
  let data: ConfigFile = {};
  if (file) {
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      const msg = (err as Error).message;
      const posMatch = /position (\d+)/.exec(msg);
      const line = posMatch ? text.slice(0, Number(posMatch[1])).split('\n').length : undefined;
      throw new MigrationError('E_CONFIG_PARSE', `config is not valid JSON: ${msg}`,
        'fix the JSON syntax (no comments or trailing commas are allowed)', { file, line });
    }
    const errors = validate(parsed);
    if (errors.length > 0) {
      const first = describeSchemaError(errors[0]!);
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
      throw new MigrationError('E_CONFIG_INVALID', `${first.message}${more}`, first.hint, { file, line: lineOfKey(text, first.last) });
    }
    data = parsed as ConfigFile;
  }
  const environments = data.environments ?? {};
  const defaultEnvironment = data.defaultEnvironment ?? 'development';
  return {
    root,
    file,
    migrationsDir: path.resolve(root, data.migrationsDir ?? 'migrations'),
    seedsDir: path.resolve(root, data.seedsDir ?? 'seeds'),
    templatesDir: data.templatesDir ? path.resolve(root, data.templatesDir) : null,
    numbering: data.numbering ?? 'sequential',
    defaultEnvironment,
    historySchema: data.history?.schema ?? 'public',
    historyTable: data.history?.table ?? 'database_migrations',
    lockWaitMs: data.lockWaitMs ?? 10000,
    allowOutOfOrder: data.allowOutOfOrder ?? false,
    environments,
  };
}

/** Replaces `${env:VAR}` and `${env:VAR:-default}` from the process environment. */
export function substituteEnv(value: string, env: NodeJS.ProcessEnv, where: { file: string | null; key: string }): string {
  return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new MigrationError('E_ENV_VAR_MISSING', `"${where.key}" uses \${env:${name}} but ${name} is not set`,
      `export ${name} before running, or write \${env:${name}:-default} to give a fallback`, { file: where.file ?? undefined });
  });
}

export type ConnectionTarget =
  | { kind: 'postgres'; url: string; source: string }
  | { kind: 'pglite'; dataDir: string; source: string };

export interface ResolvedEnvironment {
  name: string;
  settings: EnvironmentConfig;
  target: ConnectionTarget;
}

/**
 * Chooses the database, first match wins:
 *   1. --url
 *   2. with --env NAME: that environment's "url" in the config
 *   3. DATABASE_URL
 *   4. the default environment's "url" in the config
 *   5. the embedded PGlite database in .migrations/pglite/<environment>
 */
export function resolveEnvironment(config: Config, options: { env?: string; url?: string; processEnv?: NodeJS.ProcessEnv }): ResolvedEnvironment {
  const processEnv = options.processEnv ?? process.env;
  const explicitEnv = options.env ?? processEnv['DATABASE_MIGRATION_ENV'];
  const name = explicitEnv ?? config.defaultEnvironment;
  const known = Object.keys(config.environments);
  if (explicitEnv && known.length > 0 && !known.includes(explicitEnv)) {
    throw new MigrationError('E_UNKNOWN_ENVIRONMENT', `unknown environment "${explicitEnv}"`,
      `use one of: ${known.join(', ')} — or add "${explicitEnv}" under "environments" in ${config.file ?? CONFIG_FILE_NAME}`,
      { file: config.file ?? undefined });
  }
  if (explicitEnv && known.length === 0 && explicitEnv !== config.defaultEnvironment) {
    throw new MigrationError('E_UNKNOWN_ENVIRONMENT', `unknown environment "${explicitEnv}" (no environments are configured)`,
      `add "environments": { "${explicitEnv}": { ... } } to ${CONFIG_FILE_NAME}, or leave out --env to use "${config.defaultEnvironment}"`,
      { file: config.file ?? undefined });
  }
  const settings = config.environments[name] ?? {};
  const urlFromConfig = settings.url ? substituteEnv(settings.url, processEnv, { file: config.file, key: `environments.${name}.url` }) : undefined;

  let target: ConnectionTarget;
  if (options.url) target = { kind: 'postgres', url: options.url, source: '--url' };
  else if (explicitEnv && urlFromConfig) target = { kind: 'postgres', url: urlFromConfig, source: `environments.${name}.url` };
  else if (processEnv['DATABASE_URL']) target = { kind: 'postgres', url: processEnv['DATABASE_URL'], source: 'DATABASE_URL' };
  else if (urlFromConfig) target = { kind: 'postgres', url: urlFromConfig, source: `environments.${name}.url` };
  else target = { kind: 'pglite', dataDir: path.join(config.root, '.migrations', 'pglite', name), source: 'embedded' };

  if (target.kind === 'postgres') validateUrl(target.url, target.source, config.file);
  return { name, settings, target };
}

function validateUrl(url: string, source: string, file: string | null): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MigrationError('E_BAD_URL', `${source} is not a valid connection URL: ${redactUrl(url)}`,
      'write it as postgres://user@host:5432/database', source.startsWith('environments.') ? { file: file ?? undefined } : {});
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new MigrationError('E_BAD_URL', `${source} must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`,
      'write it as postgres://user@host:5432/database', source.startsWith('environments.') ? { file: file ?? undefined } : {});
  }
}

export function describeTarget(target: ConnectionTarget, root?: string): string {
  if (target.kind === 'postgres') return redactUrl(target.url);
  const shown = root ? path.relative(root, target.dataDir) || '.' : target.dataDir;
  return `embedded PGlite (${shown})`;
}
