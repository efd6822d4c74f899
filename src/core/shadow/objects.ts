/**
 * What the shadow schema holds at a point of the history, read from its catalog snapshots (see catalog.ts for the
 * key formats): the objects for completions and hover, where each object came from, and where in a migration file
 * the statement that made it is. Pure: no I/O, no database.
 */
import type { Parser } from '../../sql/parser';
import { parseScriptSync, positionInScript, type AstNode, type ParsedStatement } from '../../sql/parse';
import { alterCommands, stringList } from '../../sql/ast';
import { createdObjects, qn, rv, sameName, type QualifiedName } from '../../sql/objects';
import type { ObjectOrigin, SchemaObjects, ShadowColumn, ShadowPosition, ShadowRelation, ShadowSchema } from './types';

const RELATION_KINDS: ShadowRelation['kind'][] = ['partitioned table', 'foreign table', 'materialized view', 'table', 'view'];
/** Column definitions are "<type> [not null] [generated ...] [default ...] [collate ...]" (concat_ws in catalog.ts). */
const AFTER_TYPE = [' not null', ' generated ', ' default ', ' collate '];

/** "public.missions" -> { schema: 'public', name: 'missions' } (catalog names are always schema-qualified). */
function splitQualified(name: string): QualifiedName {
  const dot = name.indexOf('.');
  return dot === -1 ? { schema: null, name } : { schema: name.slice(0, dot), name: name.slice(dot + 1) };
}

/** The kind and the name of a catalog key ("partitioned table public.log" -> ['partitioned table', 'public.log']). */
export function splitKey(key: string): { kind: string; name: string } {
  for (const kind of RELATION_KINDS) if (key.startsWith(`${kind} `)) return { kind, name: key.slice(kind.length + 1) };
  const space = key.indexOf(' ');
  return space === -1 ? { kind: key, name: '' } : { kind: key.slice(0, space), name: key.slice(space + 1) };
}

/** The type part of a column definition ("timestamp with time zone not null default now()" -> "timestamp with time zone"). */
export function columnType(definition: string): string {
  let end = definition.length;
  for (const marker of AFTER_TYPE) {
    const i = definition.indexOf(marker);
    if (i !== -1 && i < end) end = i;
  }
  return definition.slice(0, end);
}

/** Relation, column, function, type, sequence and index lists of one catalog snapshot. */
function buildObjects(catalog: [string, string][]): SchemaObjects {
  const out: SchemaObjects = { schemas: [], relations: [], functions: [], types: [], sequences: [], indexes: [] };
  const relations = new Map<string, ShadowRelation>();
  const columns: [string, string][] = [];
  for (const [key, definition] of catalog) {
    const { kind, name } = splitKey(key);
    const q = splitQualified(name);
    if (kind === 'schema') out.schemas.push(name);
    else if ((RELATION_KINDS as string[]).includes(kind)) {
      relations.set(name, { schema: q.schema ?? 'public', name: q.name, kind: kind as ShadowRelation['kind'], definition, columns: [] });
    } else if (kind === 'column') columns.push([name, definition]);
    else if (kind === 'function' || kind === 'procedure') {
      const paren = name.indexOf('(');
      const f = splitQualified(paren === -1 ? name : name.slice(0, paren));
      out.functions.push({ schema: f.schema ?? 'public', name: f.name, args: paren === -1 ? '' : name.slice(paren + 1, name.lastIndexOf(')')), kind });
    } else if (kind === 'type') out.types.push({ schema: q.schema ?? 'public', name: q.name, definition });
    else if (kind === 'sequence') out.sequences.push({ schema: q.schema ?? 'public', name: q.name, definition });
    else if (kind === 'index') out.indexes.push({ schema: q.schema ?? 'public', name: q.name, definition });
  }
  for (const [name, definition] of columns) {
    // "public.missions.launch_date": the relation is the longest prefix that names one (a name may hold a dot).
    const cut = name.lastIndexOf('.');
    const relation = relations.get(name.slice(0, cut));
    const column: ShadowColumn = { name: name.slice(cut + 1), type: columnType(definition), definition };
    if (relation) relation.columns.push(column);
  }
  out.relations = [...relations.values()];
  return out;
}

