import { CONFIG_FILE_NAME } from '../../../core/config';
import { findAll } from '../../../sql/ast';
import type { AstNode, ParsedStatement } from '../../../sql/parse';
import type { RuleContext, RuleFix, TimeoutCoverage } from '../../types';

type TimeoutSetting = 'lock_timeout' | 'statement_timeout';
const CONFIG_KEY: Record<TimeoutSetting, 'lockTimeoutMs' | 'statementTimeoutMs'> = { lock_timeout: 'lockTimeoutMs', statement_timeout: 'statementTimeoutMs' };

/** The config's coverage of a timeout, or null when linting without a config. */
function coverage(ctx: RuleContext, name: TimeoutSetting): TimeoutCoverage | null {
  return ctx.settings.timeouts?.[CONFIG_KEY[name]] ?? null;
}

/** True when the config sets the timeout for every environment: the tool sets it for every migration it runs. */
export function configSetsTimeout(ctx: RuleContext, name: TimeoutSetting): boolean {
  const c = coverage(ctx, name);
  return !!c && c.unset.length === 0;
}

/** For a message: which environments the config leaves without the timeout, when it sets it for some ('' otherwise). */
export function configTimeoutNote(ctx: RuleContext, name: TimeoutSetting): string {
  const c = coverage(ctx, name);
  if (!c || c.set.length === 0) return '';
  return ` (${CONFIG_KEY[name]} in ${CONFIG_FILE_NAME} sets it for ${c.set.join(', ')} but not for ${c.unset.join(', ')})`;
}

/** The help line: the SET to write, and the config key and rule setting that cover every migration instead. */
export function timeoutHelp(name: TimeoutSetting, value: string, ruleId: string, sizing = ''): string {
  return `put SET LOCAL ${name} = '${value}'; before it (plain SET in a migration with "-- transaction: none")${sizing}, or set ` +
    `"${CONFIG_KEY[name]}" for every environment in ${CONFIG_FILE_NAME}: the tool then sets ${name} for every migration and this ` +
    `rule stays quiet; to turn the rule off, "lint": { "rules": { "${ruleId}": "off" } }`;
}

/**
 * The quick fix: the line the templates use, just before the statement. In a migration's transaction SET LOCAL ends
 * with it; outside a transaction ("-- transaction: none", a plain script) SET LOCAL would do nothing, so it is SET.
 */
export function setTimeoutFix(ctx: RuleContext, stmt: ParsedStatement, name: TimeoutSetting, value: string): RuleFix {
  const set = ctx.transactional ? 'SET LOCAL' : 'SET';
  return { title: `Add ${set} ${name} = '${value}' before this statement`, edits: [{ statement: stmt, start: 0, end: 0, text: `${set} ${name} = '${value}';\n` }] };
}

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
