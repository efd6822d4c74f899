/** Objects a statement drops or renames. */
import { alterCommands, stringList } from '../ast';
import type { AstNode } from '../parse';
import { type ObjectKind, type QualifiedName, type DroppedObject, type RenamedObject, qn, rv } from './names';
import { memoByNode } from './memo';

export function withDefault(n: QualifiedName, defaultSchema: string | null): QualifiedName {
  return n.schema === null && defaultSchema ? { schema: defaultSchema, name: n.name } : n;
}

export const DROP_KINDS: Record<string, ObjectKind> = {
  OBJECT_TABLE: 'table', OBJECT_FOREIGN_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence', OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'domain', OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure',
  OBJECT_ROUTINE: 'function', OBJECT_AGGREGATE: 'aggregate', OBJECT_SCHEMA: 'schema', OBJECT_EXTENSION: 'extension',
  OBJECT_TRIGGER: 'trigger', OBJECT_POLICY: 'policy', OBJECT_EVENT_TRIGGER: 'event trigger',
};

export function objectParts(o: AstNode): string[] {
  if (o['List']) return stringList(o['List'].items);
  if (o['String']) return [String(o['String'].sval)];
  if (o['TypeName']) return stringList(o['TypeName'].names);
  if (o['ObjectWithArgs']) return stringList(o['ObjectWithArgs'].objname);
  return [];
}

/** {@link droppedObjectsUncached}, once per parse-tree node (see memo.ts; the result is frozen). */
export function droppedObjects(kind: string | null, node: AstNode | null): DroppedObject[] {
  return memoByNode('droppedObjects', node, null, () => droppedObjectsUncached(kind, node));
}

/** Objects a statement drops: DROP ..., ALTER TABLE ... DROP COLUMN / DROP CONSTRAINT. */
function droppedObjectsUncached(kind: string | null, node: AstNode | null): DroppedObject[] {
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

export const RENAME_KINDS: Record<string, ObjectKind> = {
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
