import { displayName, foreignKeys, indexDefinitions, sameName, type IndexDefinition } from '../../sql/objects';
import { stringList } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { newTables } from './shared/new-tables';

/** A foreign key whose referencing columns do not lead any index, primary key or unique constraint of the table. */
export const foreignKeyWithoutIndex: Rule = {
  id: 'foreign-key-without-index',
  defaultSeverity: 'warning',
  description: 'foreign key whose referencing columns have no index',
  rationale:
    'PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique) but not the referencing ' +
    'side. Every DELETE of a parent row, and every UPDATE of its key, has to look for child rows that still point at it; ' +
    'without an index on the child columns that is a scan of the whole child table, once per parent row, while holding ' +
    'locks. Deleting a few thousand parents can take minutes, and joins from parent to children are slow too. An index ' +
    'whose leading columns are the foreign key columns (a primary key or unique constraint counts) avoids it.',
  help: 'add CREATE INDEX ON <table> (<foreign key columns>) in the same migration',
  sections: ['up', 'script'],
  check(ctx) {
    const indexes: IndexDefinition[] = ctx.statements.flatMap((s) => indexDefinitions(s.kind, s.node));
    const fresh = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      for (const fk of foreignKeys(stmt.kind, stmt.node)) {
        // On a table that existed before this file, the columns may already be indexed by an earlier migration:
        // only columns that are new here are known to have no index.
        const tableIsNew = stmt.kind === 'CreateStmt' || stmt.kind === 'CreateSchemaStmt'
          || fresh.isNew({ relname: fk.table.name, schemaname: fk.table.schema ?? undefined }, stmt.index);
        if (!tableIsNew && !fk.newColumns) continue;
        if (indexes.some((ix) => leads(ix, fk.table, fk.columns))) continue;
        const cols = fk.columns.join(', ');
        const table = displayName(fk.table);
        const parent = displayName(fk.referencedTable);
        ctx.report({
          statement: stmt,
          at: fk.location,
          message: `foreign key ${table} (${cols}) → ${parent} has no index on ${table} (${cols}); ` +
            `every delete or key update in ${parent} scans ${table}`,
          help: tableIsNew
            ? `add CREATE INDEX ON ${table} (${cols}); in this migration`
            : `add CREATE INDEX CONCURRENTLY ON ${table} (${cols}); (in a migration with "-- transaction: none")`,
        });
      }
    }
  },
};

/** True when the index's leading columns are exactly the foreign key columns (in any order), and it can serve equality lookups. */
function leads(ix: IndexDefinition, table: { schema: string | null; name: string }, columns: string[]): boolean {
  if (!sameName(ix.table, table) || ix.kind === 'exclusion') return false;
  if (ix.where !== null && !onlyNotNull(JSON.parse(ix.where) as AstNode, columns)) return false;
  if (ix.method !== 'btree' && !(ix.method === 'hash' && columns.length === 1)) return false;
  if (ix.columns.length < columns.length) return false;
  const lead = ix.columns.slice(0, columns.length);
  return columns.every((c) => lead.includes(c));
}

/**
 * A partial index WHERE fk_col IS NOT NULL [AND ...] still serves the lookup PostgreSQL runs for the
 * foreign key (fk_col = $1 implies fk_col IS NOT NULL).
 */
function onlyNotNull(where: AstNode, columns: string[]): boolean {
  if (where['BoolExpr']?.boolop === 'AND_EXPR') return (where['BoolExpr'].args as AstNode[]).every((a) => onlyNotNull(a, columns));
  const t = where['NullTest'] as AstNode | undefined;
  if (!t || t['nulltesttype'] !== 'IS_NOT_NULL' || !t['arg']?.['ColumnRef']) return false;
  const fields = stringList(t['arg']['ColumnRef'].fields);
  return columns.includes(fields[fields.length - 1] ?? '');
}