const objectsByCatalog = new WeakMap<[string, string][], SchemaObjects>();

/** The objects of a catalog snapshot (computed once per snapshot: completions ask on every keystroke). */
export function schemaObjects(catalog: [string, string][]): SchemaObjects {
  let objects = objectsByCatalog.get(catalog);
  if (!objects) {
    objects = buildObjects(catalog);
    objectsByCatalog.set(catalog, objects);
  }
  return objects;
}

/** The catalog before position `index`: 0 is the baseline; past the end (or -1, unknown) is after every migration. */
export function catalogAt(schema: ShadowSchema, index: number): [string, string][] {
  if (index === 0) return schema.baseline;
  const i = index < 0 || index > schema.positions.length ? schema.positions.length : index;
  return i === 0 ? schema.baseline : schema.positions[i - 1]!.catalog;
}

/** What exists before the migration at `index` runs (see catalogAt). */
export function objectsAt(schema: ShadowSchema, index: number): SchemaObjects {
  return schemaObjects(catalogAt(schema, index));
}

type Origin = ObjectOrigin['created'];

/** "column public.t.c", "constraint public.t.c", "trigger ..." and "policy ..." belong to relation "public.t". */
function ownerName(key: string, kind: string, name: string, indexTables: Map<string, string>): string | null {
  if (kind === 'column' || kind === 'constraint' || kind === 'trigger' || kind === 'policy') return name.slice(0, name.lastIndexOf('.'));
  if (kind === 'index') return indexTables.get(key) ?? null;
  return null;
}

/** The table an index is on, read from its definition (pg_get_indexdef prints a CREATE INDEX statement). */
function indexTable(parser: Parser | undefined, definition: string): string | null {
  if (!parser) return null;
  const [st] = parseScriptSync(parser, definition);
  if (st?.kind !== 'IndexStmt' || !st.node) return null;
  const t = rv(st.node['relation']);
  return `${t.schema ?? 'public'}.${t.name}`;
}

/**
 * The migration that created each object (the first position where its key appears after being absent) and the
 * last one that changed it (its definition, or for a relation the keys of its columns, constraints, indexes,
 * triggers and policies). Only positions before `end` count (default: all). `parser` finds the table of an index.
 */
export function objectOrigins(schema: ShadowSchema, parser?: Parser, end = schema.positions.length): Map<string, ObjectOrigin> {
  const origins = new Map<string, ObjectOrigin>();
  const indexTables = new Map<string, string>();
  let previous = new Map(schema.baseline);
  for (const position of schema.positions.slice(0, Math.max(0, end))) {
    const here: Origin = { version: position.version, name: position.name, file: position.file };
    const current = new Map(position.catalog);
    const relationKeys = new Map<string, string>();
    for (const key of current.keys()) {
      const { kind, name } = splitKey(key);
      if ((RELATION_KINDS as string[]).includes(kind)) relationKeys.set(name, key);
      if (kind === 'index' && !indexTables.has(key)) {
        const table = indexTable(parser, current.get(key)!);
        if (table) indexTables.set(key, table);
      }
    }
    const touched = new Set<string>();
    const note = (key: string) => {
      const { kind, name } = splitKey(key);
      const owner = ownerName(key, kind, name, indexTables);
      const ownerKey = owner ? relationKeys.get(owner) : undefined;
      if (ownerKey) touched.add(ownerKey);
    };
    for (const [key, definition] of current) {
      const before = previous.get(key);
      if (before === undefined) {
        origins.set(key, { key, created: here, changed: here });
        note(key);
      } else if (before !== definition) {
        const origin = origins.get(key); // none for what the baseline already had
        if (origin) origin.changed = here;
        note(key);
      }
    }
    for (const key of previous.keys()) {
      if (current.has(key)) continue;
      note(key);
      origins.delete(key);
    }
    for (const key of touched) {
      const origin = origins.get(key);
      if (origin) origin.changed = here;
    }
    previous = current;
  }
  return origins;
}

