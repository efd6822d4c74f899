import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import { configValidator } from './config-validator';
import type { FormatSetting } from './formats';
import { targetsProblem } from './fleet/check-setting';
import type { TargetsSetting } from './fleet/setting';
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
  backups?: BackupSettings;
  /** A fleet: the databases or schemas --up/--down/--status/--verify run on (see fleet/). */
  targets?: TargetsSetting;
  /**
   * Not a config-file key: settings every session starts with (sent at connect time, so RESET ALL keeps them),
   * set by the fleet for a schema target (search_path) or a Citus coordinator (citus.multi_shard_modify_mode).
   */
  sessionSettings?: Record<string, string>;
}

export interface BackupSettings {
  /** Take a backup before every --up/--down that changes something (default true). */
  enabled?: boolean;
  /** How many backups to keep per environment (default 10). */
  keep?: number;
  /** Where backups go (default .migrations/backups/<env>). */
  dir?: string;
  /** Directory holding pg_dump / pg_restore / psql of a suitable version. */
  pgBinDir?: string;
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
  lint?: LintConfig;
  slowStatementMs?: number;
  fastCommit?: boolean;
  partitions?: Record<string, PartitionPolicy>;
  sampleDataDir?: string;
  seed?: SeedConfig;
  format?: FormatSetting;
  placeholders?: Record<string, string>;
  shadow?: { ignore?: string[]; skipExtensions?: string[]; schemaDump?: string };
}

/**
 * How --seed --scale N makes synthetic rows for tables the user names ("seed": {"scale": ...}). Each column
 * generator is an object with exactly one kind (sequence, int, float, choice, pattern, timestamp, foreignKey,
 * value), optionally with "nullFraction"; "default" leaves the column to its database default. Columns not
 * named get a generator from the catalog (type, enum labels, foreign key, unique index, CHECK ... IN list).
 */
export interface SeedConfig {
  scale?: ScaleConfig;
}

export interface ScaleConfig {
  /** Seeds the generator: the same number, config and starting data give the same rows. Default 1. */
  randomSeed?: number;
  /** The moment relative timestamps ("now", "now-30d") count from. Default: the start of the current UTC day. */
  now?: string;
  tables?: Record<string, ScaleTableConfig>;
}

export interface ScaleTableConfig {
  /** A fixed number of rows, whatever N is. */
  rows?: number;
  /** Rows per unit of --scale N (default 1: N rows). */
  perScale?: number;
  columns?: Record<string, ColumnGeneratorConfig>;
}

export type ColumnGeneratorConfig = 'default' | {
  sequence?: { start?: number; step?: number };
  int?: { min: number; max: number };
  float?: { min: number; max: number; decimals?: number };
  choice?: (string | number | boolean | null)[];
  weights?: number[];
  pattern?: string;
  timestamp?: { from: string; to: string };
  foreignKey?: true | string;
  value?: unknown;
  nullFraction?: number;
};

export interface PartitionPolicy {
  premakeMonths?: number;
  retentionMonths?: number;
  retentionAction?: 'detach' | 'drop';
  /** IANA time zone the months of a timestamptz key start in (default: the one the existing partitions follow, else UTC). */
  timeZone?: string;
}

export interface LintConfig {
  postgresVersion?: number;
  rules?: Record<string, 'error' | 'warning' | 'info' | 'off'>;
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
  lint: LintConfig;
  slowStatementMs: number;
  /** --up commits each migration but the last without waiting for the WAL flush; the last commit flushes them all. */
  fastCommit?: boolean;
  partitions: Record<string, PartitionPolicy>;
  /** Absolute path of the JSON sample data --seed loads, or null. */
  sampleDataDir: string | null;
  /** "seed" of the config file: the tables --seed --scale fills and how (a Config built by hand may have none). */
  seed?: SeedConfig;
  /** The migration-file format: "auto" (detected from the migrations directory) or a format's name. */
  format: FormatSetting;
  /** ${name} placeholders replaced in Flyway-format migrations. */
  placeholders: Record<string, string>;
  /** The shadow schema: drift patterns to ignore, extensions the shadow skips, the schema dump's absolute path. */
  shadow?: ShadowSettings;
}

export interface ShadowSettings { ignore: string[]; skipExtensions: string[]; schemaDump: string }

