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
  const columns = typedColumns(statements);
  const facts: Fact[] = [];
  for (const stmt of statements) {
    if (!stmt.node) continue;
    const created = stmt.kind === 'CreateStmt' ? stmt.node['relation'] : stmt.kind === 'CreateTableAsStmt' ? stmt.node['into']?.rel : null;
    if (created?.relname) facts.push({ t: 'table', name: { schema: created.schemaname ?? null, name: String(created.relname) } });
    for (const ix of indexDefinitions(stmt.kind, stmt.node)) facts.push({ t: 'index', index: { ...ix, name: ix.name ?? indexDefaultName(ix), location: undefined } });
    for (const fk of foreignKeys(stmt.kind, stmt.node)) {
      facts.push({ t: 'fk', fk: { ...fk, name: fk.name ?? defaultName(fk.table.name, fk.columns, 'fkey'), location: undefined } });
    }
    for (const c of columns) {
      if (c.statement !== stmt) continue;
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

/** The objects after a run of migrations, applied fact by fact. */
class State {
  readonly tables: Table[] = [];

  table(name: QualifiedName, create = false): Table | null {
    let t = this.tables.find((x) => sameName(x.name, name)) ?? null;
    if (!t && create) this.tables.push((t = { name, indexes: [], fks: [], columns: new Map(), created: false }));
    return t;
  }

  apply(f: Fact): void {
    switch (f.t) {
      case 'index': this.table(f.index.table, true)!.indexes.push(f.index); break;
      case 'fk': this.table(f.fk.table, true)!.fks.push(f.fk); break;
      case 'column': this.table(f.table, true)!.columns.set(f.column, f.type); break;
      case 'table': {
        // CREATE TABLE after a DROP (or a table only named so far): a fresh table.
        const t = this.table(f.name, true)!;
        Object.assign(t, { indexes: [], fks: [], columns: new Map(), created: true });
        break;
      }
      case 'drop': this.drop(f.kind, f.name, f.table); break;
      case 'rename': this.rename(f); break;
    }
  }

  private drop(kind: string, name: QualifiedName, table: QualifiedName | null): void {
    if (kind === 'table') {
      const i = this.tables.findIndex((x) => sameName(x.name, name));
      if (i !== -1) this.tables.splice(i, 1);
    } else if (kind === 'index') {
      for (const t of this.tables) t.indexes = t.indexes.filter((ix) => !(ix.name === name.name && (name.schema === null || t.name.schema === null || t.name.schema === name.schema)));
    } else if (kind === 'constraint' && table) {
      const t = this.table(table);
      if (!t) return;
      t.indexes = t.indexes.filter((ix) => !(ix.kind !== 'index' && ix.kind !== 'unique index' && ix.name === name.name));
      t.fks = t.fks.filter((fk) => fk.name !== name.name);
    } else if (kind === 'column' && table) {
      const t = this.table(table);
      if (!t) return;
      t.columns.delete(name.name);
      // PostgreSQL drops the indexes and constraints that use the column with it.
      t.indexes = t.indexes.filter((ix) => !ix.columns.includes(name.name));
      t.fks = t.fks.filter((fk) => !fk.columns.includes(name.name));
    }
  }

  /** Renames replace the objects they change (never mutate them): views and facts share the objects. */
  private rename(f: Extract<Fact, { t: 'rename' }>): void {
    if (f.kind === 'table') {
      const t = this.table(f.from);
      if (!t) return;
      const name = { schema: t.name.schema, name: f.to };
      Object.assign(t, { name, indexes: t.indexes.map((ix) => ({ ...ix, table: name })), fks: t.fks.map((fk) => ({ ...fk, table: name })) });
    } else if (f.kind === 'index') {
      for (const t of this.tables) t.indexes = t.indexes.map((ix) => (ix.name === f.from.name ? { ...ix, name: f.to } : ix));
    } else if (f.kind === 'column' && f.table) {
      const t = this.table(f.table);
      if (!t) return;
      const type = t.columns.get(f.from.name);
      if (type) { t.columns.delete(f.from.name); t.columns.set(f.to, type); }
      const swap = (c: string | null) => (c === f.from.name ? f.to : c);
      t.indexes = t.indexes.map((ix) => (ix.columns.includes(f.from.name) ? { ...ix, columns: ix.columns.map(swap) } : ix));
      t.fks = t.fks.map((fk) => (fk.columns.includes(f.from.name) ? { ...fk, columns: fk.columns.map((c) => swap(c)!) } : fk));
    } else if (f.kind === 'constraint' && f.table) {
      const t = this.table(f.table);
      if (!t) return;
      t.indexes = t.indexes.map((ix) => (ix.kind !== 'index' && ix.kind !== 'unique index' && ix.name === f.from.name ? { ...ix, name: f.to } : ix));
      t.fks = t.fks.map((fk) => (fk.name === f.from.name ? { ...fk, name: f.to } : fk));
    }
  }
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The history of a project: each migration's file (as linted) and up-section facts, in the order --up applies them. */
export class ProjectHistory {
  private readonly index = new Map<string, number>();
  private readonly keys: string[];
  private readonly origin = new WeakMap<object, string>();
  private cursor = 0;
  private state = new State();

  constructor(private readonly files: { file: string; facts: Fact[] }[]) {
    files.forEach((f, i) => this.index.set(path.resolve(f.file), i));
    for (const f of files) for (const x of f.facts) if (x.t === 'index') this.origin.set(x.index, f.file);
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

  /** The state after files [0, i): kept as a cursor, since lint asks in file order. */
  private stateBefore(i: number): State {
    if (i < this.cursor) { this.state = new State(); this.cursor = 0; }
    for (; this.cursor < i; this.cursor++) for (const f of this.files[this.cursor]!.facts) this.state.apply(f);
    return this.state;
  }

  private readonly views = new Map<number, HistoryView>();

  /** The view of file i: its key at once; the state before it is copied when a rule first asks. */
  private view(i: number): HistoryView {
    const known = this.views.get(i);
    if (known) return known;
    let before: State | null = null;
    const state = (): State => {
      if (before) return before;
      before = new State();
      for (const t of this.stateBefore(i).tables) before.tables.push({ ...t, indexes: [...t.indexes], fks: [...t.fks], columns: new Map(t.columns) });
      return before;
    };
    let later: { index: IndexDefinition; file: string }[] | null = null;
    const laterIndexes = () => (later ??= this.files.slice(i + 1).flatMap((f) => f.facts.flatMap((x) => (x.t === 'index' ? [{ index: x.index, file: f.file }] : []))));
    const view: HistoryView = {
      key: this.keys[i]!,
      indexesBefore: (table) => state().table(table)?.indexes ?? [],
      foreignKeysBefore: (table) => state().table(table)?.fks ?? [],
      indexesLater: (table) => laterIndexes().filter((l) => sameName(l.index.table, table)),
      columnTypeBefore: (table, column) => state().table(table)?.columns.get(column) ?? null,
      fileOf: (index) => this.origin.get(index) ?? null,
      tableKnownBefore: (table) => state().table(table)?.created === true,
      indexNamedBefore: (name) => {
        for (const t of state().tables) {
          if (name.schema !== null && t.name.schema !== null && t.name.schema !== name.schema) continue;
          const ix = t.indexes.find((x) => x.name === name.name);
          if (ix) return ix;
        }
        return null;
      },
    };
    this.views.set(i, view);
    return view;
  }
}
