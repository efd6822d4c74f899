/** Indexes, foreign keys and added columns a statement defines. */
import { alterCommands, columnConstraints, indexColumns, stringList } from '../ast';
import type { AstNode } from '../parse';
import { type QualifiedName, rv } from './names';
import { created } from './created';
import { memoByNode } from './memo';

export interface IndexDefinition {
  table: QualifiedName;
  /** Index or constraint name; null when PostgreSQL picks it. */
  name: string | null;
  /** 'primary key' and 'unique' constraints, 'unique index', plain 'index', or 'exclusion' constraint. */
  kind: 'primary key' | 'unique' | 'unique index' | 'index' | 'exclusion';
  unique: boolean;
  method: string;
  /** One key per indexed element: the column name, or a location-free JSON of the expression. */
  keys: string[];
  /** Column names of the key elements; null for an expression element. */
  columns: (string | null)[];
  /** Collation, operator class and ordering per element (empty string for the defaults). */
  elementOptions: string[];
  include: string[];
  /** Location-free JSON of the WHERE clause, or null. */
  where: string | null;
  nullsNotDistinct: boolean;
  deferrable: boolean;
  /** ALTER TABLE ... ADD CONSTRAINT ... USING INDEX: the name of the index that becomes the constraint. */
  usingIndex: string | null;
  location: number | undefined;
}

export interface ForeignKeyDefinition {
  table: QualifiedName;
  name: string | null;
  columns: string[];
  referencedTable: QualifiedName;
  referencedColumns: string[];
  /** Location of the constraint (the REFERENCES or FOREIGN KEY keywords, or CONSTRAINT). */
  location: number | undefined;
  /** True when the referencing columns are added by the same statement (CREATE TABLE or ADD COLUMN). */
  newColumns: boolean;
}

/** JSON of a node without its `location` fields, to compare expressions. */
export function expressionKey(node: unknown): string {
  return JSON.stringify(node, (k, v) => (k === 'location' ? undefined : v));
}

export function elementOptions(elem: AstNode): string {
  const parts: string[] = [];
  if (elem['collation']) parts.push(`collate ${stringList(elem['collation']).join('.')}`);
  if (elem['opclass']?.length) parts.push(`opclass ${stringList(elem['opclass']).join('.')}`);
  if (elem['opclassopts']?.length) parts.push(`opts ${expressionKey(elem['opclassopts'])}`);
  if (elem['ordering'] && elem['ordering'] !== 'SORTBY_DEFAULT' && elem['ordering'] !== 'SORTBY_ASC') parts.push(String(elem['ordering']));
  if (elem['nulls_ordering'] && elem['nulls_ordering'] !== 'SORTBY_NULLS_DEFAULT') parts.push(String(elem['nulls_ordering']));
  return parts.join(' ');
}

export function constraintIndex(c: AstNode, table: QualifiedName, column: string | null): IndexDefinition | null {
  const contype = c['contype'];
  if (contype !== 'CONSTR_PRIMARY' && contype !== 'CONSTR_UNIQUE' && contype !== 'CONSTR_EXCLUSION') return null;
  let columns: (string | null)[];
  let keys: string[];
  let options: string[];
  let method = 'btree';
  if (contype === 'CONSTR_EXCLUSION') {
    const elems = ((c['exclusions'] as AstNode[] | undefined) ?? []).map((e) => (e['List']?.items?.[0]?.['IndexElem'] ?? {}) as AstNode);
    columns = elems.map((e) => (e['name'] ? String(e['name']) : null));
    keys = elems.map((e) => (e['name'] ? String(e['name']) : expressionKey(e['expr'])));
    options = elems.map(elementOptions);
    method = String(c['access_method'] ?? 'gist');
  } else {
    columns = column !== null ? [column] : indexColumns(c['keys']);
    keys = columns.map((x) => x ?? '');
    options = columns.map(() => '');
  }
  return {
    table,
    name: c['conname'] ? String(c['conname']) : null,
    kind: contype === 'CONSTR_PRIMARY' ? 'primary key' : contype === 'CONSTR_UNIQUE' ? 'unique' : 'exclusion',
    unique: contype !== 'CONSTR_EXCLUSION',
    method,
    keys,
    columns,
    elementOptions: options,
    include: stringList(c['including']),
    where: c['where_clause'] ? expressionKey(c['where_clause']) : null,
    nullsNotDistinct: !!c['nulls_not_distinct'],
    deferrable: !!c['deferrable'],
    usingIndex: c['indexname'] ? String(c['indexname']) : null,
    location: typeof c['location'] === 'number' ? c['location'] : undefined,
  };
}