/** The shadow settings with their defaults (a Config built by hand may have none). */
export function shadowSettings(config: Pick<Config, 'root' | 'shadow'>): ShadowSettings {
  return config.shadow ?? { ignore: [], skipExtensions: [], schemaDump: path.join(config.root, 'schema.sql') };
}

/**
 * The rule for environment names: the schema's "propertyNames" pattern for "environments". A name becomes
 * a directory (.migrations/pglite/<env>, .migrations/backups/<env>), so it must be a plain key.
 */
export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const ENVIRONMENT_NAME_RULE = 'letters, digits, "_" and "-" only, starting with a letter or digit';

export function isEnvironmentName(name: unknown): name is string {
  return typeof name === 'string' && ENVIRONMENT_NAME_PATTERN.test(name);
}

function knownEnvironments(environments: Record<string, unknown> | undefined): string {
  const known = Object.keys(environments ?? {});
  return known.length ? `the configured environments are: ${known.join(', ')}` : 'no environments are configured';
}

/** Refuses an environment name that is not a plain key, naming where it came from, the value and the rule. */
function checkEnvironmentName(name: string, source: string, config: Pick<Config, 'environments' | 'file' | 'defaultEnvironment'>): void {
  if (isEnvironmentName(name)) return;
  throw new MigrationError('E_UNKNOWN_ENVIRONMENT',
    `${source} ${JSON.stringify(name)} is not a valid environment name (${ENVIRONMENT_NAME_RULE})`,
    Object.keys(config.environments).length
      ? `${knownEnvironments(config.environments)}; use one of them${source === 'DATABASE_MIGRATION_ENV' ? ' (or unset DATABASE_MIGRATION_ENV)' : ''}`
      : `${knownEnvironments(config.environments)}; ${source === '"defaultEnvironment"' ? 'set "defaultEnvironment" to a plain name' : `${source === '--env' ? 'leave out --env' : 'unset DATABASE_MIGRATION_ENV'} to use "${config.defaultEnvironment}"`}`,
    config.file ? { file: config.file } : {});
}

/**
 * `base/<name>` for a directory derived from an environment name: refuses a name that is not a plain key,
 * so no name ("..", "", "a/b", an absolute path) can point outside `base` or at `base` itself.
 */
export function environmentDir(base: string, name: string): string {
  const dir = path.join(base, name);
  if (!isEnvironmentName(name) || path.dirname(path.resolve(dir)) !== path.resolve(base)) {
    throw new MigrationError('E_UNKNOWN_ENVIRONMENT', `environment name ${JSON.stringify(name)} cannot name a directory under ${base} (${ENVIRONMENT_NAME_RULE})`,
      'choose an environment from the config file with --env');
  }
  return dir;
}

function validate(data: unknown): ErrorObject[] {
  const { validate: validator } = configValidator(configSchemaPath());
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** JSON pointer `/environments/dev/pool/max` -> `environments.dev.pool.max`. */
function keyPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.join('.') || '(top level)';
}

/** Best-effort line of a key path in the JSON text: each segment is searched after the previous one. */
function lineOfKey(text: string, keyPath: string[]): number | undefined {
  if (keyPath.length === 0) return undefined;
  let from = 0;
  let at = -1;
  for (const seg of keyPath) {
    if (/^\d+$/.test(seg)) continue; // array index: no key text to find
    const idx = text.indexOf(JSON.stringify(seg), from);
    if (idx === -1) break;
    at = idx;
    from = idx + 1;
  }
  return at === -1 ? undefined : text.slice(0, at).split('\n').length;
}

function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeSchemaError(e: ErrorObject): { key: string; path: string[]; message: string; hint: string } {
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    const key = keyPath(e.instancePath, extra);
    return { key, path: [...pointerSegments(e.instancePath), extra], message: `unknown key "${key}"`, hint: `remove "${extra}" or correct its spelling; the allowed keys are listed in schema/config.schema.json` };
  }
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName ?? (e.params as { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    const key = keyPath(e.instancePath);
    return { key: `${key}.${propertyName}`, path: [...pointerSegments(e.instancePath), propertyName],
      message: key === 'environments' ? `environment name "${propertyName}" in "environments" is not allowed` : `name "${propertyName}" in "${key}" is not allowed`, hint: 'use letters, digits, "_" and "-" only, starting with a letter or digit' };
  }
  const key = keyPath(e.instancePath);
  const last = pointerSegments(e.instancePath);
  if (e.keyword === 'type') {
    const want = String((e.params as { type: string }).type);
    return { key, path: last, message: `"${key}" must be ${want === 'integer' ? 'an integer' : `a ${want}`}`, hint: `change the value of "${key}" to a ${want}` };
  }
  if (e.keyword === 'enum') {
    const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ');
    return { key, path: last, message: `"${key}" must be one of ${allowed}`, hint: `set "${key}" to one of ${allowed}` };
  }
  return { key, path: last, message: `"${key}" ${e.message ?? 'is invalid'}`, hint: `fix "${key}" as described in schema/config.schema.json` };
}

