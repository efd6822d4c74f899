/**
 * Which relations a statement locks in a mode that holds up other sessions' queries (SHARE or stronger: every write
 * waits, and for ACCESS EXCLUSIVE every read too), from the parse tree alone. Checked statement kind by statement
 * kind against the locks PostgreSQL really takes (test/integration/lock-oracle.test.ts reads them with the dry run's
 * lock report); the cases where it knowingly differs are listed there with the reason.
 */
import { alterCommands, rangeVarName, stringList } from '../../../sql/ast';
import type { AstNode, ParsedStatement } from '../../../sql/parse';
import type { NewTables } from './new-tables';

export type Lock = 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'EXCLUSIVE' | 'ACCESS EXCLUSIVE';
/** A foreign key's referenced table, a partition being attached or detached, the parent of a new partition. */
export type LockRole = 'referenced' | 'attached' | 'detached' | 'parent';

export interface RelationLock {
  /** The relation as written: 'missions' or 'public.missions'. */
  name: string;
  /** What the name is. For an index, and for a table's indexes (REINDEX TABLE), the lock also holds up the table's queries. */
  kind: 'table' | 'view' | 'materialized view' | 'sequence' | 'index' | 'indexes of table';
  lock: Lock;
  /** The node to point at (a RangeVar), or null for the statement start. */
  at: AstNode | null;
  /** Why this relation is locked when it is not the one the statement is about. */
  role?: LockRole;
}

const LOCK_RANK: Record<Lock, number> = { SHARE: 1, 'SHARE ROW EXCLUSIVE': 2, EXCLUSIVE: 3, 'ACCESS EXCLUSIVE': 4 };
const LOCK_MODES: Record<number, Lock> = { 5: 'SHARE', 6: 'SHARE ROW EXCLUSIVE', 7: 'EXCLUSIVE', 8: 'ACCESS EXCLUSIVE' };

/**
 * ALTER TABLE sub-commands that take SHARE UPDATE EXCLUSIVE (or less) on the table: waiting for it holds up no reads or
 * writes. Table storage options (SET (fillfactor = 70), autovacuum settings) are among them, see relOptionsLock.
 */
const WEAK_ALTERS = new Set(['AT_ValidateConstraint', 'AT_SetStatistics', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetOptions', 'AT_ResetOptions']);

type Add = (rv: AstNode | undefined | null, kind: RelationLock['kind'], lock: Lock, role?: LockRole) => void;

/** SET (...) / RESET (...) on a table: user_catalog_table is the only table option that takes ACCESS EXCLUSIVE; every view option does. */
function relOptionsLock(cmd: AstNode, objtype: string): Lock | null {
  if (objtype === 'OBJECT_VIEW') return 'ACCESS EXCLUSIVE';
  const names = ((cmd['def']?.List?.items as AstNode[] | undefined) ?? []).map((d) => String(d['DefElem']?.defname ?? ''));
  return names.includes('user_catalog_table') ? 'ACCESS EXCLUSIVE' : null;
}

/** Foreign keys of a column definition or constraint lock the table they reference (SHARE ROW EXCLUSIVE: its writes wait). */
function foreignKeyTargets(nodes: AstNode[]): AstNode[] {
  return nodes.filter((c) => c?.['contype'] === 'CONSTR_FOREIGN' && c['pktable']).map((c) => c['pktable'] as AstNode);
}

function columnForeignKeys(col: AstNode | undefined): AstNode[] {
  return foreignKeyTargets(((col?.['constraints'] as AstNode[] | undefined) ?? []).map((c) => c['Constraint'] as AstNode));
}

function alterTableLocks(node: AstNode, add: Add): void {
  const rel = node['relation'] as AstNode;
  const objtype = String(node['objtype'] ?? '');
  const kind = objtype === 'OBJECT_VIEW' ? 'view' : objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
  const own = (lock: Lock) => add(rel, kind, lock);
  for (const cmd of alterCommands(node)) {
    const sub = String(cmd['subtype'] ?? '');
    if (WEAK_ALTERS.has(sub)) continue;
    if (sub === 'AT_SetRelOptions' || sub === 'AT_ResetRelOptions') {
      const lock = relOptionsLock(cmd, objtype);
      if (lock) own(lock);
      continue;
    }
    if (sub === 'AT_AttachPartition') {
      // The parent only takes SHARE UPDATE EXCLUSIVE; the table being attached is locked fully (and scanned).
      add(cmd['def']?.PartitionCmd?.name, 'table', 'ACCESS EXCLUSIVE', 'attached');
      continue;
    }
    if (sub === 'AT_DetachPartition') {
      if (cmd['def']?.PartitionCmd?.concurrent) continue;
      own('ACCESS EXCLUSIVE');
      add(cmd['def']?.PartitionCmd?.name, 'table', 'ACCESS EXCLUSIVE', 'detached');
      continue;
    }
    const con = cmd['def']?.Constraint as AstNode | undefined;
    if (sub === 'AT_AddConstraint' && con?.['contype'] === 'CONSTR_FOREIGN') {
      own('SHARE ROW EXCLUSIVE');
      for (const t of foreignKeyTargets([con])) add(t, 'table', 'SHARE ROW EXCLUSIVE', 'referenced');
      continue;
    }
    if (/^AT_(Enable|Disable)(Always|Replica)?Trig/.test(sub)) { own('SHARE ROW EXCLUSIVE'); continue; }
    if (sub === 'AT_AddColumn') {
      for (const t of columnForeignKeys(cmd['def']?.ColumnDef)) add(t, 'table', 'SHARE ROW EXCLUSIVE', 'referenced');
    }
    own('ACCESS EXCLUSIVE');
  }
}

function createTableLocks(node: AstNode, add: Add): void {
  const self = node['relation'] as AstNode | undefined;
  const constraints: AstNode[] = [];
  for (const e of (node['tableElts'] as AstNode[] | undefined) ?? []) {
    if (e['ColumnDef']) constraints.push(...columnForeignKeys(e['ColumnDef']));
    else if (e['Constraint']) constraints.push(...foreignKeyTargets([e['Constraint']]));
  }
  for (const t of constraints) {
    // A table referencing itself is new: nobody waits for it.
    if (self && t['relname'] === self['relname'] && (!t['schemaname'] || !self['schemaname'] || t['schemaname'] === self['schemaname'])) continue;
    add(t, 'table', 'SHARE ROW EXCLUSIVE', 'referenced');
  }
  // CREATE TABLE ... PARTITION OF locks the parent fully; INHERITS only takes SHARE UPDATE EXCLUSIVE.
  if (node['partbound']) {
    for (const p of (node['inhRelations'] as AstNode[] | undefined) ?? []) add(p['RangeVar'], 'table', 'ACCESS EXCLUSIVE', 'parent');
  }
}

/** Names (last part of the dotted name) of relations of one kind created by statements before `index`. */
function createdBefore(statements: ParsedStatement[], index: number, kind: string, name: (n: AstNode) => unknown): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    if (s.index >= index) break;
    if (s.kind === kind && s.node && name(s.node)) out.add(String(name(s.node)));
  }
  return out;
}