/** {@link indexDefinitionsUncached}, once per parse-tree node (see memo.ts; the result is frozen). */
export function indexDefinitions(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): IndexDefinition[] {
  return memoByNode('indexDefinitions', node, defaultSchema, () => indexDefinitionsUncached(kind, node, defaultSchema));
}

/**
 * Indexes a statement defines: CREATE [UNIQUE] INDEX, and the PRIMARY KEY,
 * UNIQUE and EXCLUDE constraints of CREATE TABLE and ALTER TABLE (which are
 * backed by an index).
 */
function indexDefinitionsUncached(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): IndexDefinition[] {
  if (!node) return [];
  const out: IndexDefinition[] = [];
  if (kind === 'IndexStmt') {
    const params = (node['indexParams'] as AstNode[] | undefined) ?? [];
    const elems = params.map((p) => (p['IndexElem'] ?? {}) as AstNode);
    out.push({
      table: rv(node['relation'], defaultSchema),
      name: node['idxname'] ? String(node['idxname']) : null,
      kind: node['unique'] ? 'unique index' : 'index',
      unique: !!node['unique'],
      method: String(node['accessMethod'] ?? 'btree').toLowerCase(),
      keys: elems.map((e) => (e['name'] ? String(e['name']) : expressionKey(e['expr']))),
      columns: elems.map((e) => (e['name'] ? String(e['name']) : null)),
      elementOptions: elems.map(elementOptions),
      include: indexColumns(node['indexIncludingParams']).map((c) => c ?? ''),
      where: node['whereClause'] ? expressionKey(node['whereClause']) : null,
      nullsNotDistinct: !!node['nulls_not_distinct'],
      deferrable: false,
      usingIndex: null,
      location: undefined,
    });
  } else if (kind === 'CreateStmt') {
    const table = rv(node['relation'], defaultSchema);
    for (const elt of (node['tableElts'] as AstNode[] | undefined) ?? []) {
      if (elt['ColumnDef']) {
        for (const c of columnConstraints(elt['ColumnDef'])) {
          const d = constraintIndex(c, table, String(elt['ColumnDef'].colname));
          if (d) out.push(d);
        }
      } else if (elt['Constraint']) {
        const d = constraintIndex(elt['Constraint'], table, null);
        if (d) out.push(d);
      }
    }
  } else if (kind === 'AlterTableStmt') {
    const table = rv(node['relation'], defaultSchema);
    for (const cmd of alterCommands(node)) {
      if (cmd['subtype'] === 'AT_AddConstraint' && cmd['def']?.['Constraint']) {
        const d = constraintIndex(cmd['def']['Constraint'], table, null);
        if (d) out.push(d);
      } else if (cmd['subtype'] === 'AT_AddColumn' && cmd['def']?.['ColumnDef']) {
        const col = cmd['def']['ColumnDef'] as AstNode;
        for (const c of columnConstraints(col)) {
          const d = constraintIndex(c, table, String(col['colname']));
          if (d) out.push(d);
        }
      }
    }
  } else if (kind === 'CreateSchemaStmt') {
    for (const e of (node['schemaElts'] as AstNode[] | undefined) ?? []) {
      const k = Object.keys(e)[0] ?? null;
      out.push(...indexDefinitions(k, k ? e[k] : null, String(node['schemaname'] ?? '') || null));
    }
  }
  return out;
}