function rank(e: ErrorObject): number {
  if ((e as ErrorObject & { propertyName?: string }).propertyName !== undefined) return 0;
  if (e.keyword === 'propertyNames') return 2;
  // An alternative that did not match ("default" or an object) says less than what was wrong inside the object.
  if (e.keyword === 'const' || e.keyword === 'anyOf' || e.keyword === 'oneOf') return 3;
  return 1;
}

/** The config file's text; a file that cannot be read (permissions, a directory in its place) is a MigrationError naming it. */
function readConfigText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'EISDIR') {
      throw new MigrationError('E_NOT_A_FILE', 'the config file is a directory, not a file',
        `point --config at ${CONFIG_FILE_NAME}, or move the directory away`, { file });
    }
    const reason = String((err as Error).message ?? err).replace(/^[A-Z]+: /, '').replace(/, open '.*'$/, '');
    throw new MigrationError('E_UNREADABLE_FILE', `the config file cannot be read (${code}: ${reason})`,
      'give the user running database-migration read permission on the file and its directory (chmod/chown)', { file });
  }
}

/**
 * "history.schema" and "history.table" name where the history is written: a system schema (pg_catalog, pg_temp,
 * information_schema, anything starting pg_), an empty name or one with a NUL byte is refused at load time,
 * before any command touches the database.
 */
function checkHistoryNames(parsed: unknown, text: string, file: string): void {
  const history = (parsed as { history?: unknown } | null)?.history;
  if (!history || typeof history !== 'object') return;
  for (const key of ['schema', 'table'] as const) {
    const value = (history as Record<string, unknown>)[key];
    if (typeof value !== 'string') continue;
    let problem: string | null = null;
    if (value === '') problem = 'is empty';
    else if (value.includes('\u0000')) problem = 'contains a NUL byte';
    else if (key === 'schema' && (/^pg_/i.test(value) || value.toLowerCase() === 'information_schema')) {
      problem = `is a system schema (${JSON.stringify(value)}): pg_catalog, pg_temp, information_schema and every name starting with pg_ belong to PostgreSQL`;
    }
    if (!problem) continue;
    throw new MigrationError('E_CONFIG_INVALID', `"history.${key}" ${problem}`,
      key === 'schema'
        ? 'set "history.schema" to a schema of your own (e.g. "public", or one the migration role owns), or remove the key'
        : 'set "history.table" to a plain table name (e.g. "database_migrations"), or remove the key',
      { file, line: lineOfKey(text, ['history', key]) });
  }
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
    const text = readConfigText(file);
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
    checkHistoryNames(parsed, text, file);
    checkDefaultEnvironment(parsed, text, file);
    checkTargets(parsed, text, file);
    const errors = validate(parsed);
    if (errors.length > 0) {
      // propertyNames problems come as a pattern error plus a summary; the one naming the property says most.
      const ranked = [...errors].sort((a, b) => rank(a) - rank(b));
      const first = describeSchemaError(ranked[0]!);
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
      throw new MigrationError('E_CONFIG_INVALID', `${first.message}${more}`, first.hint, { file, line: lineOfKey(text, first.path) });
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
    lint: data.lint ?? {},
    slowStatementMs: data.slowStatementMs ?? 1000,
    fastCommit: data.fastCommit ?? false,
    partitions: data.partitions ?? {},
    sampleDataDir: data.sampleDataDir ? path.resolve(root, data.sampleDataDir) : null,
    seed: data.seed ?? {},
    format: data.format ?? 'auto',
    placeholders: data.placeholders ?? {},
    shadow: {
      ignore: data.shadow?.ignore ?? [],
      skipExtensions: data.shadow?.skipExtensions ?? [],
      schemaDump: path.resolve(root, data.shadow?.schemaDump ?? 'schema.sql'),
    },
  };
}

