import { findAll } from '../../sql/ast';
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';

/**
 * Column lists whose names must be distinct: UPDATE SET, INSERT (...), ON CONFLICT DO UPDATE SET, MERGE. Nested
 * statements (CTEs) come from the statement's node-type index, built once per statement and shared by the rules.
 */
function targetLists(kind: string, node: AstNode): { list: AstNode[]; what: string }[] {
  const out: { list: AstNode[]; what: string }[] = [];
  const visit = (type: string, body: AstNode) => {
    if (type === 'UpdateStmt' && body['targetList']) out.push({ list: body['targetList'], what: 'UPDATE ... SET' });
    else if (type === 'InsertStmt') {
      if (body['cols']) out.push({ list: body['cols'], what: 'the INSERT column list' });
      const conflict = body['onConflictClause'] as AstNode | undefined;
      if (conflict?.['targetList']) out.push({ list: conflict['targetList'], what: 'ON CONFLICT DO UPDATE SET' });
    }
    else if (type === 'MergeWhenClause' && body['targetList']) {
      out.push({ list: body['targetList'], what: body['commandType'] === 'CMD_INSERT' ? 'the MERGE INSERT column list' : 'MERGE UPDATE SET' });
    }
  };
  visit(kind, node);
  for (const type of ['UpdateStmt', 'InsertStmt', 'MergeWhenClause']) for (const body of findAll(node, type)) visit(type, body);
  return out;
}

/** The same column assigned twice in one statement: PostgreSQL rejects it when the statement runs. */
export const banDuplicateColumnAssignments: Rule = {
  id: 'ban-duplicate-column-assignments',
  defaultSeverity: 'error',
  description: 'UPDATE ... SET or an INSERT column list naming the same column twice',
  rationale:
    'A statement may set each column only once. UPDATE t SET a = 1, a = 2 or INSERT INTO t (a, b, a) parses fine, so it ' +
    'passes a quick look, but PostgreSQL rejects it with "multiple assignments to same column" as soon as it runs, and the ' +
    'migration fails there. It is usually a copy-paste slip in which one of the two values was meant for another column. ' +
    'Setting different elements or fields of one column (a[1] = 1, a[2] = 2) is allowed and not reported.',
  help: 'keep one assignment per column; check whether the second one was meant for a different column',
  bodies: 'all',
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (!stmt.node) continue;
      for (const { list, what } of targetLists(stmt.kind!, stmt.node)) {
        const seen = new Map<string, boolean>(); // column -> assigned as a whole (no subscript or field)
        for (const item of list) {
          const target = item['ResTarget'] as AstNode | undefined;
          if (!target?.['name']) continue;
          const name = String(target['name']);
          const whole = !(Array.isArray(target['indirection']) && target['indirection'].length > 0);
          if (seen.has(name) && (whole || seen.get(name))) {
            const listed = what.includes('column list');
            ctx.report({
              statement: stmt,
              at: target,
              message: listed
                ? `column "${name}" appears twice in ${what}; PostgreSQL fails with "column specified more than once"`
                : `column "${name}" is assigned twice in ${what}; PostgreSQL fails with "multiple assignments to same column"`,
            });
          }
          seen.set(name, (seen.get(name) ?? false) || whole);
        }
      }
    }
  },
};