export function foreignKey(c: AstNode, table: QualifiedName, column: string | null, newColumns: boolean): ForeignKeyDefinition | null {
  if (c['contype'] !== 'CONSTR_FOREIGN') return null;
  const columns = column !== null ? [column] : stringList(c['fk_attrs']);
  if (columns.length === 0) return null;
  return {
    table,
    name: c['conname'] ? String(c['conname']) : null,
    columns,
    referencedTable: rv(c['pktable']),
    referencedColumns: stringList(c['pk_attrs']),
    location: typeof c['location'] === 'number' ? c['location'] : undefined,
    newColumns,
  };
}

/** {@link foreignKeysUncached}, once per parse-tree node (see memo.ts; the result is frozen). */
export function foreignKeys(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): ForeignKeyDefinition[] {
  return memoByNode('foreignKeys', node, defaultSchema, () => foreignKeysUncached(kind, node, defaultSchema));
}

/** Foreign keys a statement defines: column REFERENCES, table FOREIGN KEY constraints, ALTER TABLE ADD. */
function foreignKeysUncached(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): ForeignKeyDefinition[] {
  if (!node) return [];
  const out: ForeignKeyDefinition[] = [];
  const push = (d: ForeignKeyDefinition | null) => { if (d) out.push(d); };
  if (kind === 'CreateStmt') {
    const table = rv(node['relation'], defaultSchema);
    for (const elt of (node['tableElts'] as AstNode[] | undefined) ?? []) {
      if (elt['ColumnDef']) for (const c of columnConstraints(elt['ColumnDef'])) push(foreignKey(c, table, String(elt['ColumnDef'].colname), true));
      else if (elt['Constraint']) push(foreignKey(elt['Constraint'], table, null, true));
    }
  } else if (kind === 'AlterTableStmt') {
    const table = rv(node['relation'], defaultSchema);
    const added = new Set<string>();
    for (const cmd of alterCommands(node)) {
      if (cmd['subtype'] === 'AT_AddColumn' && cmd['def']?.['ColumnDef']) added.add(String(cmd['def']['ColumnDef'].colname));
    }
    for (const cmd of alterCommands(node)) {
      if (cmd['subtype'] === 'AT_AddConstraint' && cmd['def']?.['Constraint']) {
        const fk = foreignKey(cmd['def']['Constraint'], table, null, false);
        if (fk) fk.newColumns = fk.columns.every((c) => added.has(c));
        push(fk);
      } else if (cmd['subtype'] === 'AT_AddColumn' && cmd['def']?.['ColumnDef']) {
        const col = cmd['def']['ColumnDef'] as AstNode;
        for (const c of columnConstraints(col)) push(foreignKey(c, table, String(col['colname']), true));
      }
    }
  } else if (kind === 'CreateSchemaStmt') {
    for (const e of (node['schemaElts'] as AstNode[] | undefined) ?? []) {
      const k = Object.keys(e)[0] ?? null;
      out.push(...foreignKeys(k, k ? e[k] : null, String(node['schemaname'] ?? '') || null));
    }
  }
  return out;
}

/** Columns added by a statement: every column of CREATE TABLE, and ALTER TABLE ... ADD COLUMN. */
export function columnsAdded(kind: string | null, node: AstNode | null): { table: QualifiedName; column: string }[] {
  if (!node) return [];
  if (kind === 'CreateStmt') {
    const table = rv(node['relation']);
    return ((node['tableElts'] as AstNode[] | undefined) ?? []).filter((e) => e['ColumnDef']).map((e) => ({ table, column: String(e['ColumnDef'].colname) }));
  }
  if (kind === 'AlterTableStmt') {
    const table = rv(node['relation']);
    return alterCommands(node).filter((c) => c['subtype'] === 'AT_AddColumn' && c['def']?.['ColumnDef'])
      .map((c) => ({ table, column: String(c['def']['ColumnDef'].colname) }));
  }
  return [];
}

// --- objects created, dropped, renamed ----------------------------------------

/** The name PostgreSQL gives an unnamed index or constraint: table_col1_col2_suffix (63-byte truncation ignored). */
