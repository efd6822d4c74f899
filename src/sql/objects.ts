/**
 * The object model of a script, read from the parse tree: which database
 * objects a statement creates, drops or renames, which indexes and foreign keys
 * it defines, and which statements PostgreSQL refuses inside a transaction
 * block. Pure functions over libpg-query's JSON AST; no I/O.
 *
 * Names come from the parse tree, so unquoted identifiers are already folded
 * to lower case and quoted ones keep their case, exactly as PostgreSQL sees
 * them. An unqualified name matches the same name in any schema (it resolves
 * through search_path, usually to public).
 */
import { alterCommands, columnConstraints, defElem, findAll, indexColumns, stringList } from './ast';
import type { AstNode } from './parse';

export type ObjectKind =
  | 'table' | 'view' | 'materialized view' | 'index' | 'sequence' | 'type' | 'domain' | 'function' | 'procedure'
  | 'aggregate' | 'schema' | 'extension' | 'trigger' | 'policy' | 'column' | 'constraint' | 'event trigger';

/** A possibly schema-qualified name. */
export interface QualifiedName {
  schema: string | null;
  name: string;
}

/** A reference to an object: table-scoped kinds (column, constraint, trigger, policy) carry their table. */
export interface ObjectRef extends QualifiedName {
  kind: ObjectKind;
  table?: QualifiedName;
}

export interface CreatedObject extends ObjectRef {
  /**
   * Null for an unnamed constraint or index (PostgreSQL picks the name); `name`
   * then holds the name PostgreSQL would choose by default.
   */
  givenName: string | null;
  /** Byte location in the statement of the object's definition, when the tree has one. */
  location: number | undefined;
  /** CREATE OR REPLACE: the object may have existed before. */
  orReplace: boolean;
  /** CREATE ... IF NOT EXISTS: the object may have existed before. */
  ifNotExists: boolean;
  /** Objects whose removal removes this one without CASCADE (its table, the columns it is built on, ...). */
  owners: ObjectRef[];
  /** Objects it depends on: dropping one of them WITH CASCADE removes this one too. */
  deps: ObjectRef[];
  /** Columns named by a constraint or index (for DROP COLUMN), when known. */
  columns?: string[];
}

export interface DroppedObject extends ObjectRef {
  cascade: boolean;
}

export interface RenamedObject {
  from: ObjectRef;
  /** The new name (same schema, same table). */
  to: string;
}

// --- names ----------------------------------------------------------------

function qn(parts: string[]): QualifiedName {
  const name = parts[parts.length - 1] ?? '';
  const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
  return { schema, name };
}

function rv(rangeVar: AstNode | undefined | null, defaultSchema: string | null = null): QualifiedName {
  return { schema: rangeVar?.['schemaname'] ? String(rangeVar['schemaname']) : defaultSchema, name: String(rangeVar?.['relname'] ?? '') };
}

/** Same name: equal names, and equal schemas when both are written. */
export function sameName(a: QualifiedName, b: QualifiedName): boolean {
  return a.name === b.name && (a.schema === null || b.schema === null || a.schema === b.schema);
}

/** 'schema.name' or 'name', for messages. */
export function displayName(n: QualifiedName): string {
  return n.schema ? `${n.schema}.${n.name}` : n.name;
}

const TABLE_SCOPED = new Set<ObjectKind>(['column', 'constraint', 'trigger', 'policy']);

/** Kinds that a DROP of `dropKind` can remove (DROP TYPE also removes domains, DROP ROUTINE functions and procedures). */
function dropCovers(dropKind: ObjectKind, kind: ObjectKind): boolean {
  if (dropKind === kind) return true;
  if (dropKind === 'type' && kind === 'domain') return true;
  if (dropKind === 'domain' && kind === 'type') return true;
  if ((dropKind === 'function' || dropKind === 'procedure') && (kind === 'function' || kind === 'procedure')) return true;
  return false;
}

