/**
 * Drift: the live database's catalog compared with the shadow's after the migrations the history says are applied,
 * object by object. What differs only because the two servers are different PostgreSQL versions (the shadow is
 * PGlite's 18; the server may be 13-17) is normalised away before comparing.
 */
import * as path from 'node:path';
import { snapshotCatalog, type CatalogSnapshot } from '../catalog';
import { shadowSettings } from '../config';
import type { EngineContext } from '../context';
import { serverVersion } from '../db/database';
import { MigrationError } from '../errors';
import { compareVersions, type MigrationFile } from '../migration-file';
import type { MigrationStatus } from '../planner';
import type { ShadowService } from './service';
import { parityWarnings } from './replay';
import { loadParser, type Parser } from '../../sql/parser';
import { parseScriptSync } from '../../sql/parse';
import type { ShadowSchema } from './types';

export type DriftChange = 'added' | 'removed' | 'changed';

export interface DriftItem {
  /** The object, as "table public.missions", "column public.missions.name", "index public.idx_x". */
  object: string;
  change: DriftChange;
  /** Its definition after the applied migrations (null when added by hand). */
  expected: string | null;
  /** Its definition in the live database (null when removed). */
  actual: string | null;
}

export interface DriftReport {
  environment: string;
  database: string;
  /** The applied migrations the shadow replayed, in the order they were applied. */
  replayed: number;
  shadowVersion: string;
  serverVersion: string;
  items: DriftItem[];
  /** Differences left out by "shadow.ignore" patterns. */
  ignored: number;
  /** Things the reader should know: modified files replayed as they are now, statements the shadow could not run. */
  notes: string[];
}

/** The applied migrations with their files, in the order they were applied (a file that is gone cannot be replayed). */
export function appliedInOrder(statuses: MigrationStatus[], root: string): { files: MigrationFile[]; notes: string[] } {
  const applied = statuses.filter((s) => s.history && s.history.status === 'applied');
  const missing = applied.filter((s) => !s.file);
  if (missing.length) {
    throw new MigrationError('E_SHADOW_REPLAY', `cannot build the expected schema: ${missing.length} applied migration(s) have no file (${missing.map((s) => `${s.version}_${s.name}`).join(', ')})`,
      'restore the missing migration files (git checkout), or mark them rolled back if they really were undone');
  }
  applied.sort((a, b) => a.history!.appliedAt.getTime() - b.history!.appliedAt.getTime() || compareVersions(a.version, b.version));
  const notes = applied.filter((s) => s.state === 'modified')
    .map((s) => `${path.relative(root, path.resolve(root, s.file!.file))} changed since it was applied: the expected schema uses the file as it is now`);
  return { files: applied.map((s) => s.file!), notes };
}

/** Definitions that differ between PostgreSQL versions or roles without the schema being different. */
export function normaliseForDrift(snapshot: Iterable<[string, string]>): CatalogSnapshot {
  const out: CatalogSnapshot = new Map();
  for (const [key, def] of snapshot) {
    if (key.startsWith('schema ')) out.set(key, ''); // the owner is whoever ran the migrations
    else if (key.startsWith('extension ')) out.set(key, def.replace(/^\S+ in /, 'in ')); // the version is the server's build
    else out.set(key, def);
  }
  return out;
}

/** Glob over printed object names: "*" is any run of characters. */
export function ignorePattern(patterns: string[]): (object: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (object) => res.some((re) => re.test(object));
}

/**
 * A view's query in a form both versions print alike: its parse tree without positions, and with column references
 * reduced to the column's name (PostgreSQL 16+ leaves out the table name where 15 prints "table.column").
 */
function viewQueryForm(parser: Parser, def: string): string {
  const st = parseScriptSync(parser, def)[0];
  if (!st?.node) return def;
  return JSON.stringify(st.node, (key, value: unknown) => {
    if (key === 'location' || key === 'stmt_location' || key === 'stmt_len') return undefined;
    if (key === 'ColumnRef' && value && typeof value === 'object') {
      const fields = (value as { fields?: unknown[] }).fields ?? [];
      return { fields: fields.slice(-1) };
    }
    return value;
  });
}

