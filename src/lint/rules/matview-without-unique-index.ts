import { displayName, droppedObjects, indexDefinitions, sameName, type QualifiedName } from '../../sql/objects';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';

/** A materialized view created without the unique index that REFRESH ... CONCURRENTLY needs. */
export const matviewWithoutUniqueIndex: Rule = {
  id: 'matview-without-unique-index',
  defaultSeverity: 'warning',
  description: 'materialized view without a unique index, so it cannot be refreshed concurrently',
  rationale:
    'A plain REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the view for as long as the query runs: every ' +
    'SELECT on it waits until the refresh is done. REFRESH MATERIALIZED VIEW CONCURRENTLY lets readers continue, but ' +
    'PostgreSQL only allows it when the view has a UNIQUE index on plain columns (no expressions, no WHERE clause); ' +
    'without one the refresh fails with an error. Creating that index together with the view keeps the option open.',
  help: 'add CREATE UNIQUE INDEX ON <view> (<columns that identify a row>) right after creating the view',
  sections: ['up', 'script'],
  check(ctx) {
    const views: { name: QualifiedName; stmt: ParsedStatement; at: AstNode | undefined }[] = [];
    for (const stmt of ctx.statements) {
      if (stmt.kind === 'CreateTableAsStmt' && stmt.node?.['objtype'] === 'OBJECT_MATVIEW') {
        const rel = stmt.node['into']?.['rel'] as AstNode | undefined;
        if (rel?.['relname']) views.push({ name: { schema: rel['schemaname'] ? String(rel['schemaname']) : null, name: String(rel['relname']) }, stmt, at: rel });
      }
    }
    if (views.length === 0) return;
    const hasUniqueIndex = (view: QualifiedName, from: number, to: number) => ctx.statements.slice(from, to).some((s) =>
      indexDefinitions(s.kind, s.node).some((d) => d.unique && d.where === null && d.columns.every((c) => c !== null) && sameName(d.table, view)));
    const droppedAfter = (view: QualifiedName, from: number) => ctx.statements.slice(from).some((s) =>
      droppedObjects(s.kind, s.node).some((d) => d.kind === 'materialized view' && sameName(d, view)));

    for (const v of views) {
      const end = ctx.statements.length;
      if (hasUniqueIndex(v.name, v.stmt.index + 1, end) || droppedAfter(v.name, v.stmt.index + 1)) continue;
      ctx.report({
        statement: v.stmt,
        at: v.at,
        message: `materialized view "${displayName(v.name)}" has no unique index, so it cannot be refreshed CONCURRENTLY; ` +
          'a plain refresh blocks every reader until it finishes',
      });
    }

    for (const stmt of ctx.statements) {
      if (stmt.kind !== 'RefreshMatViewStmt' || !stmt.node?.['concurrent']) continue;
      const rel = stmt.node['relation'] as AstNode | undefined;
      const name: QualifiedName = { schema: rel?.['schemaname'] ? String(rel['schemaname']) : null, name: String(rel?.['relname'] ?? '') };
      // The view created last before this refresh (a view may be dropped and created again).
      const view = [...views].reverse().find((v) => v.stmt.index < stmt.index && sameName(v.name, name));
      if (!view || hasUniqueIndex(name, view.stmt.index + 1, stmt.index)) continue;
      ctx.report({
        statement: stmt,
        at: rel,
        message: `REFRESH MATERIALIZED VIEW CONCURRENTLY "${displayName(name)}" fails: the view has no unique index on plain columns when it runs`,
        help: `create a unique index on "${displayName(name)}" before refreshing it concurrently`,
      });
    }
  },
};
