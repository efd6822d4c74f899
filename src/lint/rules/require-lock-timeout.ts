import { alterCommands, rangeVarName } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';
import { newTables, type NewTables } from './shared/new-tables';
import { settingInEffect } from './shared/timeout-settings';

type Lock = 'ACCESS EXCLUSIVE' | 'EXCLUSIVE' | 'SHARE ROW EXCLUSIVE' | 'SHARE';

interface Locking {
  /** What is locked, for the message: 'table "astronauts"'. */
  target: string;
  lock: Lock;
  /** The node to point at (a RangeVar), or null for the statement start. */
  at: AstNode | null;
}

/** ALTER TABLE sub-commands that only take SHARE UPDATE EXCLUSIVE: waiting for it does not hold up reads or writes. */
const WEAK_ALTERS = new Set(['AT_ValidateConstraint', 'AT_SetStatistics', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetOptions', 'AT_ResetOptions']);
const RANK: Record<Lock, number> = { SHARE: 1, 'SHARE ROW EXCLUSIVE': 2, EXCLUSIVE: 3, 'ACCESS EXCLUSIVE': 4 };
const LOCK_MODES: Record<number, Lock> = { 5: 'SHARE', 6: 'SHARE ROW EXCLUSIVE', 7: 'EXCLUSIVE', 8: 'ACCESS EXCLUSIVE' };

function alterTableLock(node: AstNode, tables: NewTables, index: number): Lock | null {
  let best: Lock | null = null;
  const raise = (l: Lock) => { if (!best || RANK[l] > RANK[best]) best = l; };
  for (const cmd of alterCommands(node)) {
    const sub = String(cmd['subtype'] ?? '');
    if (WEAK_ALTERS.has(sub)) continue;
    if (sub === 'AT_AttachPartition') {
      // The parent only takes SHARE UPDATE EXCLUSIVE; the attached table is locked fully unless it is new.
      if (!tables.isNew(cmd['def']?.PartitionCmd?.name, index)) raise('ACCESS EXCLUSIVE');
      continue;
    }
    if (sub === 'AT_DetachPartition' && cmd['def']?.PartitionCmd?.concurrent) continue;
    const con = cmd['def']?.Constraint as AstNode | undefined;
    if (sub === 'AT_AddConstraint' && con?.['contype'] === 'CONSTR_FOREIGN') { raise('SHARE ROW EXCLUSIVE'); continue; }
    if (/^AT_(Enable|Disable)(Always|Replica)?Trig/.test(sub)) { raise('SHARE ROW EXCLUSIVE'); continue; }
    raise('ACCESS EXCLUSIVE');
  }
  return best;
}

/** Names (last part of the dotted name) of indexes created by statements before `index`. */
function createdIndexes(statements: ParsedStatement[], index: number): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    if (s.index >= index) break;
    if (s.kind === 'IndexStmt' && s.node?.['idxname']) out.add(String(s.node['idxname']));
  }
  return out;
}

