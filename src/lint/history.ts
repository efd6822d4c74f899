/**
 * The whole history as lint sees it: what the migrations before a file built (indexes, foreign keys, column types)
 * and what the migrations after it add, read from the parse trees of every migration's up section. No database is
 * started for it, so `--lint` in CI and the editor see the same history. A rule asks its file's view
 * (`RuleContext.history`): "is this key indexed before, here, or in a later migration?", "which foreign keys does
 * the index this file drops cover?", "what type did this column have before?".
 *
 * Each file's facts are plain JSON (cached in the lint cache by the SHA-256 of the up section), so a run where nothing
 * changed parses nothing, and a file's cached findings stay valid while the facts of the other files stay the same.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { TypeInfo } from '../sql/ast';
import { CONSTRAINT_SUFFIX, defaultName, droppedObjects, foreignKeys, indexDefinitions, renamedObject, sameName,
  type ForeignKeyDefinition, type IndexDefinition, type QualifiedName } from '../sql/objects';
import type { ParsedStatement } from '../sql/parse';
import { typedColumns } from './rules/shared/column-types';

/** One change a migration makes to the objects lint reasons about, in statement order. */
export type Fact =
  | { t: 'index'; index: IndexDefinition }
  | { t: 'fk'; fk: ForeignKeyDefinition }
  | { t: 'column'; table: QualifiedName; column: string; type: TypeInfo }
  | { t: 'table'; name: QualifiedName }
  | { t: 'drop'; kind: string; name: QualifiedName; table: QualifiedName | null }
  | { t: 'rename'; kind: string; from: QualifiedName; table: QualifiedName | null; to: string };

/** The facts of one section's statements (a migration's up section). */
export function factsOf(statements: ParsedStatement[]): Fact[] {
  const columns = new Map<ParsedStatement, ReturnType<typeof typedColumns>>();
  for (const c of typedColumns(statements)) {
    const list = columns.get(c.statement);
    if (list) list.push(c);
    else columns.set(c.statement, [c]);
  }
  const facts: Fact[] = [];
  for (const stmt of statements) {
    if (!stmt.node) continue;
    const created = stmt.kind === 'CreateStmt' ? stmt.node['relation'] : stmt.kind === 'CreateTableAsStmt' ? stmt.node['into']?.rel : null;
    if (created?.relname) facts.push({ t: 'table', name: { schema: created.schemaname ?? null, name: String(created.relname) } });
    for (const ix of indexDefinitions(stmt.kind, stmt.node)) facts.push({ t: 'index', index: { ...ix, name: ix.name ?? indexDefaultName(ix), location: undefined } });
    for (const fk of foreignKeys(stmt.kind, stmt.node)) {
      facts.push({ t: 'fk', fk: { ...fk, name: fk.name ?? defaultName(fk.table.name, fk.columns, 'fkey'), location: undefined } });
    }
    for (const c of columns.get(stmt) ?? []) {
      facts.push({ t: 'column', table: { schema: c.relation['schemaname'] ?? null, name: String(c.relation['relname'] ?? '') }, column: c.name, type: { ...c.type, location: undefined } });
    }
    for (const d of droppedObjects(stmt.kind, stmt.node)) {
      facts.push({ t: 'drop', kind: d.kind, name: { schema: d.schema, name: d.name }, table: d.table ?? null });
    }
    const r = renamedObject(stmt.kind, stmt.node);
    if (r) facts.push({ t: 'rename', kind: r.from.kind, from: { schema: r.from.schema, name: r.from.name }, table: r.from.table ?? null, to: r.to });
  }
  return facts;
}

/** The name PostgreSQL gives an index or constraint written without one. */
function indexDefaultName(ix: IndexDefinition): string {
  if (ix.kind === 'primary key') return `${ix.table.name}_pkey`;
  const suffix = ix.kind === 'unique' ? CONSTRAINT_SUFFIX['CONSTR_UNIQUE'] ?? 'key' : ix.kind === 'exclusion' ? 'excl' : 'idx';
  return defaultName(ix.table.name, ix.columns, suffix);
}