/** True when `ref` names the same object as `other` (kind, name, and table for table-scoped kinds). */
export function sameObject(ref: ObjectRef, other: ObjectRef): boolean {
  if (!dropCovers(other.kind, ref.kind) || !sameName(ref, other)) return false;
  if (TABLE_SCOPED.has(ref.kind)) return !!ref.table && !!other.table && sameName(ref.table, other.table);
  return true;
}

// --- definitions of indexes and foreign keys --------------------------------

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

function elementOptions(elem: AstNode): string {
  const parts: string[] = [];
  if (elem['collation']) parts.push(`collate ${stringList(elem['collation']).join('.')}`);
  if (elem['opclass']?.length) parts.push(`opclass ${stringList(elem['opclass']).join('.')}`);
  if (elem['opclassopts']?.length) parts.push(`opts ${expressionKey(elem['opclassopts'])}`);
  if (elem['ordering'] && elem['ordering'] !== 'SORTBY_DEFAULT' && elem['ordering'] !== 'SORTBY_ASC') parts.push(String(elem['ordering']));
  if (elem['nulls_ordering'] && elem['nulls_ordering'] !== 'SORTBY_NULLS_DEFAULT') parts.push(String(elem['nulls_ordering']));
  return parts.join(' ');
}

function constraintIndex(c: AstNode, table: QualifiedName, column: string | null): IndexDefinition | null {
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

/**
 * Indexes a statement defines: CREATE [UNIQUE] INDEX, and the PRIMARY KEY,
 * UNIQUE and EXCLUDE constraints of CREATE TABLE and ALTER TABLE (which are
 * backed by an index).
 */
export function indexDefinitions(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): IndexDefinition[] {
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

function foreignKey(c: AstNode, table: QualifiedName, column: string | null, newColumns: boolean): ForeignKeyDefinition | null {
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

/** Foreign keys a statement defines: column REFERENCES, table FOREIGN KEY constraints, ALTER TABLE ADD. */
export function foreignKeys(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): ForeignKeyDefinition[] {
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
function defaultName(table: string, columns: (string | null)[], suffix: string): string {
  const cols = columns.map((c) => c ?? 'expr');
  return [table, ...(cols.length ? cols : []), suffix].join('_');
}

const CONSTRAINT_SUFFIX: Record<string, string> = {
  CONSTR_PRIMARY: 'pkey', CONSTR_UNIQUE: 'key', CONSTR_FOREIGN: 'fkey', CONSTR_CHECK: 'check', CONSTR_EXCLUSION: 'excl',
};

function refColumns(node: unknown): string[] {
  return findAll(node, 'ColumnRef').map((c) => stringList(c['fields'])).filter((f) => f.length > 0).map((f) => f[f.length - 1]!).filter((f) => f !== '*');
}

function relationDeps(query: unknown): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const r of findAll(query, 'RangeVar')) {
    const n = rv(r);
    // Whatever kind the referenced relation has: a DROP ... CASCADE of any of them removes the view.
    for (const kind of ['table', 'view', 'materialized view'] as ObjectKind[]) out.push({ kind, ...n });
  }
  return out;
}

function created(kind: ObjectKind, name: QualifiedName, extra: Partial<CreatedObject> = {}): CreatedObject {
  const deps = [...(extra.deps ?? [])];
  if (name.schema && kind !== 'schema') deps.push({ kind: 'schema', schema: null, name: name.schema });
  return {
    kind, schema: name.schema, name: name.name, givenName: name.name, location: undefined, orReplace: false, ifNotExists: false,
    owners: [], ...extra, deps,
  };
}

function constraintObject(c: AstNode, table: QualifiedName, extraOwners: ObjectRef[] = []): CreatedObject | null {
  const contype = String(c['contype'] ?? '');
  const suffix = CONSTRAINT_SUFFIX[contype];
  if (!suffix) return null; // NOT NULL, DEFAULT, ...: not a named constraint worth tracking
  let columns: string[] = [];
  if (contype === 'CONSTR_FOREIGN') columns = stringList(c['fk_attrs']);
  else if (contype === 'CONSTR_CHECK') columns = refColumns(c['raw_expr']);
  else if (contype === 'CONSTR_EXCLUSION') columns = ((c['exclusions'] as AstNode[] | undefined) ?? []).flatMap((e) => {
    const el = e['List']?.items?.[0]?.['IndexElem'] as AstNode | undefined;
    return el?.['name'] ? [String(el['name'])] : refColumns(el?.['expr']);
  });
  else columns = stringList(c['keys']);
  const usingIndex = c['indexname'] ? String(c['indexname']) : null;
  const givenName = c['conname'] ? String(c['conname']) : usingIndex;
  const nameCols = contype === 'CONSTR_CHECK' ? columns.slice(0, 1) : columns;
  const name = givenName ?? defaultName(table.name, nameCols, suffix);
  const owners: ObjectRef[] = [{ kind: 'table', ...table }, ...extraOwners, ...columns.map((col) => ({ kind: 'column' as const, schema: null, name: col, table }))];
  const deps: ObjectRef[] = [];
  if (contype === 'CONSTR_FOREIGN' && c['pktable']) deps.push({ kind: 'table', ...rv(c['pktable']) });
  return {
    kind: 'constraint', schema: table.schema, name, givenName, table, location: typeof c['location'] === 'number' ? c['location'] : undefined,
    orReplace: false, ifNotExists: false, owners, deps, columns,
  };
}

/**
 * Objects a statement creates. Objects that live inside a table created by the
 * same statement (its columns and constraints) are not listed: they go with
 * the table. `defaultSchema` is the schema of CREATE SCHEMA ... CREATE ... elements.
 */
export function createdObjects(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): CreatedObject[] {
  if (!node || !kind) return [];
  const loc = (n: AstNode | undefined): number | undefined => (typeof n?.['location'] === 'number' && n['location'] >= 0 ? n['location'] : undefined);
  switch (kind) {
    case 'CreateStmt': {
      const name = rv(node['relation'], defaultSchema);
      const parents = ((node['inhRelations'] as AstNode[] | undefined) ?? []).map((r) => ({ kind: 'table' as const, ...rv(r['RangeVar']) }));
      // A partition goes with its partitioned table; an inheritance child needs CASCADE.
      return [created('table', name, {
        location: loc(node['relation']), ifNotExists: !!node['if_not_exists'],
        owners: node['partbound'] ? parents : [], deps: node['partbound'] ? [] : parents,
      })];
    }
    case 'CreateTableAsStmt': {
      const into = node['into'] as AstNode | undefined;
      const name = rv(into?.['rel'], defaultSchema);
      const k: ObjectKind = node['objtype'] === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
      return [created(k, name, { location: loc(into?.['rel']), ifNotExists: !!node['if_not_exists'], deps: relationDeps(node['query']) })];
    }
    case 'SelectStmt': {
      const into = node['intoClause'] as AstNode | undefined;
      if (!into?.['rel']) return [];
      return [created('table', rv(into['rel'], defaultSchema), { location: loc(into['rel']) })];
    }
    case 'ViewStmt':
      return [created('view', rv(node['view'], defaultSchema), { location: loc(node['view']), orReplace: !!node['replace'], deps: relationDeps(node['query']) })];
    case 'IndexStmt': {
      const table = rv(node['relation'], defaultSchema);
      const cols = indexColumns(node['indexParams']);
      const columns = [
        ...cols.filter((c): c is string => c !== null),
        ...refColumns(((node['indexParams'] as AstNode[] | undefined) ?? []).map((p) => p['IndexElem']?.expr)),
        ...refColumns(node['whereClause']),
      ];
      const givenName = node['idxname'] ? String(node['idxname']) : null;
      return [{
        kind: 'index', schema: table.schema, name: givenName ?? defaultName(table.name, cols, 'idx'), givenName, table,
        location: undefined, orReplace: false, ifNotExists: !!node['if_not_exists'], columns,
        owners: [{ kind: 'table', ...table }, { kind: 'materialized view', ...table }, ...columns.map((c) => ({ kind: 'column' as const, schema: null, name: c, table }))],
        deps: table.schema ? [{ kind: 'schema', schema: null, name: table.schema }] : [],
      }];
    }
    case 'CreateSeqStmt': {
      const owned = defElem(node['options'], 'owned_by');
      const parts = stringList(owned?.['arg']?.['List']?.items);
      const owners: ObjectRef[] = parts.length >= 2 ? [{ kind: 'table', ...qn(parts.slice(0, -1)) }, { kind: 'column', schema: null, name: parts[parts.length - 1]!, table: qn(parts.slice(0, -1)) }] : [];
      return [created('sequence', rv(node['sequence'], defaultSchema), { location: loc(node['sequence']), ifNotExists: !!node['if_not_exists'], owners })];
    }
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      return [created('type', withDefault(qn(stringList(node['typeName'])), defaultSchema))];
    case 'CompositeTypeStmt':
      return [created('type', rv(node['typevar'], defaultSchema), { location: loc(node['typevar']) })];
    case 'CreateDomainStmt':
      return [created('domain', withDefault(qn(stringList(node['domainname'])), defaultSchema))];
    case 'DefineStmt': {
      const k = node['kind'] === 'OBJECT_TYPE' ? 'type' : node['kind'] === 'OBJECT_AGGREGATE' ? 'aggregate' : null;
      if (!k) return [];
      return [created(k, withDefault(qn(stringList(node['defnames'])), defaultSchema), { orReplace: !!node['replace'], ifNotExists: !!node['if_not_exists'] })];
    }
    case 'CreateFunctionStmt':
      return [created(node['is_procedure'] ? 'procedure' : 'function', withDefault(qn(stringList(node['funcname'])), defaultSchema), { orReplace: !!node['replace'] })];
    case 'CreateSchemaStmt': {
      const name = String(node['schemaname'] ?? '');
      const out: CreatedObject[] = name ? [created('schema', { schema: null, name }, { ifNotExists: !!node['if_not_exists'] })] : [];
      for (const e of (node['schemaElts'] as AstNode[] | undefined) ?? []) {
        const k = Object.keys(e)[0] ?? null;
        out.push(...createdObjects(k, k ? e[k] : null, name || null));
      }
      return out;
    }
    case 'CreateExtensionStmt':
      return [created('extension', { schema: null, name: String(node['extname'] ?? '') }, { ifNotExists: !!node['if_not_exists'] })];
    case 'CreateTrigStmt': {
      const table = rv(node['relation'], defaultSchema);
      const fn = qn(stringList(node['funcname']));
      return [{
        kind: 'trigger', schema: table.schema, name: String(node['trigname'] ?? ''), givenName: String(node['trigname'] ?? ''), table,
        location: undefined, orReplace: !!node['replace'], ifNotExists: false,
        owners: [{ kind: 'table', ...table }, { kind: 'view', ...table }], deps: [{ kind: 'function', ...fn }],
      }];
    }
    case 'CreateEventTrigStmt':
      return [created('event trigger', { schema: null, name: String(node['trigname'] ?? '') }, { deps: [{ kind: 'function', ...qn(stringList(node['funcname'])) }] })];
    case 'CreatePolicyStmt': {
      const table = rv(node['table'], defaultSchema);
      const name = String(node['policy_name'] ?? '');
      return [{
        kind: 'policy', schema: table.schema, name, givenName: name, table, location: undefined, orReplace: false, ifNotExists: false,
        owners: [{ kind: 'table', ...table }], deps: [],
      }];
    }
    case 'AlterTableStmt': {
      if (node['objtype'] && node['objtype'] !== 'OBJECT_TABLE' && node['objtype'] !== 'OBJECT_FOREIGN_TABLE') return [];
      const table = rv(node['relation'], defaultSchema);
      const out: CreatedObject[] = [];
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] === 'AT_AddColumn' && cmd['def']?.['ColumnDef']) {
          const col = cmd['def']['ColumnDef'] as AstNode;
          const name = String(col['colname']);
          out.push({
            kind: 'column', schema: null, name, givenName: name, table, location: loc(col), orReplace: false, ifNotExists: !!cmd['missing_ok'],
            owners: [{ kind: 'table', ...table }], deps: [],
          });
        } else if (cmd['subtype'] === 'AT_AddConstraint' && cmd['def']?.['Constraint']) {
          const c = constraintObject(cmd['def']['Constraint'], table);
          if (c) out.push(c);
        }
      }
      return out;
    }
    default:
      return [];
  }
}

