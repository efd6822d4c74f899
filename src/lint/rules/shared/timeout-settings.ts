import { findAll } from '../../../sql/ast';
import type { AstNode, ParsedStatement } from '../../../sql/parse';

/**
 * For each statement (by position), whether a non-zero value of the setting
 * `name` (e.g. 'lock_timeout') is in effect when it runs, following the SET,
 * SET LOCAL, RESET and set_config() statements written before it. SET LOCAL
 * ends with the transaction block it was written in; a value of 0 (or DEFAULT)
 * means "no timeout" and does not count.
 */
export function settingInEffect(statements: ParsedStatement[], name: string): boolean[] {
  const out: boolean[] = [];
  let session = false;
  let local: boolean | null = null;
  for (const stmt of statements) {
    out.push(local ?? session);
    const node = stmt.node;
    if (!node) continue;
    if (stmt.kind === 'VariableSetStmt') {
      const kind = String(node['kind'] ?? '');
      if (kind === 'VAR_RESET_ALL') { session = false; local = null; continue; }
      if (String(node['name'] ?? '').toLowerCase() !== name) continue;
      const value = kind === 'VAR_SET_VALUE' ? nonZero((node['args'] as AstNode[] | undefined)?.[0]) : false;
      if (node['is_local']) local = value;
      else { session = value; local = null; }
    } else if (stmt.kind === 'TransactionStmt') {
      const kind = String(node['kind'] ?? '');
      if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') local = null;
    } else if (stmt.kind === 'SelectStmt') {
      // SELECT set_config('lock_timeout', '5s', false)
      for (const call of findAll(node, 'FuncCall')) {
        const fn = (call['funcname'] as AstNode[] | undefined) ?? [];
        if (String(fn[fn.length - 1]?.['String']?.sval ?? '').toLowerCase() !== 'set_config') continue;
        const args = (call['args'] as AstNode[] | undefined) ?? [];
        if (String(args[0]?.['A_Const']?.sval?.sval ?? '').toLowerCase() !== name) continue;
        const value = nonZero(args[1]);
        if (args[2]?.['A_Const']?.boolval?.boolval === true) local = value;
        else { session = value; local = null; }
      }
    }
  }
  return out;
}

/** A SET value other than 0: a number, or a string such as '5s' (unknown forms count as set). */
function nonZero(arg: AstNode | undefined): boolean {
  const c = arg?.['A_Const'] as AstNode | undefined;
  if (!c) return arg !== undefined;
  if (c['ival'] !== undefined) return Number(c['ival'].ival ?? 0) !== 0;
  if (c['fval'] !== undefined) return parseFloat(String(c['fval'].fval ?? '0')) !== 0;
  if (c['sval'] !== undefined) {
    const n = parseFloat(String(c['sval'].sval ?? ''));
    return Number.isNaN(n) || n !== 0;
  }
  return !c['isnull'];
}
