import { displayName, droppedObjects, indexDefinitions, indexRemoved, sameName, type DroppedObject, type IndexDefinition } from '../../sql/objects';
import { positionInScript, type ParsedStatement } from '../../sql/parse';
import * as path from 'node:path';
import type { Rule, RuleContext } from '../types';
import { fileLine } from './shared/transactions';

interface Defined {
  def: IndexDefinition;
  stmt: ParsedStatement;
  order: number;
}

/** An index whose columns repeat (or are a leading prefix of) a primary key, unique constraint or other index on the table. */
export const redundantIndex: Rule = {
  id: 'redundant-index',
  defaultSeverity: 'warning',
  description: 'index that duplicates, or is a leading prefix of, another index, primary key or unique constraint',
  rationale:
    'A B-tree index on (a, b) already serves every lookup on a alone, and a primary key or UNIQUE constraint is backed by ' +
    'such an index. A second index on the same leading columns answers no query the first cannot, yet every INSERT, ' +
    'UPDATE and DELETE on the table has to maintain it, it takes disk space and memory in the buffer cache, and it ' +
    'makes VACUUM slower. Indexes that add something are not redundant: a unique index over a plain one (it enforces a ' +
    'rule), a partial or expression index that is not identical, another access method (GIN, GiST, hash) or operator class.',
  help: 'drop the redundant index (and its DROP in the down section); the other one already serves the same lookups',
  sections: ['up', 'script'],
  check(ctx) {
    const defs: Defined[] = [];
    // The drops of each statement, computed once (not once per index defined before it).
    const dropping = ctx.statements.map((s) => ({ index: s.index, drops: droppedObjects(s.kind, s.node) })).filter((d) => d.drops.length > 0);
    for (const stmt of ctx.statements) {
      for (const def of indexDefinitions(stmt.kind, stmt.node)) {
        if (def.usingIndex) continue; // the index it takes over is already listed
        if (droppedLater(dropping, stmt.index, def)) continue;
        defs.push({ def, stmt, order: defs.length });
      }
    }
    // covers() needs the same table name: look only among the definitions on that name (in order), not at all of them.
    const byTable = new Map<string, Defined[]>();
    for (const d of defs) {
      const list = byTable.get(d.def.table.name);
      if (list) list.push(d);
      else byTable.set(d.def.table.name, [d]);
    }
    const reported = ctx.history ? earlierDuplicates(ctx, defs, dropping) : new Set<Defined>();
    for (const r of defs) {
      if (reported.has(r)) continue;
      const other = byTable.get(r.def.table.name)!.find((o) => o !== r && covers(o.def, r.def) && !(covers(r.def, o.def) && o.order > r.order));
      if (!other) continue;
      const exact = other.def.keys.length === r.def.keys.length;
      const where = other.stmt === r.stmt ? 'in the same statement' : `on line ${lineOf(ctx, other)}`;
      ctx.report({
        statement: r.stmt,
        at: r.def.location ?? undefined,
        message: `${describe(r.def)} ${exact ? 'duplicates' : 'is a leading prefix of'} ${describe(other.def)} ${where}; it only slows down writes`,
      });
    }
  },
};

/** An index that repeats one an earlier migration made (and this file does not drop). */
function earlierDuplicates(ctx: RuleContext, defs: Defined[], dropping: { index: number; drops: DroppedObject[] }[]): Set<Defined> {
  const reported = new Set<Defined>();
  for (const r of defs) {
    // The same name is the same index (CREATE INDEX IF NOT EXISTS again), not a second one.
    const earlier = ctx.history!.indexesBefore(r.def.table)
      .find((o) => covers(o, r.def) && !(o.name !== null && o.name === r.def.name) && !droppedLater(dropping, -1, o));
    if (!earlier) continue;
    reported.add(r);
    const file = ctx.history!.fileOf(earlier);
    const exact = earlier.keys.length === r.def.keys.length;
    ctx.report({
      statement: r.stmt,
      at: r.def.location ?? undefined,
      message: `${describe(r.def)} ${exact ? 'duplicates' : 'is a leading prefix of'} ${describe(earlier)} created by ` +
        `${file ? path.basename(file) : 'an earlier migration'}; it only slows down writes`,
    });
  }
  return reported;
}

/** File line of a definition: its own line inside a multi-line CREATE TABLE, else the statement's. */
function lineOf(ctx: RuleContext, d: Defined): number {
  if (d.def.location === undefined) return fileLine(ctx, d.stmt);
  return fileLine(ctx, d.stmt) + positionInScript(d.stmt, d.stmt.toOffset(d.def.location)).line - d.stmt.line;
}

function describe(d: IndexDefinition): string {
  const cols = `${displayName(d.table)} (${d.columns.map((c) => c ?? 'expression').join(', ')})`;
  const named = d.name ? ` "${d.name}"` : '';
  switch (d.kind) {
    case 'primary key': return `the primary key of ${cols}`;
    case 'unique': return `the unique constraint${named} on ${cols}`;
    case 'unique index': return `unique index${named} on ${cols}`;
    default: return `index${named} on ${cols}`;
  }
}

/** True when `o` serves every lookup `r` serves and enforces everything `r` enforces. */
function covers(o: IndexDefinition, r: IndexDefinition): boolean {
  if (r.kind === 'primary key' || r.kind === 'exclusion' || o.kind === 'exclusion') return false;
  if (!sameName(o.table, r.table) || o.method !== r.method || o.where !== r.where) return false;
  if (r.keys.length === 0 || r.keys.length > o.keys.length) return false;
  const hasExpression = r.columns.includes(null) || o.columns.includes(null);
  // Only B-tree indexes serve lookups on a leading prefix; partial and expression indexes must be identical.
  if ((r.method !== 'btree' || hasExpression || r.where !== null) && r.keys.length !== o.keys.length) return false;
  for (let i = 0; i < r.keys.length; i++) {
    if (r.keys[i] !== o.keys[i] || r.elementOptions[i] !== o.elementOptions[i]) return false;
  }
  if (r.include.length > 0) {
    const available = new Set([...o.keys, ...o.include]);
    if (!r.include.every((c) => available.has(c))) return false;
  }
  if (r.unique) {
    if (!o.unique || o.keys.length !== r.keys.length) return false;
    if (r.nullsNotDistinct && !o.nullsNotDistinct && o.kind !== 'primary key') return false;
    if (o.deferrable && !r.deferrable) return false;
  }
  return true;
}

/** An index dropped later in the same section (the usual "create the new one, drop the old one"). */
function droppedLater(dropping: { index: number; drops: DroppedObject[] }[], index: number, def: IndexDefinition): boolean {
  return indexRemoved(def, dropping.filter((d) => d.index > index).flatMap((d) => d.drops));
}
