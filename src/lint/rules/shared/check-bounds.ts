import { alterCommands, columnConstraints, stringList } from '../../../sql/ast';
import type { AstNode } from '../../../sql/parse';
import type { TypedColumn } from './column-types';

/** The range a column's CHECK constraints hold it to (null: unbounded on that side). */
export interface Bounds {
  min: number | null;
  max: number | null;
}

/** An integer constant (A_Const ival, or a negated one); null for anything else. */
function intConst(node: AstNode | undefined): number | null {
  const c = node?.['A_Const'] as AstNode | undefined;
  if (c?.['ival'] !== undefined) return Number(c['ival'].ival ?? 0);
  const neg = node?.['A_Expr'] as AstNode | undefined;
  if (neg && neg['kind'] === 'AEXPR_OP' && !neg['lexpr'] && stringList(neg['name'])[0] === '-') {
    const v = intConst(neg['rexpr']);
    return v === null ? null : -v;
  }
  return null;
}

function isColumn(node: AstNode | undefined, column: string): boolean {
  const fields = stringList(node?.['ColumnRef']?.fields);
  return fields.length > 0 && fields[fields.length - 1] === column;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

/** Tightens `b` with what one expression (a conjunct of a CHECK) says of the column. */
function narrow(expr: AstNode, column: string, b: Bounds): void {
  const bool = expr['BoolExpr'] as AstNode | undefined;
  if (bool?.['boolop'] === 'AND_EXPR') { for (const a of bool['args'] as AstNode[]) narrow(a, column, b); return; }
  const e = expr['A_Expr'] as AstNode | undefined;
  if (!e) return;
  const lower = (v: number) => { b.min = b.min === null ? v : Math.max(b.min, v); };
  const upper = (v: number) => { b.max = b.max === null ? v : Math.min(b.max, v); };
  if (e['kind'] === 'AEXPR_BETWEEN' && isColumn(e['lexpr'], column)) {
    const [lo, hi] = ((e['rexpr']?.List?.items as AstNode[] | undefined) ?? []).map(intConst);
    if (lo !== null && lo !== undefined) lower(lo);
    if (hi !== null && hi !== undefined) upper(hi);
  } else if (e['kind'] === 'AEXPR_IN' && stringList(e['name'])[0] === '=' && isColumn(e['lexpr'], column)) {
    const values = ((e['rexpr']?.List?.items as AstNode[] | undefined) ?? []).map(intConst);
    if (values.length && values.every((v) => v !== null)) { lower(Math.min(...(values as number[]))); upper(Math.max(...(values as number[]))); }
  } else if (e['kind'] === 'AEXPR_OP') {
    let op = stringList(e['name'])[0] ?? '';
    let value: number | null = null;
    if (isColumn(e['lexpr'], column)) value = intConst(e['rexpr']);
    else if (isColumn(e['rexpr'], column)) { value = intConst(e['lexpr']); op = FLIP[op] ?? ''; }
    if (value === null) return;
    if (op === '<') upper(value - 1);
    else if (op === '<=') upper(value);
    else if (op === '>') lower(value + 1);
    else if (op === '>=') lower(value);
    else if (op === '=') { lower(value); upper(value); }
  }
}

/** CHECK constraints that can hold the column: its own, and the table's in the same CREATE TABLE / ALTER TABLE. */
function checksOf(col: TypedColumn): AstNode[] {
  const own = columnConstraints(col.column).filter((c) => c['contype'] === 'CONSTR_CHECK');
  const node = col.statement.node ?? {};
  const table = col.statement.kind === 'CreateStmt'
    ? ((node['tableElts'] as AstNode[] | undefined) ?? []).map((e) => e['Constraint'] as AstNode | undefined)
    : col.statement.kind === 'AlterTableStmt'
      ? alterCommands(node).filter((c) => c['subtype'] === 'AT_AddConstraint').map((c) => c['def']?.['Constraint'] as AstNode | undefined)
      : [];
  return [...own, ...table.filter((c): c is AstNode => !!c && c['contype'] === 'CONSTR_CHECK' && c['is_enforced'] !== false)];
}

/** The range the column's CHECK constraints allow. */
export function checkBounds(col: TypedColumn): Bounds {
  const b: Bounds = { min: null, max: null };
  for (const c of checksOf(col)) if (c['raw_expr']) narrow(c['raw_expr'] as AstNode, col.name, b);
  return b;
}

/** True when CHECK constraints keep the column within [min, max] of its type: it cannot overflow. */
export function boundedWithin(col: TypedColumn, min: number, max: number): boolean {
  const b = checkBounds(col);
  return b.min !== null && b.max !== null && b.min >= min && b.max <= max;
}