function sameDefinition(parser: Parser | null, object: string, e: string | undefined, a: string | undefined): boolean {
  if (e === a) return true;
  if (e === undefined || a === undefined || !parser) return false;
  if (object.startsWith('view ') || object.startsWith('materialized view ')) return viewQueryForm(parser, e) === viewQueryForm(parser, a);
  return false;
}

export function diffSchemas(expected: CatalogSnapshot, actual: CatalogSnapshot, ignore: (object: string) => boolean, parser: Parser | null = null): { items: DriftItem[]; ignored: number } {
  const items: DriftItem[] = [];
  let ignored = 0;
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  for (const object of [...keys].sort()) {
    const e = expected.get(object);
    const a = actual.get(object);
    if (sameDefinition(parser, object, e, a)) continue;
    if (ignore(object)) { ignored++; continue; }
    items.push({ object, change: e === undefined ? 'added' : a === undefined ? 'removed' : 'changed', expected: e ?? null, actual: a ?? null });
  }
  return { items, ignored };
}

/** The catalog the shadow expects after its last position (the baseline when nothing is applied). */
export function expectedCatalog(schema: ShadowSchema): [string, string][] {
  return schema.positions.length ? schema.positions[schema.positions.length - 1]!.catalog : schema.baseline;
}

/**
 * Objects that pending repeatable migrations without a down section create: `--down` takes such a repeatable off by
 * its history row only, leaving them in place until the next `--up` replaces them. Object -> definition.
 */
async function repeatableLeftovers(statuses: MigrationStatus[], applied: MigrationFile[], shadow: ShadowService, schema: ShadowSchema, cachedOnly: boolean): Promise<Map<string, string>> {
  const pending = statuses.filter((s) => s.file?.repeatable && !s.history && !s.file.down?.trim()).map((s) => s.file!);
  if (!pending.length) return new Map();
  const withThem = cachedOnly ? shadow.cached([...applied, ...pending]) : await shadow.build([...applied, ...pending]);
  if (!withThem) return new Map();
  const before = new Map(expectedCatalog(schema));
  return new Map(expectedCatalog(withThem).filter(([k, v]) => before.get(k) !== v));
}

/**
 * Compares the live database with the shadow after the applied migrations. With `cachedOnly`, only when the
 * shadow's cache already has them (no embedded database started: what --status can afford); null otherwise.
 */
export async function checkDrift(ctx: EngineContext, shadow: ShadowService, options: { cachedOnly?: boolean } = {}): Promise<DriftReport | null> {
  const config = ctx.config;
  const statuses = await ctx.withSession((session) => ctx.readStatuses(session, ctx.migrations()));
  const { files, notes } = appliedInOrder(statuses, config.root);
  const schema = options.cachedOnly ? shadow.cached(files) : await shadow.build(files);
  if (!schema) return null;
  const { live, version } = await ctx.withSession(async (session) => ({
    live: await snapshotCatalog(session, ctx.historyTableNames),
    version: await serverVersion(session),
  }));
  const parser = await loadParser();
  const shadowMajor = Number(schema.serverVersion.split('.')[0]) || 18;
  for (const file of files) {
    for (const w of parityWarnings(parser, file, version.major, shadowMajor)) notes.push(`${path.relative(config.root, path.resolve(config.root, file.file))}:${w.line}:${w.column}: ${w.message}`);
  }
  for (const p of schema.positions) {
    for (const e of p.errors) notes.push(`${path.relative(config.root, p.file)}:${e.line}:${e.column}: the embedded PostgreSQL ${schema.serverVersion} could not run this statement (${e.message}); objects it makes may show as drift`);
  }
  const settings = shadowSettings(config);
  const builtIn = config.historySchema !== 'public' ? [`schema ${config.historySchema}`] : [];
  const leftovers = await repeatableLeftovers(statuses, files, shadow, schema, !!options.cachedOnly);
  const diff = diffSchemas(normaliseForDrift(expectedCatalog(schema)), normaliseForDrift(live), ignorePattern([...builtIn, ...settings.ignore]), parser);
  // What a pending repeatable without a down section made stays after --down by design (the next --up replaces it).
  const items = diff.items.filter((i) => !(i.change === 'added' && leftovers.get(i.object) === i.actual));
  const ignored = diff.ignored;
  return {
    environment: ctx.environmentName, database: ctx.db.description, replayed: files.length,
    shadowVersion: schema.serverVersion, serverVersion: version.text, items, ignored, notes,
  };
}