/** "defaultEnvironment" follows the rule for environment names (checked before the schema, to name the value and the rule). */
function checkDefaultEnvironment(parsed: unknown, text: string, file: string): void {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
  const data = parsed as { defaultEnvironment?: unknown; environments?: unknown };
  if (typeof data.defaultEnvironment !== 'string' || isEnvironmentName(data.defaultEnvironment)) return;
  const envs = data.environments && typeof data.environments === 'object' ? data.environments as Record<string, unknown> : {};
  throw new MigrationError('E_CONFIG_INVALID',
    `"defaultEnvironment" ${JSON.stringify(data.defaultEnvironment)} is not a valid environment name (${ENVIRONMENT_NAME_RULE})`,
    Object.keys(envs).length ? `set "defaultEnvironment" to one of them (${knownEnvironments(envs)})` : 'set "defaultEnvironment" to a plain name such as "development" (no environments are configured)',
    { file, line: lineOfKey(text, ['defaultEnvironment']) });
}

/** Each environment's "targets" (a fleet), with messages naming the problem (see fleet/check-setting.ts). */
function checkTargets(parsed: unknown, text: string, file: string): void {
  const envs = (parsed as { environments?: unknown } | null)?.environments;
  if (!envs || typeof envs !== 'object') return;
  for (const [name, env] of Object.entries(envs as Record<string, unknown>)) {
    if (!env || typeof env !== 'object' || !('targets' in env)) continue;
    const problem = targetsProblem((env as { targets: unknown }).targets, `environments.${name}`);
    if (problem) throw new MigrationError('E_CONFIG_INVALID', problem.message, problem.hint, { file, line: lineOfKey(text, ['environments', name, ...problem.path]) });
  }
}

/** Replaces `${env:VAR}` and `${env:VAR:-default}` from the process environment. */
export function substituteEnv(value: string, env: NodeJS.ProcessEnv, where: { file: string | null; key: string }): string {
  return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new MigrationError('E_ENV_VAR_MISSING', `"${where.key}" uses \${env:${name}} but ${name} is not set`,
      `export ${name} (or set it in the project's .env) before running, or write \${env:${name}:-default} to give a fallback`, { file: where.file ?? undefined });
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
  // An empty DATABASE_MIGRATION_ENV counts as unset (as an empty DATABASE_URL does); an empty --env is refused.
  const fromVar = processEnv['DATABASE_MIGRATION_ENV'] || undefined;
  const explicitEnv = options.env ?? fromVar;
  if (explicitEnv !== undefined) checkEnvironmentName(explicitEnv, options.env !== undefined ? '--env' : 'DATABASE_MIGRATION_ENV', config);
  else checkEnvironmentName(config.defaultEnvironment, '"defaultEnvironment"', config);
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
  // Substituted only when this url is the one used, so an unset variable for it does not block --url or DATABASE_URL.
  const urlFromConfig = () => substituteEnv(settings.url!, processEnv, { file: config.file, key: `environments.${name}.url` });

  let target: ConnectionTarget;
  if (options.url) target = { kind: 'postgres', url: options.url, source: '--url' };
  else if (explicitEnv && settings.url) target = { kind: 'postgres', url: urlFromConfig(), source: `environments.${name}.url` };
  else if (processEnv['DATABASE_URL']) target = { kind: 'postgres', url: processEnv['DATABASE_URL'], source: 'DATABASE_URL' };
  else if (settings.url) target = { kind: 'postgres', url: urlFromConfig(), source: `environments.${name}.url` };
  else target = { kind: 'pglite', dataDir: environmentDir(path.join(config.root, '.migrations', 'pglite'), name), source: 'embedded' };

  if (target.kind === 'postgres') validateUrl(target.url, target.source, config.file);
  return { name, settings, target };
}

export function validateUrl(url: string, source: string, file: string | null): void {
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

/**
 * The target with `password` put into its URL, in memory only (the editor keeps
 * passwords in its secret storage and hands them over here); PGlite needs none.
 */
export function withPassword(target: ConnectionTarget, password: string | undefined): ConnectionTarget {
  if (!password || target.kind !== 'postgres') return target;
  const u = new URL(target.url);
  u.password = encodeURIComponent(password);
  return { ...target, url: u.toString() };
}
