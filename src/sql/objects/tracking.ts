/** Following objects through a script: what a down section leaves behind. */
import { defElem, stringList } from '../ast';
import type { AstNode } from '../parse';
import { type ObjectKind, type ObjectRef, type CreatedObject, type DroppedObject, type QualifiedName, type RenamedObject, qn, rv, sameName, TABLE_SCOPED, sameObject } from './names';
import { indexDefinitions } from './definitions';
import { created, createdObjects } from './created';
import { droppedObjects, renamedObject } from './dropped';

export interface StatementLike {
  kind: string | null;
  node: AstNode | null;
}

export interface TrackedObject<S extends StatementLike = StatementLike> extends CreatedObject {
  statement: S;
}

export type Removal = 'no' | 'yes' | 'cascade';

/**
 * Objects known so far, by name: `removal` looks one up for every owner and dependency it follows, and a long
 * section has hundreds of them (a linear search there made the down-section check quadratic).
 */
let comparisons = 0;

/** Objects compared by `KnownObjects.find` since the process started: the work the down-section check does (tests). */
export function objectComparisons(): number {
  return comparisons;
}

export class KnownObjects {
  private readonly byName = new Map<string, CreatedObject[]>();

  constructor(objects: readonly CreatedObject[]) {
    for (const o of objects) {
      const list = this.byName.get(o.name);
      if (list) list.push(o);
      else this.byName.set(o.name, [o]);
    }
  }

  /** Forgets an object (it was dropped). */
  remove(o: CreatedObject): void {
    const list = this.byName.get(o.name);
    const i = list ? list.indexOf(o) : -1;
    if (i >= 0) list!.splice(i, 1);
  }

  /** The first object (in list order) that is `ref` itself, of the same kind. */
  find(ref: ObjectRef): CreatedObject | undefined {
    // sameObject compares names first: only objects of that name can match.
    const candidates = this.byName.get(ref.name);
    if (!candidates) return undefined;
    comparisons += candidates.length;
    return candidates.find((o) => sameObject(ref, o) && o.kind === ref.kind);
  }
}

/** How `ref` is removed by `drops` (directly, with its owner, or by a CASCADE through a dependency). */
export function removal(ref: ObjectRef, drops: DroppedObject[], known: readonly CreatedObject[] | KnownObjects = [], depth = 0): Removal {
  return removalIn(ref, drops, known instanceof KnownObjects ? known : new KnownObjects(known), depth);
}

function removalIn(ref: ObjectRef, drops: DroppedObject[], known: KnownObjects, depth: number): Removal {
  if (depth > 8) return 'no';
  let best = 'no' as Removal;
  const note = (r: Removal) => { if (r === 'cascade' || (r === 'yes' && best === 'no')) best = r; };
  for (const d of drops) if (sameObject(ref, d)) note(d.cascade ? 'cascade' : 'yes');
  if (best === 'cascade') return 'cascade';
  // Objects inside a table go with it.
  if (TABLE_SCOPED.has(ref.kind) && ref.table) {
    for (const k of ['table', 'view', 'materialized view'] as ObjectKind[]) note(removalIn({ kind: k, ...ref.table }, drops, known, depth + 1));
  }
  if (ref.schema && ref.kind !== 'schema') {
    for (const d of drops) if (d.kind === 'schema' && d.cascade && d.name === ref.schema) note('cascade');
  }
  const self = known.find(ref);
  if (self) {
    for (const o of self.owners) note(removalIn(o, drops, known, depth + 1));
    for (const o of self.deps) if (removalIn(o, drops, known, depth + 1) === 'cascade') note('cascade');
  }
  return best;
}

/**
 * True when `drops` remove an index or key constraint (by its name, or with its table when it has none that a DROP
 * could name): the usual "create the new one, drop the old one" of index and foreign-key rules.
 */
export function indexRemoved(def: { kind: string; name: string | null; table: QualifiedName }, drops: DroppedObject[]): boolean {
  if (drops.length === 0) return false;
  if (!def.name) return removal({ kind: 'table', ...def.table }, drops) !== 'no';
  const ref: ObjectRef = def.kind === 'index' || def.kind === 'unique index'
    ? { kind: 'index', schema: def.table.schema, name: def.name, table: def.table }
    : { kind: 'constraint', schema: null, name: def.name, table: def.table };
  return removal(ref, drops) !== 'no';
}

