/**
 * Objects a statement uses without creating them: relations (tables, views,
 * sequences named in FROM, ALTER TABLE, REFERENCES, CREATE INDEX ... ON, ...),
 * types and functions. Used to infer that a migration depends on the one that
 * created what it uses. Pure; reads libpg-query's JSON AST.
 */
import { stringList, walk } from './ast';
import type { AstNode } from './parse';

export interface Reference {
  kind: 'relation' | 'type' | 'function';
  schema: string | null;
  name: string;
}

const CREATED_RELATION_PATHS: Record<string, (node: AstNode) => AstNode | undefined> = {
  CreateStmt: (n) => n['relation'],
  ViewStmt: (n) => n['view'],
  CreateTableAsStmt: (n) => n['into']?.['IntoClause']?.['rel'] ?? n['into']?.['rel'],
  CreateSeqStmt: (n) => n['sequence'],
};

export function referencedObjects(kind: string | null, node: AstNode | null): Reference[] {
  if (!kind || !node) return [];
  const created = CREATED_RELATION_PATHS[kind]?.(node);
  const cteNames = new Set<string>();
  walk(node, (t, body) => { if (t === 'CommonTableExpr' && body['ctename']) cteNames.add(String(body['ctename'])); });
  const out: Reference[] = [];
  const seen = new Set<string>();
  const add = (r: Reference) => {
    const key = `${r.kind}:${r.schema ?? ''}.${r.name}`;
    if (!seen.has(key) && r.name) { seen.add(key); out.push(r); }
  };
  // RangeVars appear wrapped ({RangeVar: {...}}) in FROM lists but bare in fields such as
  // CreateStmt.relation, IndexStmt.relation or Constraint.pktable: find them by shape.
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(visit); return; }
    if (!v || typeof v !== 'object') return;
    const o = v as AstNode;
    if (typeof o['relname'] === 'string' && o !== created && !(created && o['relname'] === created['relname'] && o['schemaname'] === created['schemaname'] && o['location'] === created['location'])) {
      const schema = o['schemaname'] ? String(o['schemaname']) : null;
      const name = String(o['relname']);
      if (schema || !cteNames.has(name)) add({ kind: 'relation', schema, name });
    }
    for (const x of Object.values(o)) if (x && typeof x === 'object') visit(x);
  };
  visit(node);
  walk(node, (t, body) => {
    if (t === 'TypeName') {
      const names = stringList(body['names']);
      if (names.length === 0 || names[0] === 'pg_catalog') return;
      add({ kind: 'type', schema: names.length > 1 ? names[names.length - 2]! : null, name: names[names.length - 1]! });
    } else if (t === 'FuncCall') {
      const names = stringList(body['funcname']);
      if (names.length === 0 || names[0] === 'pg_catalog') return;
      add({ kind: 'function', schema: names.length > 1 ? names[names.length - 2]! : null, name: names[names.length - 1]! });
    }
  });
  // The trigger function of CREATE TRIGGER is a plain name list, not a FuncCall.
  if (kind === 'CreateTrigStmt') {
    const names = stringList(node['funcname']);
    if (names.length) add({ kind: 'function', schema: names.length > 1 ? names[names.length - 2]! : null, name: names[names.length - 1]! });
  }
  // Foreign keys name their referenced table in Constraint.pktable (a RangeVar, already walked).
  return out;
}