function withDefault(n: QualifiedName, defaultSchema: string | null): QualifiedName {
  return n.schema === null && defaultSchema ? { schema: defaultSchema, name: n.name } : n;
}

const DROP_KINDS: Record<string, ObjectKind> = {
  OBJECT_TABLE: 'table', OBJECT_FOREIGN_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence', OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'domain', OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure',
  OBJECT_ROUTINE: 'function', OBJECT_AGGREGATE: 'aggregate', OBJECT_SCHEMA: 'schema', OBJECT_EXTENSION: 'extension',
  OBJECT_TRIGGER: 'trigger', OBJECT_POLICY: 'policy', OBJECT_EVENT_TRIGGER: 'event trigger',
};

function objectParts(o: AstNode): string[] {
  if (o['List']) return stringList(o['List'].items);
  if (o['String']) return [String(o['String'].sval)];
  if (o['TypeName']) return stringList(o['TypeName'].names);
  if (o['ObjectWithArgs']) return stringList(o['ObjectWithArgs'].objname);
  return [];
}

/** Objects a statement drops: DROP ..., ALTER TABLE ... DROP COLUMN / DROP CONSTRAINT. */
export function droppedObjects(kind: string | null, node: AstNode | null): DroppedObject[] {
  if (!node) return [];
  if (kind === 'DropStmt') {
    const k = DROP_KINDS[String(node['removeType'] ?? '')];
    if (!k) return [];
    const cascade = node['behavior'] === 'DROP_CASCADE';
    return ((node['objects'] as AstNode[] | undefined) ?? []).map((o) => {
      const parts = objectParts(o);
      if (k === 'trigger' || k === 'policy') {
        return { kind: k, schema: null, name: parts[parts.length - 1] ?? '', table: qn(parts.slice(0, -1)), cascade };
      }
      return { kind: k, ...qn(parts), cascade };
    }).filter((d) => d.name !== '');
  }
  if (kind === 'AlterTableStmt') {
    const table = rv(node['relation']);
    const out: DroppedObject[] = [];
    for (const cmd of alterCommands(node)) {
      const cascade = cmd['behavior'] === 'DROP_CASCADE';
      if (cmd['subtype'] === 'AT_DropColumn') out.push({ kind: 'column', schema: null, name: String(cmd['name'] ?? ''), table, cascade });
      else if (cmd['subtype'] === 'AT_DropConstraint') out.push({ kind: 'constraint', schema: null, name: String(cmd['name'] ?? ''), table, cascade });
    }
    return out;
  }
  return [];
}

