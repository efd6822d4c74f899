import type { AstNode, ParsedStatement } from '../../../sql/parse';

/**
 * Tables created in a list of statements (CREATE TABLE, CREATE TABLE AS,
 * SELECT INTO): such a table is new and empty when later statements of the same
 * section run, so lock and rewrite hazards on it do not matter.
 */
export interface NewTables {
  /** True when `relation` (a RangeVar) was created by a statement before `beforeIndex`. */
  isNew(relation: AstNode | null | undefined, beforeIndex: number): boolean;
}

const newTablesOf = new WeakMap<ParsedStatement[], NewTables>();
const alteredOf = new WeakMap<ParsedStatement[], ExistingTableAlter[]>();

/** Computed once per list of statements (a section): a dozen rules ask for it. */
export function newTables(statements: ParsedStatement[]): NewTables {
  let found = newTablesOf.get(statements);
  if (!found) newTablesOf.set(statements, (found = computeNewTables(statements)));
  return found;
}

function computeNewTables(statements: ParsedStatement[]): NewTables {
  // By table name: the schema (null when unqualified) and statement index of each creation.
  const created = new Map<string, { schema: string | null; index: number }[]>();
  for (const stmt of statements) {
    if (!stmt.node) continue;
    let rv: AstNode | undefined;
    if (stmt.kind === 'CreateStmt') rv = stmt.node['relation'];
    else if (stmt.kind === 'CreateTableAsStmt') rv = stmt.node['into']?.rel;
    else if (stmt.kind === 'SelectStmt') rv = stmt.node['intoClause']?.rel;
    if (!rv?.['relname']) continue;
    const name = String(rv['relname']);
    const entry = { schema: rv['schemaname'] ? String(rv['schemaname']) : null, index: stmt.index };
    const list = created.get(name);
    if (list) list.push(entry);
    else created.set(name, [entry]);
  }
  return {
    isNew(relation, beforeIndex) {
      if (!relation?.['relname']) return false;
      const name = String(relation['relname']);
      const schema = relation['schemaname'] ? String(relation['schemaname']) : null;
      // An unqualified name matches either way (it resolves through search_path).
      return (created.get(name) ?? []).some((c) => c.index < beforeIndex && (c.schema === null || schema === null || c.schema === schema));
    },
  };
}

export interface ExistingTableAlter {
  stmt: ParsedStatement;
  /** The AlterTableStmt node. */
  node: AstNode;
  /** Its relation (a RangeVar). */
  rel: AstNode;
}

/**
 * ALTER TABLE statements (on tables, not views or indexes) whose table was not created earlier in
 * the same statements: the ones where locks and rewrites hit existing rows. Many rules start here.
 */
export function alteredExistingTables(statements: ParsedStatement[]): ExistingTableAlter[] {
  let found = alteredOf.get(statements);
  if (!found) alteredOf.set(statements, (found = computeAltered(statements)));
  return found;
}

function computeAltered(statements: ParsedStatement[]): ExistingTableAlter[] {
  const fresh = newTables(statements);
  const out: ExistingTableAlter[] = [];
  for (const stmt of statements) {
    const node = stmt.node;
    if (stmt.kind !== 'AlterTableStmt' || !node || node['objtype'] !== 'OBJECT_TABLE') continue;
    const rel = node['relation'] as AstNode | undefined;
    if (!rel || fresh.isNew(rel, stmt.index)) continue;
    out.push({ stmt, node, rel });
  }
  return out;
}