/** True when `drops` remove a table's column (directly, or with the table). */
export function columnRemoved(table: QualifiedName, column: string, drops: DroppedObject[]): boolean {
  return drops.length > 0 && removal({ kind: 'column', schema: null, name: column, table }, drops) !== 'no';
}

/** A DROP of an unnamed constraint or index can name it only by the name PostgreSQL chose; accept any drop of that kind on the table not claimed by a named object. */
export function unnamedDropped(o: CreatedObject, drops: DroppedObject[], known: CreatedObject[]): boolean {
  if (o.givenName !== null) return false;
  return drops.some((d) => d.kind === o.kind
    && (o.kind !== 'constraint' || (!!d.table && !!o.table && sameName(d.table, o.table)))
    && !known.some((k) => k.kind === o.kind && k.givenName !== null && k.givenName === d.name));
}

export function applyRename(objects: CreatedObject[], r: RenamedObject): void {
  for (const o of objects) {
    if (o.kind === r.from.kind && sameObject(o, r.from)) {
      o.name = r.to;
      if (o.givenName !== null) o.givenName = r.to;
    }
  }
  const renameRef = (ref: ObjectRef) => {
    if (r.from.kind === 'schema') {
      if (ref.schema === r.from.name) ref.schema = r.to;
      if (ref.table?.schema === r.from.name) ref.table = { ...ref.table, schema: r.to };
      return;
    }
    if (['table', 'view', 'materialized view'].includes(r.from.kind) && ref.table && sameName(ref.table, r.from)) ref.table = { ...ref.table, name: r.to };
    if (ref.kind !== 'schema' && sameObject(ref, r.from)) ref.name = r.to;
  };
  for (const o of objects) {
    if (r.from.kind === 'schema' && o.schema === r.from.name) o.schema = r.to;
    if (o.table) {
      const t = { kind: o.kind, schema: null, name: '', table: o.table } as ObjectRef;
      renameRef(t);
      o.table = t.table;
    }
    o.owners.forEach(renameRef);
    o.deps.forEach(renameRef);
  }
}

/**
 * Objects created by a list of statements and still there at the end: objects
 * dropped later in the same list are left out, renames are followed.
 */
export function objectsCreated<S extends StatementLike>(statements: S[]): TrackedObject<S>[] {
  const live: TrackedObject<S>[] = [];
  for (const stmt of statements) {
    const drops = droppedObjects(stmt.kind, stmt.node);
    if (drops.length) {
      const known = new KnownObjects(live);
      const gone = live.filter((o) => removal(o, drops, known) !== 'no');
      for (const g of gone) live.splice(live.indexOf(g), 1);
    }
    const rename = renamedObject(stmt.kind, stmt.node);
    if (rename) applyRename(live, rename);
    // ALTER SEQUENCE ... OWNED BY table.column: the sequence now goes with the table.
    if (stmt.kind === 'AlterSeqStmt' && stmt.node) {
      const parts = stringList(defElem(stmt.node['options'], 'owned_by')?.['arg']?.['List']?.items);
      const seq = live.find((o) => o.kind === 'sequence' && sameName(o, rv(stmt.node!['sequence'])));
      if (seq && parts.length >= 2) {
        const table = qn(parts.slice(0, -1));
        seq.owners = [{ kind: 'table', ...table }, { kind: 'column', schema: null, name: parts[parts.length - 1]!, table }];
      }
    }
    for (const c of createdObjects(stmt.kind, stmt.node)) {
      // ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's and goes with it.
      if (c.kind === 'constraint' && stmt.node) {
        for (const d of indexDefinitions(stmt.kind, stmt.node)) {
          if (!d.usingIndex) continue;
          const idx = live.find((o) => o.kind === 'index' && o.name === d.usingIndex);
          if (idx && (c.givenName === d.name || c.givenName === d.usingIndex)) {
            idx.owners.push({ kind: 'constraint', schema: null, name: c.name, table: c.table });
            idx.name = c.name;
          }
        }
      }
      // A copy: renames and takeovers below change it (createdObjects' results are shared and frozen).
      live.push({ ...c, owners: c.owners.map((r) => ({ ...r })), deps: c.deps.map((r) => ({ ...r })), statement: stmt });
    }
  }
  return live;
}