const RENAME_KINDS: Record<string, ObjectKind> = {
  OBJECT_TABLE: 'table', OBJECT_FOREIGN_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence', OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'domain', OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure',
  OBJECT_SCHEMA: 'schema', OBJECT_COLUMN: 'column', OBJECT_TABCONSTRAINT: 'constraint', OBJECT_TRIGGER: 'trigger', OBJECT_POLICY: 'policy',
};

/** ALTER ... RENAME TO of a table, index, view, column, constraint, trigger, type, function or schema. */
export function renamedObject(kind: string | null, node: AstNode | null): RenamedObject | null {
  if (kind !== 'RenameStmt' || !node || !node['newname']) return null;
  const k = RENAME_KINDS[String(node['renameType'] ?? '')];
  if (!k) return null;
  const to = String(node['newname']);
  if (k === 'column' || k === 'constraint' || k === 'trigger' || k === 'policy') {
    return { from: { kind: k, schema: null, name: String(node['subname'] ?? ''), table: rv(node['relation']) }, to };
  }
  if (k === 'schema') return { from: { kind: k, schema: null, name: String(node['subname'] ?? '') }, to };
  if (node['relation']) return { from: { kind: k, ...rv(node['relation']) }, to };
  return { from: { kind: k, ...qn(objectParts((node['object'] ?? {}) as AstNode)) }, to };
}

