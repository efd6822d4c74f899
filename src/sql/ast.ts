/**
 * Small helpers over libpg-query's JSON parse tree (PostgreSQL 17/18 node
 * names). Pure functions; no I/O.
 */
import type { AstNode } from './parse';

/** `[{String:{sval:'a'}}, {String:{sval:'b'}}]` -> ['a', 'b']. */
export function stringList(items: AstNode[] | undefined): string[] {
  return (items ?? []).map((i) => (i['String'] ? String(i['String'].sval ?? '') : i['A_Star'] ? '*' : '')).filter((s) => s !== '');
}

/** `{relname, schemaname}` -> 'schema.table' or 'table'. */
export function rangeVarName(rv: AstNode | undefined | null): string {
  if (!rv) return '';
  return rv['schemaname'] ? `${rv['schemaname']}.${rv['relname']}` : String(rv['relname'] ?? '');
}

/** Unqualified relation name (what most rules compare on). */
export function relName(rv: AstNode | undefined | null): string {
  return rv ? String(rv['relname'] ?? '') : '';
}

export interface TypeInfo {
  /** Last part of the type name, lower case: 'int4', 'varchar', 'timestamp', 'serial', 'text', ... */
  name: string;
  /** Schema if written or implied ('pg_catalog' for SQL-standard spellings like varchar(10)). */
  schema: string | null;
  /** Numeric type modifiers, e.g. [255] for varchar(255). */
  mods: number[];
  isArray: boolean;
  /** Byte location of the type name in the statement. */
  location: number | undefined;
}

export function typeInfo(typeName: AstNode | undefined | null): TypeInfo | null {
  if (!typeName) return null;
  const names = stringList(typeName['names']);
  if (names.length === 0) return null;
  const mods: number[] = [];
  for (const m of (typeName['typmods'] as AstNode[] | undefined) ?? []) {
    const c = m['A_Const'] as AstNode | undefined;
    if (c?.['ival'] !== undefined) mods.push(Number(c['ival'].ival ?? 0));
  }
  return {
    name: names[names.length - 1]!.toLowerCase(),
    schema: names.length > 1 ? names[0]! : null,
    mods,
    isArray: Array.isArray(typeName['arrayBounds']) && typeName['arrayBounds'].length > 0,
    location: typeof typeName['location'] === 'number' ? typeName['location'] : undefined,
  };
}

/** The single key of a node wrapper: `{ColumnDef: {...}}` -> 'ColumnDef'. */
export function nodeType(wrapper: AstNode | null | undefined): string | null {
  if (!wrapper || typeof wrapper !== 'object' || Array.isArray(wrapper)) return null;
  let key: string | null = null;
  for (const k in wrapper) {
    if (key !== null) return null; // more than one key: a plain object, not a wrapper
    key = k;
  }
  if (key === null) return null;
  const c = key.charCodeAt(0);
  return c >= 65 && c <= 90 ? key : null;
}

/** Unwraps `{ColumnDef: x}` to x when the type matches. */
export function as<T extends AstNode = AstNode>(wrapper: AstNode | null | undefined, type: string): T | null {
  return wrapper && wrapper[type] ? (wrapper[type] as T) : null;
}

/**
 * Visits every wrapped node below `root` (depth first): `fn(type, body, path)`.
 * Return false from fn to skip that node's children.
 */
export function walk(root: unknown, fn: (type: string, body: AstNode, path: string[]) => boolean | void, path: string[] = []): void {
  if (Array.isArray(root)) {
    for (const item of root) walk(item, fn, path);
    return;
  }
  if (!root || typeof root !== 'object') return;
  const obj = root as AstNode;
  const t = nodeType(obj);
  if (t) {
    const body = obj[t];
    if (fn(t, body as AstNode, path) === false) return;
    path.push(t);
    walk(body, fn, path);
    path.pop();
    return;
  }
  for (const k in obj) {
    const v = obj[k];
    if (v && typeof v === 'object') {
      path.push(k);
      walk(v, fn, path);
      path.pop();
    }
  }
}

const typeIndexes = new WeakMap<object, Map<string, AstNode[]>>();

/**
 * Indexes every wrapped node below `root` by node type (what `walk` visits, in the same order), in one pass
 * without callbacks or a path. When `rebase` is given, every non-negative `location` is also made relative to
 * that byte offset on the way (the statement's start in its script): parsing a script walks each tree once.
 */
