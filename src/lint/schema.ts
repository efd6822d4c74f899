/**
 * What rules may know of the schema before a migration: the shadow's catalog (src/core/shadow) at the migration's
 * position, instead of guesses from the file's own down section.
 */
import { typeInfo, type TypeInfo } from '../sql/ast';
import type { Parser } from '../sql/parser';
import type { ShadowSchema } from '../core/shadow/types';
import * as path from 'node:path';

export interface SchemaLookup {
  /** Identifies the schema the lookup answers from (the shadow position's key): part of lint cache keys. */
  key: string;
  /** The column's type before the migration, or null when the table or column is not known. */
  columnType(table: string, column: string): TypeInfo | null;
}

/** "missions" -> "public.missions"; "Public"."X" stays as written (names come unquoted from the parse tree). */
function qualified(table: string): string {
  return table.includes('.') ? table : `public.${table}`;
}

/** A lookup over one catalog snapshot; a column's definition is read back with the parser ("character varying(100) not null ..."). */
export function schemaLookup(parser: Parser, key: string, catalog: readonly [string, string][]): SchemaLookup {
  const columns = new Map(catalog.filter(([k]) => k.startsWith('column ')).map(([k, v]) => [k.slice('column '.length), v]));
  const memo = new Map<string, TypeInfo | null>();
  return {
    key,
    columnType(table, column) {
      const id = `${qualified(table)}.${column}`;
      if (memo.has(id)) return memo.get(id)!;
      const def = columns.get(id);
      let info: TypeInfo | null = null;
      if (def !== undefined) {
        try {
          const tree = parser.parseSync(`CREATE TABLE t (c ${def})`) as { stmts: { stmt: { CreateStmt: { tableElts: { ColumnDef: { typeName: unknown } }[] } } }[] };
          info = typeInfo(tree.stmts[0]!.stmt.CreateStmt.tableElts[0]!.ColumnDef.typeName as Record<string, unknown>);
        } catch {
          info = null;
        }
      }
      memo.set(id, info);
      return info;
    },
  };
}

/** For each migration file of `schema`, the lookup of the state just before it (files not in the history: none). */
export function schemaLookupsByFile(parser: Parser, schema: ShadowSchema, root: string): (file: string) => SchemaLookup | null {
  const byFile = new Map<string, SchemaLookup>();
  schema.positions.forEach((p, i) => {
    const before = i === 0 ? { key: 'baseline', catalog: schema.baseline } : { key: schema.positions[i - 1]!.key, catalog: schema.positions[i - 1]!.catalog };
    byFile.set(p.file, schemaLookup(parser, before.key, before.catalog));
  });
  return (file) => byFile.get(path.resolve(root, file)) ?? null;
}
