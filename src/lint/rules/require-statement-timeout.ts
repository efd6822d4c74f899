import { alterCommands, columnConstraints, findAll, rangeVarName, typeInfo } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';
import { newTables, type NewTables } from './shared/new-tables';
import { configSetsTimeout, configTimeoutNote, setTimeoutFix, settingInEffect, timeoutHelp } from './shared/timeout-settings';

interface Slow {
  /** Plain words for the message: 'ALTER TABLE "t" rewrites the table'. */
  what: string;
  at: AstNode | null;
}

/** Functions whose result differs per row: a column default calling one is filled in row by row (a rewrite). */
const VOLATILE = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7',
  'nextval', 'clock_timestamp', 'timeofday', 'txid_current', 'random_normal', 'setseed',
]);
const SERIALS = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

function isVolatile(expr: AstNode | undefined): boolean {
  return findAll(expr, 'FuncCall').some((f) => {
    const names = (f['funcname'] as AstNode[] | undefined) ?? [];
    return VOLATILE.has(String(names[names.length - 1]?.['String']?.sval ?? '').toLowerCase());
  });
}

/** Why an ALTER TABLE sub-command reads or rewrites the whole table, or null when it only changes the catalog. */
function alterWork(cmd: AstNode, postgresVersion: number): string | null {
  const sub = String(cmd['subtype'] ?? '');
  switch (sub) {
    case 'AT_AddColumn': {
      const col = cmd['def']?.ColumnDef as AstNode | undefined;
      if (!col) return null;
      const name = `column "${String(col['colname'] ?? '')}"`;
      const type = typeInfo(col['typeName']);
      if (type && SERIALS.has(type.name)) return `adding serial ${name} rewrites the table`;
      for (const c of columnConstraints(col)) {
        const t = c['contype'];
        if (t === 'CONSTR_IDENTITY') return `adding identity ${name} rewrites the table`;
        if (t === 'CONSTR_GENERATED') return `adding generated ${name} rewrites the table`;
        if (t === 'CONSTR_DEFAULT') {
          const nullDefault = c['raw_expr']?.A_Const?.isnull === true;
          if (isVolatile(c['raw_expr'])) return `adding ${name} with a volatile default rewrites the table`;
          if (postgresVersion < 11 && !nullDefault) return `adding ${name} with a default rewrites the table before PostgreSQL 11`;
        }
        if ((t === 'CONSTR_CHECK' || t === 'CONSTR_FOREIGN') && !c['skip_validation']) return `adding ${name} with a ${t === 'CONSTR_CHECK' ? 'CHECK' : 'foreign key'} constraint reads the whole table`;
        if (t === 'CONSTR_PRIMARY' || t === 'CONSTR_UNIQUE') return `adding ${name} with a ${t === 'CONSTR_PRIMARY' ? 'primary key' : 'unique constraint'} builds an index`;
      }
      return null;
    }
    case 'AT_AlterColumnType':
      return `changing the type of column "${String(cmd['name'] ?? '')}" can rewrite the table`;
    case 'AT_SetNotNull':
      return `SET NOT NULL on column "${String(cmd['name'] ?? '')}" reads the whole table`;
    case 'AT_AddConstraint': {
      const c = cmd['def']?.Constraint as AstNode | undefined;
      if (!c) return null;
      const name = c['conname'] ? `constraint "${String(c['conname'])}"` : 'a constraint';
      const t = c['contype'];
      if ((t === 'CONSTR_CHECK' || t === 'CONSTR_FOREIGN' || t === 'CONSTR_NOTNULL') && !c['skip_validation']) return `adding ${name} without NOT VALID reads the whole table`;
      if ((t === 'CONSTR_PRIMARY' || t === 'CONSTR_UNIQUE' || t === 'CONSTR_EXCLUSION') && !c['indexname']) return `adding ${name} builds an index`;
      return null;
    }
    case 'AT_SetLogged':
      return 'SET LOGGED rewrites the table';
    case 'AT_SetUnLogged':
      return 'SET UNLOGGED rewrites the table';
    case 'AT_SetAccessMethod':
      return 'SET ACCESS METHOD rewrites the table';
    case 'AT_SetExpression':
      return `SET EXPRESSION on column "${String(cmd['name'] ?? '')}" rewrites the table`;
    case 'AT_SetTableSpace':
      return 'SET TABLESPACE copies the whole table';
    default:
      return null;
  }
}

