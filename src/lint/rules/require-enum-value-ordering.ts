import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';

const typeKey = (names: AstNode[] | undefined) => ((names ?? []).map((n) => String(n['String']?.sval ?? ''))).join('.');
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** ALTER TYPE ... ADD VALUE without BEFORE or AFTER. */
export const requireEnumValueOrdering: Rule = {
  id: 'require-enum-value-ordering',
  defaultSeverity: 'warning',
  description: 'ALTER TYPE ... ADD VALUE without BEFORE or AFTER',
  rationale:
    'The values of an enum type sort in the order they were declared, not alphabetically: ORDER BY, <, > and MIN/MAX on an ' +
    'enum column all follow that order. ADD VALUE without BEFORE or AFTER puts the new value last, which is right for some ' +
    'enums (a growing list of sources) and wrong for others (sizes, priorities, workflow states), and the reader of the ' +
    'migration cannot tell whether the author thought about it. Saying where the value goes makes the order a decision; ' +
    'moving a value later is not possible without recreating the type.',
  help: "say where the value goes: ADD VALUE 'new' AFTER 'existing' (or BEFORE 'existing')",
  sections: ['up', 'script'],
  bodies: 'all',
  check(ctx) {
    // Enum values known from CREATE TYPE ... AS ENUM earlier in the section, in sort order.
    const known = new Map<string, string[]>();
    for (const stmt of ctx.statements) {
      const node = stmt.node;
      if (!node) continue;
      if (stmt.kind === 'CreateEnumStmt') {
        known.set(typeKey(node['typeName']), ((node['vals'] as AstNode[] | undefined) ?? []).map((v) => String(v['String']?.sval ?? '')));
        continue;
      }
      if (stmt.kind !== 'AlterEnumStmt' || node['oldVal'] || !node['newVal']) continue; // RENAME VALUE has oldVal
      const key = typeKey(node['typeName']);
      const values = known.get(key);
      const value = String(node['newVal']);
      const neighbor = node['newValNeighbor'] ? String(node['newValNeighbor']) : null;
      let lastValue: string | null = null;
      if (values && !values.includes(value)) {
        const at = neighbor ? values.indexOf(neighbor) : -1;
        if (neighbor && at !== -1) values.splice(node['newValIsAfter'] ? at + 1 : at, 0, value);
        else if (!neighbor) {
          lastValue = values[values.length - 1] ?? null;
          values.push(value);
        }
      }
      if (neighbor) continue;
      const trimmed = stmt.text.replace(/\s*;\s*$/, '');
      ctx.report({
        statement: stmt,
        message: `ADD VALUE ${quoteLiteral(value)} to type "${key}" without BEFORE or AFTER puts it last in the sort order; say where it belongs`,
        fix: lastValue !== null
          ? { title: `Place it AFTER ${quoteLiteral(lastValue)} (the current last value)`, edits: [{ statement: stmt, start: trimmed.length, end: trimmed.length, text: ` AFTER ${quoteLiteral(lastValue)}` }] }
          : undefined,
      });
    }
  },
};