export function indexNodeTypes(root: unknown, rebase = 0): Map<string, AstNode[]> {
  const index = new Map<string, AstNode[]>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { const x = v[i]; if (x !== null && typeof x === 'object') visit(x); }
      return;
    }
    const o = v as AstNode;
    let first: string | undefined;
    let several = false;
    for (const k in o) {
      if (first === undefined) first = k;
      else { several = true; break; }
    }
    if (first === undefined) return;
    // A wrapper `{Type: body}` (one key, upper-case first letter): listed before the nodes inside it, as `walk` visits.
    const c = first.charCodeAt(0);
    if (!several && c >= 65 && c <= 90) {
      const body = o[first] as AstNode;
      const list = index.get(first);
      if (list) list.push(body);
      else index.set(first, [body]);
      if (body !== null && typeof body === 'object') visit(body);
      return;
    }
    for (const k in o) {
      const x = o[k];
      if (x !== null && typeof x === 'object') visit(x);
      else if (rebase !== 0 && k === 'location' && typeof x === 'number' && x >= 0) o[k] = x - rebase;
    }
  };
  if (root !== null && typeof root === 'object') visit(root);
  return index;
}

/**
 * Every node of a given type below root. Dozens of rules ask this of the same statement, so the
 * first call indexes the whole tree by node type and later calls are lookups (parsing a script
 * indexes each statement's tree while it rebases the locations).
 */
export function findAll(root: unknown, type: string): AstNode[] {
  if (!root || typeof root !== 'object') return [];
  let index = typeIndexes.get(root);
  if (!index) {
    index = indexNodeTypes(root);
    typeIndexes.set(root, index);
  }
  return index.get(type) ?? [];
}

/** Records the type index of a statement's tree built while parsing (see `indexNodeTypes`). */
export function rememberNodeTypes(root: object, index: Map<string, AstNode[]>): void {
  typeIndexes.set(root, index);
}

/** Constraint bodies of a ColumnDef. */
export function columnConstraints(columnDef: AstNode): AstNode[] {
  return ((columnDef['constraints'] as AstNode[] | undefined) ?? []).map((c) => c['Constraint'] as AstNode).filter(Boolean);
}

export function hasConstraint(columnDef: AstNode, contype: string): boolean {
  return columnConstraints(columnDef).some((c) => c['contype'] === contype);
}

/** ALTER TABLE sub-commands: `[{subtype:'AT_AddColumn', def, name, ...}]`. */
export function alterCommands(alterTable: AstNode): AstNode[] {
  return ((alterTable['cmds'] as AstNode[] | undefined) ?? []).map((c) => c['AlterTableCmd'] as AstNode).filter(Boolean);
}

/** Names dropped by a DropStmt: each as a dotted name ('schema.table' or 'table'). */
export function dropNames(dropStmt: AstNode): string[] {
  return ((dropStmt['objects'] as AstNode[] | undefined) ?? []).map((o) => {
    if (o['List']) return stringList(o['List'].items).join('.');
    if (o['String']) return String(o['String'].sval);
    if (o['TypeName']) return stringList(o['TypeName'].names).join('.');
    if (o['ObjectWithArgs']) return stringList(o['ObjectWithArgs'].objname).join('.');
    return '';
  }).filter(Boolean);
}

/** Column names of an index or constraint key list (IndexElem names, or String keys). */
export function indexColumns(indexParams: AstNode[] | undefined): (string | null)[] {
  return (indexParams ?? []).map((p) => {
    const e = p['IndexElem'] as AstNode | undefined;
    if (e) return e['name'] ? String(e['name']) : null; // null: an expression
    if (p['String']) return String(p['String'].sval);
    return null;
  });
}

/** The boolean/string value of a DefElem list entry (`WITH (fillfactor = 70)`, function options, ...). */
export function defElem(options: AstNode[] | undefined, name: string): AstNode | null {
  for (const o of options ?? []) {
    const d = o['DefElem'] as AstNode | undefined;
    if (d?.['defname'] === name) return d;
  }
  return null;
}

/** Smallest byte location found anywhere in a node (nodes without their own location). */
export function firstLocation(node: unknown): number | undefined {
  let best: number | undefined;
  const visit = (v: unknown) => {
    if (Array.isArray(v)) { v.forEach(visit); return; }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as AstNode)) {
      if (k === 'location' && typeof x === 'number' && x >= 0) best = best === undefined ? x : Math.min(best, x);
      else if (x && typeof x === 'object') visit(x);
    }
  };
  visit(node);
  return best;
}
