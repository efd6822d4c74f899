/**
 * --generate NAME: a migration that brings the history to the live schema, written from the drift (for changes made
 * by hand). Up makes the history what the database is; down puts it back. Definitions come from the catalog as
 * PostgreSQL prints them (pg_get_indexdef, pg_get_constraintdef, pg_get_functiondef, ...); what cannot be written
 * from the catalog is listed in the file as a comment for the author, never silently left out.
 */
import type { Session } from '../db/database';
import type { EngineContext } from '../context';
import { withTransaction } from '../db/transaction';
import { createMigration, type CreatedMigration } from '../create';
import { parseMigrationFile } from '../migration-file';
import { checkDrift, type DriftItem, type DriftReport } from './drift';
import type { ShadowService } from './service';
import { columnType, splitKey } from './objects';

export interface GeneratedMigration {
  up: string[];
  down: string[];
  /** Differences not written as SQL, with why. */
  byHand: string[];
}

/** The kind and name of a catalog key, "grant on" read as one kind ("grant on public.x to role"). */
function parts(object: string): { kind: string; name: string } {
  const { kind, name } = splitKey(object);
  return kind === 'grant' ? { kind: 'grant on', name: name.replace(/^on /, '') } : { kind, name };
}

function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** "public.missions.name" -> ["public.missions", "name"] (schema and relation quoted as needed). */
function relationAndPart(name: string): [string, string] {
  const [schema, relation, ...rest] = name.split('.');
  return [`${ident(schema!)}.${ident(relation!)}`, rest.join('.')];
}

/** A column definition as catalog.ts prints it, in parts: "<type>[ not null][ generated ...][ default ...][ collate ...]". */
export function columnParts(def: string): { type: string; notNull: boolean; defaultExpr: string | null; rest: string } {
  const type = columnType(def);
  const rest = def.slice(type.length);
  const d = / default (.*?)(?: collate .*)?$/.exec(rest);
  return { type, notNull: rest.startsWith(' not null'), defaultExpr: d && !rest.includes(' generated always as (') ? d[1]! : null, rest };
}

interface Ctx {
  session: Session;
  items: DriftItem[];
  out: GeneratedMigration;
}

/** Statements that make the object as `def` describes it, and that remove it. */
async function createAndDrop(ctx: Ctx, object: string, def: string): Promise<{ create: string[]; drop: string[] } | null> {
  const { kind, name } = parts(object);
  const [rel] = relationAndPart(`${name}.`);
  switch (kind) {
    case 'schema': return { create: [`CREATE SCHEMA ${ident(name)};`], drop: [`DROP SCHEMA ${ident(name)};`] };
    case 'extension': return { create: [`CREATE EXTENSION IF NOT EXISTS ${ident(name)}${def.startsWith('in ') ? ` SCHEMA ${ident(def.slice(3))}` : / in (\S+)$/.test(def) ? ` SCHEMA ${ident(/ in (\S+)$/.exec(def)![1]!)}` : ''};`], drop: [`DROP EXTENSION ${ident(name)};`] };
    case 'index': return { create: [`${def};`], drop: [`DROP INDEX ${relationAndPart(`${name}.x`)[0]};`] };
    case 'view': return { create: [`CREATE VIEW ${rel} AS\n${def.trim().replace(/;$/, '')};`], drop: [`DROP VIEW ${rel};`] };
    case 'materialized view': return { create: [`CREATE MATERIALIZED VIEW ${rel} AS\n${def.trim().replace(/;$/, '')};`], drop: [`DROP MATERIALIZED VIEW ${rel};`] };
    case 'trigger': {
      const [table, trigger] = relationAndPart(name);
      return { create: [`${def};`], drop: [`DROP TRIGGER ${ident(trigger)} ON ${table};`] };
    }
    case 'constraint': {
      const [table, constraint] = relationAndPart(name);
      return { create: [`ALTER TABLE ${table} ADD CONSTRAINT ${ident(constraint)} ${def};`], drop: [`ALTER TABLE ${table} DROP CONSTRAINT ${ident(constraint)};`] };
    }
    case 'column': {
      const [table, column] = relationAndPart(name);
      return { create: [`ALTER TABLE ${table} ADD COLUMN ${ident(column)} ${def};`], drop: [`ALTER TABLE ${table} DROP COLUMN ${ident(column)};`] };
    }
    case 'grant on': {
      const m = /^(.+) to (.+)$/.exec(name);
      if (!m) return null;
      const [table] = relationAndPart(`${m[1]}.x`);
      const privileges = def.replace(/ with grant option/g, '');
      return { create: [`GRANT ${privileges} ON ${table} TO ${m[2] === 'public' ? 'PUBLIC' : ident(m[2]!)};`], drop: [`REVOKE ${privileges} ON ${table} FROM ${m[2] === 'public' ? 'PUBLIC' : ident(m[2]!)};`] };
    }
    case 'function': case 'procedure': {
      const body = await ctx.session.query<{ def: string }>(`SELECT pg_get_functiondef($1::regprocedure) AS def`, [name]).catch(() => null);
      if (!body?.rows[0]) return null;
      return { create: [`${body.rows[0].def.trim()};`], drop: [`DROP ${kind.toUpperCase()} ${name};`] };
    }
    case 'table': case 'partitioned table': return tableCreate(ctx, name, def, kind);
    default: return null;
  }
}

