/** Objects a statement creates, with what they depend on. */
import { alterCommands, defElem, findAll, indexColumns, stringList } from '../ast';
import type { AstNode } from '../parse';
import { type ObjectKind, type QualifiedName, type ObjectRef, type CreatedObject, qn, rv } from './names';
import { withDefault } from './dropped';
import { memoByNode } from './memo';

export function defaultName(table: string, columns: (string | null)[], suffix: string): string {
  const cols = columns.map((c) => c ?? 'expr');
  return [table, ...(cols.length ? cols : []), suffix].join('_');
}

export const CONSTRAINT_SUFFIX: Record<string, string> = {
  CONSTR_PRIMARY: 'pkey', CONSTR_UNIQUE: 'key', CONSTR_FOREIGN: 'fkey', CONSTR_CHECK: 'check', CONSTR_EXCLUSION: 'excl',
};

export function refColumns(node: unknown): string[] {
  return findAll(node, 'ColumnRef').map((c) => stringList(c['fields'])).filter((f) => f.length > 0).map((f) => f[f.length - 1]!).filter((f) => f !== '*');
}

export function relationDeps(query: unknown): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const r of findAll(query, 'RangeVar')) {
    const n = rv(r);
    // Whatever kind the referenced relation has: a DROP ... CASCADE of any of them removes the view.
    for (const kind of ['table', 'view', 'materialized view'] as ObjectKind[]) out.push({ kind, ...n });
  }
  return out;
}

export function created(kind: ObjectKind, name: QualifiedName, extra: Partial<CreatedObject> = {}): CreatedObject {
  const deps = [...(extra.deps ?? [])];
  if (name.schema && kind !== 'schema') deps.push({ kind: 'schema', schema: null, name: name.schema });
  return {
    kind, schema: name.schema, name: name.name, givenName: name.name, location: undefined, orReplace: false, ifNotExists: false,
    owners: [], ...extra, deps,
  };
}

export function constraintObject(c: AstNode, table: QualifiedName, extraOwners: ObjectRef[] = []): CreatedObject | null {
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

/** {@link createdObjectsUncached}, once per parse-tree node (see memo.ts; the result is frozen). */
export function createdObjects(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): CreatedObject[] {
  return memoByNode('createdObjects', node, defaultSchema, () => createdObjectsUncached(kind, node, defaultSchema));
}

/**
 * Objects a statement creates. Objects that live inside a table created by the
 * same statement (its columns and constraints) are not listed: they go with
 * the table. `defaultSchema` is the schema of CREATE SCHEMA ... CREATE ... elements.
 */
function createdObjectsUncached(kind: string | null, node: AstNode | null, defaultSchema: string | null = null): CreatedObject[] {
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