/** What a rule may ask of the history around one migration. */
export interface HistoryView {
  /** Identifies what the view answers from (the other files' facts): part of lint cache keys. */
  key: string;
  /** Indexes (and primary key / unique constraints) on the table after the migrations before this one. */
  indexesBefore(table: QualifiedName): IndexDefinition[];
  /** Foreign keys on the table after the migrations before this one. */
  foreignKeysBefore(table: QualifiedName): ForeignKeyDefinition[];
  /** Indexes later migrations create on the table, with the file that creates each. */
  indexesLater(table: QualifiedName): { index: IndexDefinition; file: string }[];
  /** A column's type after the migrations before this one, or null when no earlier migration typed it. */
  columnTypeBefore(table: QualifiedName, column: string): TypeInfo | null;
  /** True when an earlier migration created the table (and none dropped it since): its indexes are all known. */
  tableKnownBefore(table: QualifiedName): boolean;
  /** The migration file that created an index this view returned (null when it is not known). */
  fileOf(index: IndexDefinition): string | null;
  /** The index (or primary key / unique constraint) of that name after the migrations before this one. */
  indexNamedBefore(name: QualifiedName): IndexDefinition | null;
}

interface Table {
  name: QualifiedName;
  indexes: IndexDefinition[];
  fks: ForeignKeyDefinition[];
  columns: Map<string, TypeInfo>;
  /** Created by a migration (CREATE TABLE): not only named by one (an index on a table made elsewhere). */
  created: boolean;
}

/** A value as it stood after file `ord` (the last file that changed it). */
interface Version<T> {
  ord: number;
  value: T;
}

/** The last version written by a file before `ord` (binary search: versions are in file order). */
function versionBefore<T>(versions: Version<T>[] | undefined, ord: number): T | undefined {
  if (!versions) return undefined;
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (versions[mid]!.ord < ord) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : versions[lo - 1]!.value;
}

function sameTable(a: Table, name: QualifiedName): boolean {
  return sameName(a.name, name);
}

/**
 * Every table's state after each migration that changed it, built in one pass over the facts: a file copies only the
 * tables it touches (copy on first write), so the history of a long project costs its facts, not files × tables, and
 * the state before any file is a binary search away.
 */
class Timeline {
  /** By table name (unqualified): the tables of that name (one per schema) after each file that changed them. */
  private readonly tables = new Map<string, Version<Table[]>[]>();
  /** By index name: the table it is on after each file that created, dropped or renamed one of that name. */
  private readonly owners = new Map<string, Version<QualifiedName | null>[]>();
  private ord = -1;

  constructor(files: { facts: Fact[] }[]) {
    files.forEach((f, ord) => {
      this.ord = ord;
      for (const fact of f.facts) this.apply(fact);
    });
  }

  tablesBefore(name: string, ord: number): Table[] {
    return versionBefore(this.tables.get(name), ord) ?? [];
  }

  tableBefore(name: QualifiedName, ord: number): Table | null {
    return this.tablesBefore(name.name, ord).find((t) => sameTable(t, name)) ?? null;
  }

  /** Every table known after the files before `ord` (created by a migration or only named by one). */
  allTablesBefore(ord: number): Table[] {
    return [...this.tables.values()].flatMap((versions) => versionBefore(versions, ord) ?? []);
  }

  ownerBefore(index: string, ord: number): QualifiedName | null {
    return versionBefore(this.owners.get(index), ord) ?? null;
  }

  /** The current tables of a name, writable: copied (with copies of their lists) on the file's first write. */
  private writable(name: string): Table[] {
    let versions = this.tables.get(name);
    if (!versions) this.tables.set(name, (versions = []));
    const last = versions[versions.length - 1];
    if (last?.ord === this.ord) return last.value;
    const copy = (last?.value ?? []).map((t) => ({ ...t, indexes: [...t.indexes], fks: [...t.fks], columns: new Map(t.columns) }));
    versions.push({ ord: this.ord, value: copy });
    return copy;
  }

  private table(name: QualifiedName, create = true): Table | null {
    const list = this.writable(name.name);
    let t = list.find((x) => sameTable(x, name)) ?? null;
    if (!t && create) list.push((t = { name, indexes: [], fks: [], columns: new Map(), created: false }));
    return t;
  }

