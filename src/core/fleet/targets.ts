/**
 * The targets of a fleet: what an environment's "targets" names (a list of URLs or pglite:<dir>, a query on
 * the control database, a schema pattern), or several --url on the command line. Each target gets a key
 * (a plain file name: its log file and backup directory) and a label (safe to print: URLs are redacted).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { substituteEnv, validateUrl, type ConnectionTarget } from '../config';
import type { Database } from '../db/database';
import { MigrationError } from '../errors';
import type { Project } from '../project';
import { redactUrl } from '../redact';
import type { TargetsSetting } from './setting';

export interface FleetTarget {
  /** Plain name for files: .migrations/fleet/<env>/<key>.log, .migrations/backups/<env>/fleet/<key>/. */
  key: string;
  /** What messages and log lines show (a redacted URL, pglite:<dir>, schema:<name>). */
  label: string;
  connection: ConnectionTarget;
  /** Schema per tenant: the schema migrations run in (search_path) and whose history table they keep; else null. */
  schema: string | null;
}

const PGLITE_PREFIX = 'pglite:';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'x';
}

/** A target from a URL or pglite:<dir> (relative to the config's directory). */
export function targetFromString(value: string, source: string, root: string, file: string | null): FleetTarget {
  if (value.startsWith(PGLITE_PREFIX)) {
    const dir = path.resolve(root, value.slice(PGLITE_PREFIX.length));
    const shown = path.relative(root, dir) || '.';
    return { key: `pglite-${safe(path.basename(dir))}-${shortHash(dir)}`, label: `pglite:${shown}`, connection: { kind: 'pglite', dataDir: dir, source }, schema: null };
  }
  validateUrl(value, source, file);
  const u = new URL(value);
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  // The key never holds the password (nor a hash of it): the same database is the same target with any password.
  u.password = '';
  return { key: `db-${safe(db)}-${shortHash(u.toString())}`, label: redactUrl(value), connection: { kind: 'postgres', url: value, source }, schema: null };
}

/** A schema of the control database as a target (schema per tenant). */
export function targetFromSchema(schema: string, control: ConnectionTarget, controlLabel: string): FleetTarget {
  const plain = safe(schema);
  return { key: `schema-${plain}${plain === schema ? '' : `-${shortHash(schema)}`}`, label: `${controlLabel} schema ${schema}`, connection: control, schema };
}

/** Refuses the same target twice (two entries naming one database or schema), naming both. */
export function assertDistinct(targets: FleetTarget[], where: string): void {
  const seen = new Map<string, FleetTarget>();
  for (const t of targets) {
    const other = seen.get(t.key);
    if (other) {
      throw new MigrationError('E_CONFIG_INVALID', `${where} names the same target twice: ${other.label} and ${t.label}`,
        'list each database (or schema) once');
    }
    seen.set(t.key, t);
  }
}

/** Several --url: an ad-hoc fleet with the environment's settings. */
export function targetsFromUrls(urls: readonly string[], root: string): FleetTarget[] {
  const targets = urls.map((u) => targetFromString(u, '--url', root, null));
  assertDistinct(targets, '--url');
  return targets;
}

/** Values returned by a query: a URL (postgres:// or postgresql://) or a schema name in the control database. */
export function targetsFromValues(values: string[], control: ConnectionTarget, controlLabel: string, root: string): FleetTarget[] {
  return values.map((v) => (/^postgres(ql)?:\/\//i.test(v) || v.startsWith(PGLITE_PREFIX)
    ? targetFromString(v, 'targets.query', root, null)
    : targetFromSchema(v, control, controlLabel)));
}

export interface ResolveOptions {
  processEnv: NodeJS.ProcessEnv;
  /** Opens the control database (the environment's own url) for "query" and "schemas". */
  connect: (project: Project) => Database;
}

/** The targets an environment's "targets" names, in a stable order. */
export async function resolveTargets(project: Project, options: ResolveOptions): Promise<FleetTarget[]> {
  const setting = project.environment.settings.targets as TargetsSetting | undefined;
  if (!setting) return [];
  const env = project.environment.name;
  const file = project.config.file;
  const root = project.config.root;
  let targets: FleetTarget[];
  if (Array.isArray(setting) || 'urls' in setting) {
    const list = Array.isArray(setting) ? setting : setting.urls;
    targets = list.map((raw, i) => {
      const key = `environments.${env}.targets[${i}]`;
      return targetFromString(substituteEnv(raw, options.processEnv, { file, key }), key, root, file);
    });
  } else {
    const values = 'query' in setting ? await controlQuery(project, options, setting.query, [])
      : await controlQuery(project, options, SCHEMAS_SQL, [setting.schemas, setting.exclude ?? []]);
    const controlLabel = describeControl(project);
    targets = targetsFromValues(values, project.environment.target, controlLabel, root);
  }
  assertDistinct(targets, `environments.${env}.targets`);
  return targets;
}

const SCHEMAS_SQL = `SELECT nspname::text AS name FROM pg_namespace
  WHERE nspname LIKE $1 AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS x(p) WHERE nspname LIKE x.p)
  ORDER BY nspname`;

function describeControl(project: Project): string {
  const t = project.environment.target;
  return t.kind === 'postgres' ? redactUrl(t.url) : `pglite:${path.relative(project.config.root, t.dataDir) || '.'}`;
}

/** Runs `sql` on the control database; the first column of each row, as text (NULLs and blanks left out). */
async function controlQuery(project: Project, options: ResolveOptions, sql: string, params: unknown[]): Promise<string[]> {
  const db = options.connect(project);
  try {
    const session = await db.session();
    try {
      const r = await session.query<Record<string, unknown>>(sql, params).catch((err: unknown) => {
        throw new MigrationError('E_CONFIG_INVALID', `the targets query of environment "${project.environment.name}" failed on ${db.description}: ${(err as Error).message}`,
          'correct "targets.query" (its first column must give connection URLs or schema names)', { file: project.config.file ?? undefined });
      });
      return r.rows.map((row) => Object.values(row)[0]).filter((v) => v !== null && v !== undefined && String(v).trim() !== '').map((v) => String(v).trim());
    } finally {
      await session.release();
    }
  } finally {
    await db.close();
  }
}