const RENAMED: Record<string, RelationLock['kind']> = {
  OBJECT_TABLE: 'table', OBJECT_COLUMN: 'table', OBJECT_TABCONSTRAINT: 'table', OBJECT_TRIGGER: 'table', OBJECT_POLICY: 'table',
  OBJECT_RULE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_SEQUENCE: 'sequence',
};
const DROPPED: Record<string, RelationLock['kind']> = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_SEQUENCE: 'sequence' };
/** DROP TRIGGER / POLICY / RULE name ON table: the table is locked fully. */
const DROPPED_ON_TABLE = new Set(['OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

function dropLocks(node: AstNode, add: Add, statements: ParsedStatement[], index: number): void {
  const type = String(node['removeType'] ?? '');
  const objects = ((node['objects'] as AstNode[] | undefined) ?? []).map((o) => stringList(o['List']?.items));
  const asRv = (parts: string[]) => ({ relname: parts[parts.length - 1], schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined });
  if (DROPPED[type]) {
    for (const p of objects) if (p.length > 0) add(asRv(p), DROPPED[type]!, 'ACCESS EXCLUSIVE');
  } else if (type === 'OBJECT_INDEX' && !node['concurrent']) {
    const made = createdBefore(statements, index, 'IndexStmt', (n) => n['idxname']);
    for (const p of objects) if (p.length > 0 && !made.has(p[p.length - 1]!)) add(asRv(p), 'index', 'ACCESS EXCLUSIVE');
  } else if (DROPPED_ON_TABLE.has(type)) {
    for (const p of objects) if (p.length >= 2) add(asRv(p.slice(0, -1)), 'table', 'ACCESS EXCLUSIVE');
  }
}

function rangeVars(list: AstNode[] | undefined): AstNode[] {
  return (list ?? []).map((r) => r['RangeVar'] as AstNode).filter(Boolean);
}

/** One statement's strong locks on relations; `add` drops the ones on relations created earlier in the section. */
function collect(stmt: ParsedStatement, statements: ParsedStatement[], add: Add): void {
  const node = stmt.node!;
  const i = stmt.index;
  switch (stmt.kind) {
    case 'CreateStmt': return createTableLocks(node, add);
    case 'AlterTableStmt':
      if (['OBJECT_TABLE', 'OBJECT_MATVIEW', 'OBJECT_VIEW'].includes(String(node['objtype']))) alterTableLocks(node, add);
      return;
    case 'AlterObjectSchemaStmt': {
      const kind = RENAMED[String(node['objectType'] ?? '')];
      if (kind && node['relation']) add(node['relation'], kind, 'ACCESS EXCLUSIVE');
      return;
    }
    case 'IndexStmt':
      if (!node['concurrent']) add(node['relation'], 'table', 'SHARE');
      return;
    case 'CreateTrigStmt': return add(node['relation'], 'table', 'SHARE ROW EXCLUSIVE');
    case 'RuleStmt': return add(node['relation'], 'table', 'ACCESS EXCLUSIVE');
    case 'CreatePolicyStmt': case 'AlterPolicyStmt': return add(node['table'], 'table', 'ACCESS EXCLUSIVE');
    case 'ViewStmt':
      // OR REPLACE of an existing view locks it; the linter cannot tell whether it exists, so it assumes it does.
      if (node['replace']) add(node['view'], 'view', 'ACCESS EXCLUSIVE');
      return;
    case 'RenameStmt': {
      const kind = RENAMED[String(node['renameType'] ?? '')];
      if (kind && node['relation']) add(node['relation'], kind, 'ACCESS EXCLUSIVE');
      return;
    }
    case 'DropStmt': return dropLocks(node, add, statements, i);
    case 'TruncateStmt': for (const rv of rangeVars(node['relations'])) add(rv, 'table', 'ACCESS EXCLUSIVE'); return;
    case 'LockStmt': {
      const lock = LOCK_MODES[Number(node['mode'] ?? 0)];
      // NOWAIT fails at once instead of queueing, so nothing lines up behind it.
      if (lock && !node['nowait']) for (const rv of rangeVars(node['relations'])) add(rv, 'table', lock);
      return;
    }
    case 'ClusterStmt': return add(node['relation'], 'table', 'ACCESS EXCLUSIVE');
    case 'VacuumStmt': {
      const full = ((node['options'] as AstNode[] | undefined) ?? []).some((o) => o['DefElem']?.defname === 'full' && o['DefElem']?.arg?.A_Const?.boolval?.boolval !== false && o['DefElem']?.arg?.Boolean?.boolval !== false);
      if (full && node['is_vacuumcmd']) for (const r of (node['rels'] as AstNode[] | undefined) ?? []) add(r['VacuumRelation']?.relation, 'table', 'ACCESS EXCLUSIVE');
      return;
    }
    case 'ReindexStmt': return reindexLocks(node, add, statements, i);
    case 'RefreshMatViewStmt':
      // CONCURRENTLY takes EXCLUSIVE, which lets reads through; nothing writes to a materialized view.
      if (!node['concurrent']) add(node['relation'], 'materialized view', 'ACCESS EXCLUSIVE');
      return;
    case 'AlterSeqStmt': return add(node['sequence'], 'sequence', 'SHARE ROW EXCLUSIVE');
    default:
  }
}

function reindexLocks(node: AstNode, add: Add, statements: ParsedStatement[], index: number): void {
  const concurrently = ((node['params'] as AstNode[] | undefined) ?? []).some((p) => p['DefElem']?.defname === 'concurrently');
  const kind = String(node['kind'] ?? '');
  if (concurrently || !node['relation']) return;
  // The table gets SHARE, each index ACCESS EXCLUSIVE: queries that would use one wait.
  if (kind === 'REINDEX_OBJECT_TABLE') add(node['relation'], 'indexes of table', 'ACCESS EXCLUSIVE');
  if (kind === 'REINDEX_OBJECT_INDEX' && !createdBefore(statements, index, 'IndexStmt', (n) => n['idxname']).has(String(node['relation'].relname))) {
    add(node['relation'], 'index', 'ACCESS EXCLUSIVE');
  }
}

/**
 * The relations that existed before the section (not created by an earlier statement of it) which `stmt` locks in
 * SHARE mode or stronger, strongest first.
 */
export function statementLocks(stmt: ParsedStatement, statements: ParsedStatement[], tables: NewTables): RelationLock[] {
  if (!stmt.node) return [];
  const out: RelationLock[] = [];
  const add: Add = (rv, kind, lock, role) => {
    if (!rv?.['relname']) return;
    // Indexes are not tables: an index created earlier is handled where it is dropped or rebuilt.
    if (kind !== 'index' && tables.isNew(rv, stmt.index)) return;
    if (kind === 'view' || kind === 'sequence') {
      const made = kind === 'view' ? createdBefore(statements, stmt.index, 'ViewStmt', (n) => n['view']?.relname)
        : createdBefore(statements, stmt.index, 'CreateSeqStmt', (n) => n['sequence']?.relname);
      if (made.has(String(rv['relname']))) return;
    }
    const name = rangeVarName(rv);
    const prev = out.find((l) => l.name === name);
    if (prev) { if (LOCK_RANK[lock] > LOCK_RANK[prev.lock]) prev.lock = lock; return; }
    out.push({ name, kind, lock, at: typeof rv['location'] === 'number' ? rv : null, ...(role ? { role } : {}) });
  };
  collect(stmt, statements, add);
  return out.sort((a, b) => LOCK_RANK[b.lock] - LOCK_RANK[a.lock]);
}