  private setOwner(index: string, table: QualifiedName | null): void {
    let versions = this.owners.get(index);
    if (!versions) this.owners.set(index, (versions = []));
    const last = versions[versions.length - 1];
    if (last?.ord === this.ord) last.value = table;
    else versions.push({ ord: this.ord, value: table });
  }

  private currentOwner(index: string): QualifiedName | null {
    return versionBefore(this.owners.get(index), this.ord + 1) ?? null;
  }

  private apply(f: Fact): void {
    switch (f.t) {
      case 'index':
        this.table(f.index.table)!.indexes.push(f.index);
        if (f.index.name) this.setOwner(f.index.name, f.index.table);
        break;
      case 'fk': this.table(f.fk.table)!.fks.push(f.fk); break;
      case 'column': this.table(f.table)!.columns.set(f.column, f.type); break;
      case 'table':
        // CREATE TABLE after a DROP (or of a table only named so far): a fresh table.
        Object.assign(this.table(f.name)!, { indexes: [], fks: [], columns: new Map(), created: true });
        break;
      case 'drop': this.drop(f.kind, f.name, f.table); break;
      case 'rename': this.rename(f); break;
    }
  }

  private drop(kind: string, name: QualifiedName, table: QualifiedName | null): void {
    if (kind === 'table') {
      const list = this.writable(name.name);
      const i = list.findIndex((x) => sameTable(x, name));
      if (i === -1) return;
      for (const ix of list[i]!.indexes) if (ix.name) this.setOwner(ix.name, null);
      list.splice(i, 1);
    } else if (kind === 'index') {
      const owner = this.currentOwner(name.name);
      const t = owner && this.table(owner, false);
      if (!t || (name.schema !== null && t.name.schema !== null && t.name.schema !== name.schema)) return;
      t.indexes = t.indexes.filter((ix) => ix.name !== name.name);
      this.setOwner(name.name, null);
    } else if (kind === 'constraint' && table) {
      const t = this.table(table, false);
      if (!t) return;
      t.indexes = t.indexes.filter((ix) => !(ix.kind !== 'index' && ix.kind !== 'unique index' && ix.name === name.name));
      t.fks = t.fks.filter((fk) => fk.name !== name.name);
    } else if (kind === 'column' && table) {
      const t = this.table(table, false);
      if (!t) return;
      t.columns.delete(name.name);
      // PostgreSQL drops the indexes and constraints that use the column with it.
      t.indexes = t.indexes.filter((ix) => !ix.columns.includes(name.name));
      t.fks = t.fks.filter((fk) => !fk.columns.includes(name.name));
    }
  }

  /** Renames replace the objects they change (never mutate them): versions and facts share the objects. */
  private rename(f: Extract<Fact, { t: 'rename' }>): void {
    if (f.kind === 'table') {
      const list = this.writable(f.from.name);
      const i = list.findIndex((x) => sameTable(x, f.from));
      if (i === -1) return;
      const [t] = list.splice(i, 1);
      const name = { schema: t!.name.schema, name: f.to };
      const moved = { ...t!, name, indexes: t!.indexes.map((ix) => ({ ...ix, table: name })), fks: t!.fks.map((fk) => ({ ...fk, table: name })) };
      this.writable(f.to).push(moved);
      for (const ix of moved.indexes) if (ix.name) this.setOwner(ix.name, name);
    } else if (f.kind === 'index') {
      const owner = this.currentOwner(f.from.name);
      const t = owner && this.table(owner, false);
      if (!t) return;
      t.indexes = t.indexes.map((ix) => (ix.name === f.from.name ? { ...ix, name: f.to } : ix));
      this.setOwner(f.from.name, null);
      this.setOwner(f.to, t.name);
    } else if ((f.kind === 'column' || f.kind === 'constraint') && f.table) {
      const t = this.table(f.table, false);
      if (t) (f.kind === 'column' ? renameColumn : renameConstraint)(t, f.from.name, f.to);
    }
  }
}