// --- following objects through a script -------------------------------------------

export interface StatementLike {
  kind: string | null;
  node: AstNode | null;
}

export interface TrackedObject<S extends StatementLike = StatementLike> extends CreatedObject {
  statement: S;
}

type Removal = 'no' | 'yes' | 'cascade';

/** How `ref` is removed by `drops` (directly, with its owner, or by a CASCADE through a dependency). */
export function removal(ref: ObjectRef, drops: DroppedObject[], known: CreatedObject[] = [], depth = 0): Removal {
  if (depth > 8) return 'no';
  let best = 'no' as Removal;
  const note = (r: Removal) => { if (r === 'cascade' || (r === 'yes' && best === 'no')) best = r; };
  for (const d of drops) if (sameObject(ref, d)) note(d.cascade ? 'cascade' : 'yes');
  if (best === 'cascade') return 'cascade';
  // Objects inside a table go with it.
  if (TABLE_SCOPED.has(ref.kind) && ref.table) {
    for (const k of ['table', 'view', 'materialized view'] as ObjectKind[]) note(removal({ kind: k, ...ref.table }, drops, known, depth + 1));
  }
  if (ref.schema && ref.kind !== 'schema') {
    for (const d of drops) if (d.kind === 'schema' && d.cascade && d.name === ref.schema) note('cascade');
  }
  const self = known.find((o) => sameObject(ref, o) && o.kind === ref.kind);
  if (self) {
    for (const o of self.owners) note(removal(o, drops, known, depth + 1));
    for (const o of self.deps) if (removal(o, drops, known, depth + 1) === 'cascade') note('cascade');
  }
  return best;
}

