/** Object references and names: kinds, qualified names, and when two references are the same object. */
import type { AstNode } from '../parse';
import { removal } from './tracking';

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

export function qn(parts: string[]): QualifiedName {
  const name = parts[parts.length - 1] ?? '';
  const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
  return { schema, name };
}

export function rv(rangeVar: AstNode | undefined | null, defaultSchema: string | null = null): QualifiedName {
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

export const TABLE_SCOPED = new Set<ObjectKind>(['column', 'constraint', 'trigger', 'policy']);

/** Kinds that a DROP of `dropKind` can remove (DROP TYPE also removes domains, DROP ROUTINE functions and procedures). */
export function dropCovers(dropKind: ObjectKind, kind: ObjectKind): boolean {
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