/** CREATE TABLE with the live table's columns in their order (its constraints and indexes are differences of their own). */
async function tableCreate(ctx: Ctx, name: string, def: string, kind: string): Promise<{ create: string[]; drop: string[] } | null> {
  const [table] = relationAndPart(`${name}.x`);
  const partitionOf = /partition of (\S+) (FOR VALUES .*|DEFAULT)/.exec(def);
  const drop = [`DROP TABLE ${table};`];
  if (partitionOf) return { create: [`CREATE TABLE ${table} PARTITION OF ${partitionOf[1]} ${partitionOf[2]};`], drop };
  const prefix = `column ${name}.`;
  const columns = ctx.items.filter((i) => i.object.startsWith(prefix) && !i.object.slice(prefix.length).includes('.'));
  const order = await ctx.session.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [table]).catch(() => null);
  const rank = new Map((order?.rows ?? []).map((r, i) => [r.attname, i]));
  columns.sort((a, b) => (rank.get(a.object.slice(prefix.length)) ?? 0) - (rank.get(b.object.slice(prefix.length)) ?? 0));
  const body = columns.map((c) => `    ${ident(c.object.slice(prefix.length))} ${c.actual ?? c.expected}`).join(',\n');
  const partition = kind === 'partitioned table' ? /partition by (.+?)(?: row security)?$/.exec(def)?.[1] : undefined;
  const unlogged = def.startsWith('unlogged') ? 'UNLOGGED ' : '';
  return { create: [`CREATE ${unlogged}TABLE ${table} (\n${body}\n)${partition ? ` PARTITION BY ${partition}` : ''};`], drop };
}

/** What a changed column needs: its type, NOT NULL and default, each on its own. */
function columnChange(name: string, from: string, to: string): string[] | null {
  const [table, column] = relationAndPart(name);
  const a = columnParts(from);
  const b = columnParts(to);
  const out: string[] = [];
  const alter = `ALTER TABLE ${table} ALTER COLUMN ${ident(column)}`;
  if (a.type !== b.type) out.push(`${alter} TYPE ${b.type} USING ${ident(column)}::${b.type};`);
  if (a.notNull !== b.notNull) out.push(`${alter} ${b.notNull ? 'SET' : 'DROP'} NOT NULL;`);
  if (a.defaultExpr !== b.defaultExpr) out.push(b.defaultExpr === null ? `${alter} DROP DEFAULT;` : `${alter} SET DEFAULT ${b.defaultExpr};`);
  const same = (x: typeof a) => x.rest.replace(/ not null| default .*$/g, '');
  return same(a) === same(b) ? out : null;
}