/** A DROP of an unnamed constraint or index can name it only by the name PostgreSQL chose; accept any drop of that kind on the table not claimed by a named object. */
function unnamedDropped(o: CreatedObject, drops: DroppedObject[], known: CreatedObject[]): boolean {
  if (o.givenName !== null) return false;
  return drops.some((d) => d.kind === o.kind
    && (o.kind !== 'constraint' || (!!d.table && !!o.table && sameName(d.table, o.table)))
    && !known.some((k) => k.kind === o.kind && k.givenName !== null && k.givenName === d.name));
}

function applyRename(objects: CreatedObject[], r: RenamedObject): void {
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
      const gone = live.filter((o) => removal(o, drops, live) !== 'no');
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
      live.push({ ...c, statement: stmt });
    }
  }
  return live;
}

/**
 * Objects that `up` creates and `down` does not remove (by a DROP, a dropped
 * table or column that takes them along, or a DROP ... CASCADE of something they
 * depend on). CREATE OR REPLACE objects also count as handled when down
 * replaces them again.
 */
export function objectsLeftBehind<S extends StatementLike>(up: S[], down: StatementLike[]): TrackedObject<S>[] {
  const live = objectsCreated(up);
  // Walk the down section in order, so a rename there (back to an old name) is followed too.
  for (const stmt of down) {
    const drops = droppedObjects(stmt.kind, stmt.node);
    const replaced = createdObjects(stmt.kind, stmt.node).filter((o) => o.orReplace);
    const gone = live.filter((o) => (drops.length > 0 && (removal(o, drops, live) !== 'no' || unnamedDropped(o, drops, live)))
      || (o.orReplace && replaced.some((r) => r.kind === o.kind && sameObject(o, r))));
    for (const g of gone) live.splice(live.indexOf(g), 1);
    const rename = renamedObject(stmt.kind, stmt.node);
    if (rename) applyRename(live, rename);
  }
  return live;
}