/** Names an object is reached by: its own, its table's, and those of its owners and dependencies (and their tables). */
function referredNames(o: CreatedObject): string[] {
  const names = [o.name];
  // Few names per object: a linear check keeps the first-seen order without building a Set and two arrays.
  const add = (n: string) => { if (!names.includes(n)) names.push(n); };
  if (o.table) add(o.table.name);
  for (const list of [o.owners, o.deps]) {
    for (const r of list) {
      add(r.name);
      if (r.table) add(r.table.name);
    }
  }
  return names;
}

/**
 * The objects still there while the down section is followed, indexed so that each DROP looks only at the objects it
 * may remove (found from the dropped names) instead of at every object: `removal` then decides exactly, as before.
 */
class LiveObjects<S extends StatementLike> {
  private readonly order = new Map<TrackedObject<S>, number>();
  private objects: TrackedObject<S>[] = [];
  private referring = new Map<string, TrackedObject<S>[]>();
  private unnamed: TrackedObject<S>[] = [];
  known = new KnownObjects([]);

  constructor(objects: TrackedObject<S>[]) {
    objects.forEach((o, i) => this.order.set(o, i));
    this.objects = objects;
    this.reindex();
  }

  /** The objects alive now, in creation order. */
  list(): TrackedObject<S>[] {
    return this.objects.filter((o) => this.order.has(o));
  }

  /** Rebuilds the indexes from the objects alive now (names change when the down section renames something). */
  reindex(): void {
    this.objects = this.list();
    this.known = new KnownObjects(this.objects);
    this.referring = new Map();
    this.unnamed = this.objects.filter((o) => o.givenName === null);
    for (const o of this.objects) {
      for (const n of referredNames(o)) {
        const list = this.referring.get(n);
        if (list) list.push(o);
        else this.referring.set(n, [o]);
      }
    }
  }

  remove(gone: TrackedObject<S>[]): void {
    for (const g of gone) {
      this.order.delete(g);
      this.known.remove(g);
    }
  }

  /**
   * Every object the drops (or CREATE OR REPLACE of `replaced`) might remove, in creation order: a superset, since
   * `removal` only ever follows names (an object, its table, its owners and dependencies, and theirs) from a dropped name.
   */
  candidates(drops: DroppedObject[], replaced: CreatedObject[]): TrackedObject<S>[] {
    if (drops.some((d) => d.kind === 'schema')) return this.list(); // DROP SCHEMA ... CASCADE reaches by schema: check all
    const hot = new Set<string>();
    const queue: string[] = [];
    const heat = (n: string) => { if (!hot.has(n)) { hot.add(n); queue.push(n); } };
    for (const d of drops) heat(d.name);
    for (const r of replaced) heat(r.name);
    const found = new Set<TrackedObject<S>>();
    while (queue.length > 0) {
      for (const o of this.referring.get(queue.pop()!) ?? []) {
        if (found.has(o) || !this.order.has(o)) continue;
        found.add(o);
        heat(o.name);
      }
    }
    // An unnamed constraint or index goes with any DROP of its kind that no named object claims.
    const kinds = new Set(drops.map((d) => d.kind));
    for (const o of this.unnamed) if (kinds.has(o.kind) && this.order.has(o)) found.add(o);
    return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }
}

/**
 * Objects that `up` creates and `down` does not remove (by a DROP, a dropped
 * table or column that takes them along, or a DROP ... CASCADE of something they
 * depend on). CREATE OR REPLACE objects also count as handled when down
 * replaces them again.
 */
export function objectsLeftBehind<S extends StatementLike>(up: S[], down: StatementLike[]): TrackedObject<S>[] {
  const live = new LiveObjects(objectsCreated(up));
  // Walk the down section in order, so a rename there (back to an old name) is followed too.
  for (const stmt of down) {
    const drops = droppedObjects(stmt.kind, stmt.node);
    const replaced = createdObjects(stmt.kind, stmt.node).filter((o) => o.orReplace);
    if (drops.length > 0 || replaced.length > 0) {
      let all: TrackedObject<S>[] | null = null;
      const gone = live.candidates(drops, replaced).filter((o) => (drops.length > 0
        && (removal(o, drops, live.known) !== 'no' || (o.givenName === null && unnamedDropped(o, drops, (all ??= live.list())))))
        || (o.orReplace && replaced.some((r) => r.kind === o.kind && sameObject(o, r))));
      live.remove(gone);
    }
    const rename = renamedObject(stmt.kind, stmt.node);
    if (rename) {
      applyRename(live.list(), rename);
      live.reindex();
    }
  }
  return live.list();
}