/** The table an object belongs to ("public.missions"), when it belongs to one. */
function ownerOf(item: DriftItem): string | null {
  const { kind, name } = parts(item.object);
  if (['column', 'constraint', 'trigger', 'policy'].includes(kind)) return name.split('.').slice(0, 2).join('.');
  if (kind === 'grant on') return name.replace(/ to .*$/, '');
  if (kind === 'index') return / ON (?:ONLY )?(\S+) USING /.exec(item.actual ?? item.expected ?? '')?.[1]?.replace(/"/g, '') ?? null;
  return null;
}

/** Creation order: what others depend on first. Drops go in the reverse order. */
const ORDER = ['schema', 'extension', 'type', 'sequence', 'table', 'partitioned table', 'column', 'constraint', 'index', 'function', 'procedure', 'view', 'materialized view', 'trigger', 'policy', 'grant on'];

/** The up and down statements for `items` (drift of the live database from the history). */
export async function generateFromDrift(session: Session, items: DriftItem[]): Promise<GeneratedMigration> {
  const ctx: Ctx = { session, items, out: { up: [], down: [], byHand: [] } };
  const rank = (i: DriftItem) => { const r = ORDER.indexOf(parts(i.object).kind); return r < 0 ? ORDER.length : r; };
  const newTables = new Set(items.filter((i) => i.change === 'added' && /^(partitioned )?table /.test(i.object)).map((i) => parts(i.object).name));
  const goneTables = new Set(items.filter((i) => i.change === 'removed' && /^(partitioned )?table /.test(i.object)).map((i) => parts(i.object).name));
  const creates: { rank: number; change: DriftItem['change']; up: string[]; down: string[] }[] = [];
  for (const item of [...items].sort((a, b) => rank(a) - rank(b))) {
    const { kind, name } = parts(item.object);
    const owner = ownerOf(item);
    // A new table's columns are in its CREATE TABLE; a dropped table takes its columns with it.
    if (kind === 'column' && owner && (newTables.has(owner) || goneTables.has(owner))) continue;
    // The index of a primary key or unique constraint comes and goes with the constraint.
    if (kind === 'index' && items.some((c) => c.change === item.change && c.object.startsWith('constraint ') && c.object.endsWith(`.${name.split('.').pop()}`))) continue;
    let up: string[] | null = null;
    let down: string[] | null = null;
    if (item.change === 'changed' && kind === 'column') {
      up = columnChange(name, item.expected!, item.actual!);
      down = columnChange(name, item.actual!, item.expected!);
    } else if (item.change === 'changed') {
      const before = await createAndDrop(ctx, item.object, item.expected!);
      const after = await createAndDrop(ctx, item.object, item.actual!);
      if (before && after) { up = [...before.drop, ...after.create]; down = [...after.drop, ...before.create]; }
    } else {
      const made = await createAndDrop(ctx, item.object, (item.actual ?? item.expected)!);
      if (made && owner && goneTables.has(owner) && item.change === 'removed') { up = []; down = made.create; }
      else if (made) { up = item.change === 'added' ? made.create : made.drop; down = item.change === 'added' ? made.drop : made.create; }
    }
    if (!up || !down) {
      ctx.out.byHand.push(`${item.change} ${item.object}: ${item.actual ?? item.expected ?? ''}`.trim());
      continue;
    }
    creates.push({ rank: rank(item), change: item.change, up, down });
  }
  // Drops go dependants first (reverse order), creations what others depend on first; down mirrors up.
  const of = (change: DriftItem['change']) => creates.filter((c) => c.change === change);
  const reversed = <T>(list: T[]) => [...list].reverse();
  ctx.out.up = [...reversed(of('removed')), ...of('changed'), ...of('added')].flatMap((c) => c.up);
  ctx.out.down = [...reversed(of('added')), ...reversed(of('changed')), ...of('removed')].flatMap((c) => c.down);
  return ctx.out;
}

/** The migration file's text. */
export function generatedMigrationText(g: GeneratedMigration, from: string): string {
  const byHand = g.byHand.length
    ? `-- Not written as SQL (write these by hand, or undo them in the database):\n${g.byHand.map((b) => `--   ${b.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n')}\n`
    : '';
  return `-- Generated by database-migration --generate from the drift of ${from}: review before applying.\n${byHand}-- Up migration\n${g.up.join('\n\n')}\n\n-- Down migration\n${g.down.join('\n\n')}\n`;
}

/** The drift of the live database and the migration text that brings the history to it (nothing written yet). */
export async function generateMigration(ctx: EngineContext, shadow: ShadowService): Promise<{ drift: DriftReport; text: string | null; generated: GeneratedMigration | null }> {
  const drift = (await checkDrift(ctx, shadow))!;
  if (!drift.items.length) return { drift, text: null, generated: null };
  const generated = await ctx.withSession((session) => generateFromDrift(session, drift.items));
  return { drift, text: generatedMigrationText(generated, `${ctx.environmentName} (${ctx.db.description})`), generated };
}

/**
 * Writes the generated migration and records it as applied in this database's history, without running it: the
 * database already has these changes (they were made by hand). Other databases get it from --up like any other.
 */
export async function writeGeneratedMigration(ctx: EngineContext, name: string, text: string): Promise<CreatedMigration> {
  ctx.assertMayChange('generate');
  const created = createMigration(ctx.config, name, { content: text });
  const m = parseMigrationFile(text, created.path);
  await ctx.withLock(async (session) => {
    await ctx.store.ensure(session);
    const batch = await ctx.store.nextBatch(session);
    await withTransaction(session, async () => {
      await ctx.store.insert(session, { version: m.version, name: m.name, checksum: m.checksum, downSql: m.down, status: 'applied', transactional: m.transactional, appliedBy: ctx.appliedBy, durationMs: 0, environment: ctx.environmentName, batch });
      await ctx.audit(session, { action: 'baseline', version: m.version, name: m.name, success: true, message: `generated from the drift of this database and recorded as applied without running it` });
    });
  });
  return created;
}