/** The table-level lock a statement waits for, when it can hold up other sessions' queries. */
function lockingStatementOld(stmt: ParsedStatement, statements: ParsedStatement[], tables: NewTables): Locking | null {
  const node = stmt.node;
  if (!node) return null;
  const i = stmt.index;
  const relTarget = (rv: AstNode | undefined, what = 'table') => `${what} "${rangeVarName(rv)}"`;
  switch (stmt.kind) {
    case 'AlterTableStmt': {
      if (node['objtype'] !== 'OBJECT_TABLE' && node['objtype'] !== 'OBJECT_MATVIEW') return null;
      if (tables.isNew(node['relation'], i)) return null;
      const lock = alterTableLock(node, tables, i);
      return lock ? { target: relTarget(node['relation']), lock, at: node['relation'] } : null;
    }
    case 'IndexStmt':
      if (node['concurrent'] || tables.isNew(node['relation'], i)) return null;
      return { target: relTarget(node['relation']), lock: 'SHARE', at: node['relation'] };
    case 'CreateTrigStmt':
      if (tables.isNew(node['relation'], i)) return null;
      return { target: relTarget(node['relation']), lock: 'SHARE ROW EXCLUSIVE', at: node['relation'] };
    case 'RenameStmt': {
      const type = String(node['renameType'] ?? '');
      if (!['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(type)) return null;
      if (!node['relation'] || tables.isNew(node['relation'], i)) return null;
      return { target: relTarget(node['relation'], type === 'OBJECT_VIEW' || type === 'OBJECT_MATVIEW' ? 'view' : 'table'), lock: 'ACCESS EXCLUSIVE', at: node['relation'] };
    }
    case 'DropStmt': {
      const type = String(node['removeType'] ?? '');
      const objects = ((node['objects'] as AstNode[] | undefined) ?? []).map((o) => ((o['List']?.items as AstNode[] | undefined) ?? []).map((x) => String(x['String']?.sval ?? '')));
      const asRv = (parts: string[]) => ({ relname: parts[parts.length - 1], schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined });
      if (type === 'OBJECT_TABLE' || type === 'OBJECT_MATVIEW' || type === 'OBJECT_VIEW') {
        const old = objects.filter((p) => p.length > 0 && !tables.isNew(asRv(p), i));
        if (old.length === 0) return null;
        return { target: `${type === 'OBJECT_TABLE' ? 'table' : 'view'} "${old[0]!.join('.')}"`, lock: 'ACCESS EXCLUSIVE', at: null };
      }
      if (type === 'OBJECT_INDEX') {
        if (node['concurrent']) return null;
        const made = createdIndexes(statements, i);
        const old = objects.filter((p) => p.length > 0 && !made.has(p[p.length - 1]!));
        if (old.length === 0) return null;
        return { target: `the table of index "${old[0]!.join('.')}"`, lock: 'ACCESS EXCLUSIVE', at: null };
      }
      if (type === 'OBJECT_TRIGGER') {
        const parts = objects[0] ?? [];
        if (parts.length < 2 || tables.isNew(asRv(parts.slice(0, -1)), i)) return null;
        return { target: `table "${parts.slice(0, -1).join('.')}"`, lock: 'ACCESS EXCLUSIVE', at: null };
      }
      return null;
    }
    case 'TruncateStmt': {
      const rv = ((node['relations'] as AstNode[] | undefined) ?? []).map((r) => r['RangeVar'] as AstNode).find((r) => r && !tables.isNew(r, i));
      return rv ? { target: relTarget(rv), lock: 'ACCESS EXCLUSIVE', at: rv } : null;
    }
    case 'LockStmt': {
      const lock = LOCK_MODES[Number(node['mode'] ?? 0)];
      if (!lock || node['nowait']) return null;
      const rv = ((node['relations'] as AstNode[] | undefined) ?? []).map((r) => r['RangeVar'] as AstNode).find((r) => r && !tables.isNew(r, i));
      return rv ? { target: relTarget(rv), lock, at: rv } : null;
    }
    case 'ClusterStmt':
      if (!node['relation'] || tables.isNew(node['relation'], i)) return null;
      return { target: relTarget(node['relation']), lock: 'ACCESS EXCLUSIVE', at: node['relation'] };
    case 'VacuumStmt': {
      const full = ((node['options'] as AstNode[] | undefined) ?? []).some((o) => o['DefElem']?.defname === 'full' && o['DefElem']?.arg?.A_Const?.boolval?.boolval !== false && o['DefElem']?.arg?.Boolean?.boolval !== false);
      if (!full || !node['is_vacuumcmd']) return null;
      const rv = ((node['rels'] as AstNode[] | undefined) ?? []).map((r) => r['VacuumRelation']?.relation as AstNode).find((r) => r && !tables.isNew(r, i));
      return rv ? { target: relTarget(rv), lock: 'ACCESS EXCLUSIVE', at: rv } : null;
    }
    case 'ReindexStmt': {
      const concurrently = ((node['params'] as AstNode[] | undefined) ?? []).some((p) => p['DefElem']?.defname === 'concurrently');
      const kind = String(node['kind'] ?? '');
      if (concurrently || !node['relation'] || (kind !== 'REINDEX_OBJECT_TABLE' && kind !== 'REINDEX_OBJECT_INDEX')) return null;
      if (kind === 'REINDEX_OBJECT_TABLE' && tables.isNew(node['relation'], i)) return null;
      if (kind === 'REINDEX_OBJECT_INDEX' && createdIndexes(statements, i).has(String(node['relation'].relname))) return null;
      return { target: kind === 'REINDEX_OBJECT_TABLE' ? relTarget(node['relation']) : `the table of index "${rangeVarName(node['relation'])}"`, lock: 'SHARE', at: node['relation'] };
    }
    case 'RefreshMatViewStmt':
      if (node['concurrent'] || tables.isNew(node['relation'], i)) return null;
      return { target: relTarget(node['relation'], 'materialized view'), lock: 'ACCESS EXCLUSIVE', at: node['relation'] };
    default:
      return null;
  }
}

export interface RelationLock { name: string; kind: 'table' | 'index'; lock: Lock }

/** Every relation that existed before the section which the statement locks in a mode that blocks writes or reads. */
export function statementLocks(stmt: ParsedStatement, statements: ParsedStatement[], tables: NewTables): RelationLock[] {
  const hit = lockingStatementOld(stmt, statements, tables);
  if (!hit) return [];
  const m = /"([^"]*)"/.exec(hit.target);
  return [{ name: m ? m[1]! : hit.target, kind: hit.target.includes('index') ? 'index' : 'table', lock: hit.lock }];
}

export const lockingStatement = lockingStatementOld;

function blocks(lock: Lock): string {
  return lock === 'ACCESS EXCLUSIVE' ? 'every query on it, reads included,' : 'every write to it';
}

/** Locking statements with no lock_timeout set before them in the section. */
export const requireLockTimeout: Rule = {
  id: 'require-lock-timeout',
  defaultSeverity: 'warning',
  description: 'statement that waits for a strong table lock with no lock_timeout set first',
  rationale:
    'Before ALTER TABLE, CREATE INDEX, DROP and similar statements can change a table they must get a lock on it, and they ' +
    'wait for as long as it takes: behind a long report, a stuck transaction or a slow backup. While the statement waits in ' +
    'the lock queue, every later query that needs the table lines up behind it, so a migration that would take a millisecond ' +
    'can stop all traffic to the table for minutes. With SET lock_timeout the statement gives up after that time instead; the ' +
    'migration fails cleanly (and can be retried) and the application keeps running.',
  help:
    "put SET lock_timeout = '5s'; before it (SET LOCAL in a transactional migration) and retry when it times out; the " +
    'lockTimeoutMs config setting does the same for every migration, but the linter cannot see the config - if you use it, turn this rule off',
  sections: ['up', 'script'],
  check(ctx) {
    const isSet = settingInEffect(ctx.statements, 'lock_timeout');
    const tables = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      if (isSet[stmt.index]) continue;
      const hit = lockingStatement(stmt, ctx.statements, tables);
      if (!hit) continue;
      ctx.report({
        statement: stmt,
        at: hit.at,
        message: `this waits for ${/^[AE]/.test(hit.lock) ? 'an' : 'a'} ${hit.lock} lock on ${hit.target} with no lock_timeout set in this section; while it waits, ${blocks(hit.lock)} queues behind it`,
      });
      return; // once per section: one SET at the top covers the rest
    }
  },
};
