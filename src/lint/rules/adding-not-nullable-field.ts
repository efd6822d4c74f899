import { alterCommands, rangeVarName, stringList } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { newTables } from './shared/new-tables';

/** ALTER COLUMN ... SET NOT NULL on an existing table (a full scan under ACCESS EXCLUSIVE). */
export const addingNotNullableField: Rule = {
  id: 'adding-not-nullable-field',
  defaultSeverity: 'error',
  description: 'ALTER COLUMN ... SET NOT NULL on an existing table',
  rationale:
    'SET NOT NULL makes PostgreSQL read every row of the table to prove the column has no nulls, and it holds an ACCESS ' +
    'EXCLUSIVE lock while doing so: no query can read or write the table until the scan is over, which on a large table ' +
    'can be minutes. From PostgreSQL 12 the scan is skipped when a validated CHECK (column IS NOT NULL) constraint already ' +
    'proves it, and such a constraint can be added without that lock: add it NOT VALID, then VALIDATE CONSTRAINT (which ' +
    'lets reads and writes continue), then SET NOT NULL, then drop the CHECK.',
  help: 'add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later transaction, then SET NOT NULL (instant on PostgreSQL 12+) and drop the CHECK',
  sections: ['up', 'script'],
  check(ctx) {
    const fresh = newTables(ctx.statements);
    const canSkipScan = ctx.postgresVersion >= 12;
    /** Columns proven not null by a validated CHECK: "table\0column". */
    const proven = new Set<string>();
    /** Tables with a VALIDATE CONSTRAINT of a constraint added elsewhere (probably the IS NOT NULL check). */
    const validatedUnknown = new Set<string>();
    /** NOT VALID checks added in this file: "table\0constraint" -> columns they prove. */
    const pending = new Map<string, string[]>();
    for (const stmt of ctx.statements) {
      if (stmt.kind !== 'AlterTableStmt' || !stmt.node || stmt.node['objtype'] !== 'OBJECT_TABLE') continue;
      const rel = stmt.node['relation'] as AstNode | undefined;
      if (!rel) continue;
      const table = String(rel['relname'] ?? '');
      const isNew = fresh.isNew(rel, stmt.index);
      const flagged: string[] = [];
      for (const cmd of alterCommands(stmt.node)) {
        const sub = cmd['subtype'];
        if (sub === 'AT_AddConstraint') {
          const con = cmd['def']?.['Constraint'] as AstNode | undefined;
          if (!con || con['contype'] !== 'CONSTR_CHECK') continue;
          const cols = notNullColumns(con['raw_expr'] as AstNode | undefined);
          if (con['skip_validation']) {
            if (con['conname']) pending.set(`${table}\0${String(con['conname'])}`, cols);
          } else {
            cols.forEach((c) => proven.add(`${table}\0${c}`));
          }
        } else if (sub === 'AT_ValidateConstraint' && cmd['name']) {
          const cols = pending.get(`${table}\0${String(cmd['name'])}`);
          if (cols) cols.forEach((c) => proven.add(`${table}\0${c}`));
          else validatedUnknown.add(table);
        } else if (sub === 'AT_SetNotNull' && cmd['name']) {
          const column = String(cmd['name']);
          if (isNew) continue;
          if (canSkipScan && (proven.has(`${table}\0${column}`) || validatedUnknown.has(table))) continue;
          flagged.push(column);
        }
      }
      if (flagged.length === 0) continue;
      const tableName = rangeVarName(rel);
      const cols = flagged.map((c) => `"${c}"`).join(', ');
      ctx.report({
        statement: stmt,
        message: `SET NOT NULL on ${cols} scans all of "${tableName}" under an ACCESS EXCLUSIVE lock, blocking reads and writes` +
          (canSkipScan ? ' (no validated CHECK (... IS NOT NULL) constraint is seen before it)' : ''),
        help: canSkipScan ? undefined
          : `PostgreSQL ${ctx.postgresVersion} always scans for SET NOT NULL: keep a validated CHECK (col IS NOT NULL) constraint instead (add it NOT VALID, then VALIDATE CONSTRAINT), or run it in a quiet period`,
      });
    }
  },
};

/** Columns a CHECK expression proves not null: `col IS NOT NULL`, possibly ANDed with other conditions. */
function notNullColumns(expr: AstNode | undefined): string[] {
  if (!expr) return [];
  const test = expr['NullTest'] as AstNode | undefined;
  if (test) {
    const ref = test['arg']?.['ColumnRef'] as AstNode | undefined;
    const fields = stringList(ref?.['fields']);
    return test['nulltesttype'] === 'IS_NOT_NULL' && fields.length === 1 ? [fields[0]!] : [];
  }
  const bool = expr['BoolExpr'] as AstNode | undefined;
  if (bool && bool['boolop'] === 'AND_EXPR') return ((bool['args'] as AstNode[] | undefined) ?? []).flatMap((a) => notNullColumns(a));
  return [];
}