function renameColumn(t: Table, from: string, to: string): void {
  const type = t.columns.get(from);
  if (type) { t.columns.delete(from); t.columns.set(to, type); }
  const swap = (c: string | null) => (c === from ? to : c);
  t.indexes = t.indexes.map((ix) => (ix.columns.includes(from) ? { ...ix, columns: ix.columns.map(swap) } : ix));
  t.fks = t.fks.map((fk) => (fk.columns.includes(from) ? { ...fk, columns: fk.columns.map((c) => swap(c)!) } : fk));
}

function renameConstraint(t: Table, from: string, to: string): void {
  t.indexes = t.indexes.map((ix) => (ix.kind !== 'index' && ix.kind !== 'unique index' && ix.name === from ? { ...ix, name: to } : ix));
  t.fks = t.fks.map((fk) => (fk.name === from ? { ...fk, name: to } : fk));
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The history of a project: each migration's file (as linted) and up-section facts, in the order --up applies them. */
export class ProjectHistory {
  private readonly index = new Map<string, number>();
  private readonly keys: string[];
  private readonly origin = new WeakMap<object, string>();
  private timelineBuilt: Timeline | null = null;
  /** Indexes each file creates, by table name, for "is it indexed later?". */
  private readonly created = new Map<string, { ord: number; index: IndexDefinition; file: string }[]>();

  constructor(private readonly files: { file: string; facts: Fact[] }[]) {
    files.forEach((f, i) => this.index.set(path.resolve(f.file), i));
    files.forEach((f, ord) => {
      for (const x of f.facts) {
        if (x.t !== 'index') continue;
        this.origin.set(x.index, f.file);
        const list = this.created.get(x.index.table.name) ?? [];
        list.push({ ord, index: x.index, file: f.file });
        this.created.set(x.index.table.name, list);
      }
    });
    // A file's view depends on every other file's facts, in order: prefix and suffix digests make each key O(1).
    const json = files.map((f) => JSON.stringify(f.facts));
    const prefix = [''];
    for (let i = 0; i < files.length; i++) prefix.push(sha(prefix[i]! + '\0' + json[i]));
    const suffix: string[] = new Array(files.length + 1).fill('');
    for (let i = files.length - 1; i >= 0; i--) suffix[i] = sha(json[i] + '\0' + suffix[i + 1]!);
    this.keys = files.map((_, i) => sha(`${prefix[i]}|${suffix[i + 1]}`));
  }

  get size(): number {
    return this.files.length;
  }

  /** The view around a migration file (any path that resolves to it), or null when it is not in the history. */
  viewOf(file: string): HistoryView | null {
    const i = this.index.get(path.resolve(file));
    return i === undefined ? null : this.view(i);
  }

  /**
   * The tables the migrations before a file built, with their columns (for editor completions); for a file that is
   * not in the history (a new file, a script), what the whole history built.
   */
  tablesBefore(file: string): { name: QualifiedName; columns: string[] }[] {
    const ord = this.index.get(path.resolve(file)) ?? this.files.length;
    return this.timeline.allTablesBefore(ord).map((t) => ({ name: t.name, columns: [...t.columns.keys()] }));
  }

  /** Built when a rule first asks (a run whose findings all come from the cache never needs it). */
  private get timeline(): Timeline {
    return (this.timelineBuilt ??= new Timeline(this.files));
  }

  private view(i: number): HistoryView {
    const table = (name: QualifiedName) => this.timeline.tableBefore(name, i);
    return {
      key: this.keys[i]!,
      indexesBefore: (name) => table(name)?.indexes ?? [],
      foreignKeysBefore: (name) => table(name)?.fks ?? [],
      indexesLater: (name) => (this.created.get(name.name) ?? []).filter((c) => c.ord > i && sameName(c.index.table, name)),
      columnTypeBefore: (name, column) => table(name)?.columns.get(column) ?? null,
      fileOf: (index) => this.origin.get(index) ?? null,
      tableKnownBefore: (name) => table(name)?.created === true,
      indexNamedBefore: (name) => {
        const owner = this.timeline.ownerBefore(name.name, i);
        const t = owner ? table(owner) : null;
        if (!t || (name.schema !== null && t.name.schema !== null && t.name.schema !== name.schema)) return null;
        return t.indexes.find((x) => x.name === name.name) ?? null;
      },
    };
  }
}