// --- statements that cannot run in a transaction block ---------------------------

function truthyOption(d: AstNode | null): boolean {
  if (!d) return false;
  const arg = d['arg'] as AstNode | undefined;
  if (arg === undefined) return true;
  const v = arg['String']?.sval ?? arg['Boolean']?.boolval ?? arg['Integer']?.ival;
  return v === true || v === 1 || (typeof v === 'string' && /^(true|on|1|yes)$/i.test(v));
}

/**
 * Why PostgreSQL refuses this statement inside a transaction block ("cannot run
 * inside a transaction block"): a short name of the statement, or null when it
 * may run in a transaction. REFRESH MATERIALIZED VIEW CONCURRENTLY and ANALYZE
 * are allowed. ALTER TYPE ... ADD VALUE is refused before PostgreSQL 12 (unless
 * the type was created in the same transaction, which the caller checks).
 */
export function nonTransactionalReason(kind: string | null, node: AstNode | null, pgVersion: number): string | null {
  if (!node || !kind) return null;
  switch (kind) {
    case 'IndexStmt':
      return node['concurrent'] ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'DropStmt':
      return node['removeType'] === 'OBJECT_INDEX' && node['concurrent'] ? 'DROP INDEX CONCURRENTLY' : null;
    case 'ReindexStmt': {
      const concurrently = ((node['params'] as AstNode[] | undefined) ?? []).some((p) => p['DefElem']?.defname === 'concurrently' && truthyOption(p['DefElem']));
      if (concurrently) return 'REINDEX CONCURRENTLY';
      if (node['kind'] === 'REINDEX_OBJECT_SCHEMA') return 'REINDEX SCHEMA';
      if (node['kind'] === 'REINDEX_OBJECT_DATABASE') return 'REINDEX DATABASE';
      if (node['kind'] === 'REINDEX_OBJECT_SYSTEM') return 'REINDEX SYSTEM';
      return null;
    }
    case 'VacuumStmt':
      return node['is_vacuumcmd'] ? 'VACUUM' : null;
    case 'ClusterStmt':
      return node['relation'] ? null : 'CLUSTER without a table';
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'AlterDatabaseStmt':
      return defElem(node['options'], 'tablespace') ? 'ALTER DATABASE ... SET TABLESPACE' : null;
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'DiscardStmt':
      return node['target'] === 'DISCARD_ALL' ? 'DISCARD ALL' : null;
    case 'AlterEnumStmt':
      return pgVersion < 12 && node['newVal'] && !node['oldVal'] ? 'ALTER TYPE ... ADD VALUE' : null;
    case 'AlterTableStmt':
      return alterCommands(node).some((c) => c['subtype'] === 'AT_DetachPartition' && c['def']?.['PartitionCmd']?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY' : null;
    case 'CreateSubscriptionStmt': {
      const slot = defElem(node['options'], 'create_slot');
      const connect = defElem(node['options'], 'connect');
      if ((slot && !truthyOption(slot)) || (connect && !truthyOption(connect))) return null;
      return 'CREATE SUBSCRIPTION (with create_slot)';
    }
    case 'AlterSubscriptionStmt':
      if (node['kind'] === 'ALTER_SUBSCRIPTION_REFRESH') return 'ALTER SUBSCRIPTION ... REFRESH PUBLICATION';
      return null;
    case 'TransactionStmt':
      if (node['kind'] === 'TRANS_STMT_COMMIT_PREPARED') return 'COMMIT PREPARED';
      if (node['kind'] === 'TRANS_STMT_ROLLBACK_PREPARED') return 'ROLLBACK PREPARED';
      return null;
    default:
      return null;
  }
}