/** Where a statement of a migration file makes an object: 1-based line and column. */
export interface ObjectLocation {
  line: number;
  column: number;
}

interface Target {
  kind: string;
  name: QualifiedName;
  /** For a column, constraint, trigger or policy: the relation it belongs to, and its own name in `name.name`. */
  table: QualifiedName | null;
}

function targetOf(key: string): Target {
  const { kind, name } = splitKey(key);
  if (kind === 'column' || kind === 'constraint' || kind === 'trigger' || kind === 'policy') {
    const cut = name.lastIndexOf('.');
    return { kind, name: { schema: null, name: name.slice(cut + 1) }, table: splitQualified(name.slice(0, cut)) };
  }
  const paren = name.indexOf('(');
  return { kind, name: splitQualified(paren === -1 ? name : name.slice(0, paren)), table: null };
}

/** Byte location (in the statement) where the statement creates the target, or undefined. */
function creationIn(st: ParsedStatement, target: Target): number | undefined {
  const node = st.node!;
  if (target.kind === 'column' && st.kind === 'CreateStmt' && sameName(rv(node['relation']), target.table!)) {
    for (const e of (node['tableElts'] as AstNode[] | undefined) ?? []) {
      const col = e['ColumnDef'] as AstNode | undefined;
      if (col && col['colname'] === target.name.name) return typeof col['location'] === 'number' ? col['location'] : 0;
    }
  }
  for (const o of createdObjects(st.kind, node)) {
    const kindMatches = o.kind === target.kind || (target.kind === 'type' && o.kind === 'domain')
      || ((RELATION_KINDS as string[]).includes(target.kind) && ['table', 'view', 'materialized view'].includes(o.kind));
    if (!kindMatches || !sameName(o, target.name)) continue;
    if (target.table && !(o.table && sameName(o.table, target.table))) continue;
    return o.location ?? 0;
  }
  return undefined;
}

/** Byte location where the statement renames something to the target or alters it (ALTER TABLE, ALTER TYPE, ...). */
function changeIn(st: ParsedStatement, target: Target): number | undefined {
  const node = st.node!;
  const relation = target.table ?? target.name;
  if (st.kind === 'RenameStmt') {
    if (node['newname'] !== target.name.name) return undefined;
    const on = node['relation'] ? rv(node['relation']) : qn(stringList(node['object']?.['List']?.items));
    return target.table ? (sameName(on, target.table) ? 0 : undefined) : 0;
  }
  if (st.kind === 'AlterTableStmt' && sameName(rv(node['relation']), relation)) {
    if (!target.table) return 0;
    const cmd = alterCommands(node).find((c) => c['name'] === target.name.name);
    return cmd ? 0 : undefined;
  }
  if (st.kind === 'AlterEnumStmt' || st.kind === 'AlterDomainStmt') {
    const names = stringList(node['typeName']);
    return names.length && sameName(qn(names), target.name) ? 0 : undefined;
  }
  return undefined;
}

/**
 * Where in a migration file (its whole text) the statement that creates the object named by the catalog `key` is;
 * else the first statement that renames it into being or alters it; null when none does.
 */
export function locateObject(parser: Parser, sqlText: string, key: string): ObjectLocation | null {
  const target = targetOf(key);
  const statements = parseScriptSync(parser, sqlText).filter((s) => s.node);
  for (const find of [creationIn, changeIn]) {
    for (const st of statements) {
      const at = find(st, target);
      if (at !== undefined) return positionInScript(st, st.toOffset(at));
    }
  }
  // A view's column is made by the view; a column no statement names goes to its table.
  if (target.table) return locateObject(parser, sqlText, `table ${target.table.schema ?? 'public'}.${target.table.name}`);
  return null;
}