/** A statement that can run for a long time while it holds a lock other sessions wait for. */
export function slowStatement(stmt: ParsedStatement, tables: NewTables, postgresVersion: number): Slow | null {
  const node = stmt.node;
  if (!node) return null;
  const i = stmt.index;
  const old = (rv: AstNode | undefined) => !!rv && !tables.isNew(rv, i);
  switch (stmt.kind) {
    case 'AlterTableStmt': {
      if (node['objtype'] !== 'OBJECT_TABLE' || !old(node['relation'])) return null;
      for (const cmd of alterCommands(node)) {
        const why = alterWork(cmd, postgresVersion);
        if (why) return { what: `ALTER TABLE "${rangeVarName(node['relation'])}": ${why}`, at: node['relation'] };
      }
      return null;
    }
    case 'IndexStmt':
      if (node['concurrent'] || !old(node['relation'])) return null;
      return { what: `CREATE INDEX on "${rangeVarName(node['relation'])}" reads the whole table while blocking writes to it`, at: node['relation'] };
    case 'UpdateStmt':
    case 'DeleteStmt':
      if (node['whereClause'] || !old(node['relation'])) return null;
      return { what: `${stmt.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE'} without WHERE changes every row of "${rangeVarName(node['relation'])}" and locks them until it ends`, at: node['relation'] };
    case 'ClusterStmt':
      if (!old(node['relation'])) return null;
      return { what: `CLUSTER rewrites "${rangeVarName(node['relation'])}" and blocks every query on it meanwhile`, at: node['relation'] };
    case 'VacuumStmt': {
      const full = ((node['options'] as AstNode[] | undefined) ?? []).some((o) => o['DefElem']?.defname === 'full' && o['DefElem']?.arg?.A_Const?.boolval?.boolval !== false && o['DefElem']?.arg?.Boolean?.boolval !== false);
      if (!full || !node['is_vacuumcmd']) return null;
      const rv = ((node['rels'] as AstNode[] | undefined) ?? []).map((r) => r['VacuumRelation']?.relation as AstNode).find((r) => old(r));
      const all = ((node['rels'] as AstNode[] | undefined) ?? []).length === 0;
      if (!rv && !all) return null;
      return { what: `VACUUM FULL rewrites ${rv ? `"${rangeVarName(rv)}"` : 'every table'} and blocks every query on it meanwhile`, at: rv ?? null };
    }
    case 'ReindexStmt': {
      const concurrently = ((node['params'] as AstNode[] | undefined) ?? []).some((p) => p['DefElem']?.defname === 'concurrently');
      const kind = String(node['kind'] ?? '');
      if (concurrently || !node['relation'] || (kind === 'REINDEX_OBJECT_TABLE' && !old(node['relation']))) return null;
      if (kind !== 'REINDEX_OBJECT_TABLE' && kind !== 'REINDEX_OBJECT_INDEX') return null;
      return { what: `REINDEX of "${rangeVarName(node['relation'])}" rebuilds while blocking writes`, at: node['relation'] };
    }
    default:
      return null;
  }
}

/** Long-running, lock-holding statements with no statement_timeout set before them in the section. */
export const requireStatementTimeout: Rule = {
  id: 'require-statement-timeout',
  defaultSeverity: 'warning',
  description: 'long-running statement that holds a lock, with no statement_timeout set first',
  rationale:
    'Some statements work through the whole table while holding a lock that other sessions need: rewriting it for a column ' +
    'type change, reading every row to check a new constraint, building an index without CONCURRENTLY, or updating every row. ' +
    'On a big table that can take minutes or hours, and for all that time the application cannot write to the table (or even ' +
    'read it). A statement_timeout caps the damage: if the statement runs longer than you planned, PostgreSQL cancels it, the ' +
    'lock is released and the migration fails instead of the application.',
  help: timeoutHelp('statement_timeout', '5min', 'require-statement-timeout', ', sized for the table'),
  sections: ['up', 'script'],
  check(ctx) {
    if (configSetsTimeout(ctx, 'statement_timeout')) return;
    const isSet = settingInEffect(ctx.statements, 'statement_timeout');
    const tables = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      if (isSet[stmt.index]) continue;
      const hit = slowStatement(stmt, tables, ctx.postgresVersion);
      if (!hit) continue;
      ctx.report({
        statement: stmt, at: hit.at, message: `${hit.what}, and no statement_timeout is set in this section to bound it${configTimeoutNote(ctx, 'statement_timeout')}`,
        fix: setTimeoutFix(ctx, stmt, 'statement_timeout', '5min'),
      });
      return; // once per section: one SET at the top covers the rest
    }
  },
};
