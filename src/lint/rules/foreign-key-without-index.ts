import { columnRemoved, columnsAdded, displayName, droppedObjects, indexRemoved, foreignKeys, indexDefinitions, sameName, type IndexDefinition, type QualifiedName } from '../../sql/objects';
import { stringList } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { HistoryView } from '../history';
import type { Rule, RuleContext } from '../types';
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
    const history = ctx.history ?? null;
    const added = ctx.statements.flatMap((s) => columnsAdded(s.kind, s.node).map((c) => ({ ...c, index: s.index })));
    // Covered here, or by an index a later migration creates (the key is unindexed only between the two).
    const coveredLater = (table: QualifiedName, columns: string[]) =>
      indexes.some((ix) => leads(ix, table, columns)) || !!history?.indexesLater(table).some((l) => leads(l.index, table, columns));
    for (const stmt of ctx.statements) {
      for (const fk of foreignKeys(stmt.kind, stmt.node)) {
        const tableIsNew = stmt.kind === 'CreateStmt' || stmt.kind === 'CreateSchemaStmt'
          || fresh.isNew({ relname: fk.table.name, schemaname: fk.table.schema ?? undefined }, stmt.index);
        // A column added in this file cannot be in an index of an earlier one: the key needs an index from here on.
        const someNew = fk.newColumns || fk.columns.some((c) => added.some((a) => a.index <= stmt.index && a.column === c && sameName(a.table, fk.table)));
        if (coveredLater(fk.table, fk.columns)) continue;
        if (!tableIsNew && !someNew) {
          // Existing columns of an existing table: an earlier migration may index them. Only a table whose whole
          // history the migrations hold (created by one of them) is known to have no such index.
          if (!history?.tableKnownBefore(fk.table)) continue;
          if (history.indexesBefore(fk.table).some((ix) => leads(ix, fk.table, fk.columns))) continue;
        }
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
    if (history) droppedCoveringIndexes(ctx, history, coveredLater);
  },
};

/** DROP INDEX (or DROP CONSTRAINT of a primary key or unique constraint) that leaves an existing foreign key without an index. */
function droppedCoveringIndexes(ctx: RuleContext, history: HistoryView,
  coveredLater: (table: QualifiedName, columns: string[]) => boolean): void {
  const drops = ctx.statements.flatMap((s) => droppedObjects(s.kind, s.node).map((d) => ({ stmt: s, d })));
  const dropped = drops.map(({ d }) => d);
  const fksHere = ctx.statements.flatMap((s) => foreignKeys(s.kind, s.node));
  for (const { stmt, d } of drops) {
    if (d.kind !== 'index' && d.kind !== 'constraint') continue;
    const ix = d.kind === 'index' ? history.indexNamedBefore(d) : history.indexesBefore(d.table!).find((x) => x.name === d.name && x.kind !== 'index' && x.kind !== 'unique index');
    if (!ix) continue;
    const fks = [...history.foreignKeysBefore(ix.table), ...fksHere.filter((fk) => sameName(fk.table, ix.table))]
      .filter((fk) => !(fk.name && indexRemoved({ kind: 'constraint', name: fk.name, table: fk.table }, dropped))
        && !fk.columns.some((c) => columnRemoved(fk.table, c, dropped)));
    for (const fk of fks) {
      if (!leads(ix, fk.table, fk.columns)) continue;
      const others = history.indexesBefore(ix.table).filter((x) => x !== ix && !(x.name && indexRemoved(x, dropped)));
      if (others.some((x) => leads(x, fk.table, fk.columns)) || coveredLater(fk.table, fk.columns)) continue;
      const cols = fk.columns.join(', ');
      ctx.report({
        statement: stmt,
        at: null,
        message: `dropping ${d.kind === 'index' ? 'index' : 'constraint'} ${d.name} leaves foreign key ${displayName(fk.table)} (${cols}) → ` +
          `${displayName(fk.referencedTable)} without an index; every delete or key update in ${displayName(fk.referencedTable)} will scan ${displayName(fk.table)}`,
        help: `keep an index on ${displayName(fk.table)} (${cols}): create its replacement (CONCURRENTLY) before dropping this one`,
      });
      break;
    }
  }
}

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
