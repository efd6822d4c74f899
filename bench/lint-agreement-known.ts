/**
 * The known differences between our lint rules and squawk's (squawk-cli 2.66), for bench/lint-agreement.ts.
 *
 * Each entry names the rules and the side that reports a statement the other does not, says why in one line,
 * and recognises the case from the parse tree (never from the SQL text) and from what ours reports on the same
 * statement. `intended`: a deliberate difference (ours knows more about the statement, or squawk misreads it).
 * `gap`: squawk is right and ours does not report it yet: listed in the report so it is not forgotten, but
 * not counted as a regression. A disagreement no entry matches is "unexplained" and fails the comparison.
 *
 * The checks are deliberately coarse and independent of our rules' code: an entry must not explain away a
 * regression by asking the rule that regressed.
 */
import { alterCommands, columnConstraints, relName, stringList, typeInfo, type TypeInfo } from '../src/sql/ast';
import type { AstNode, ParsedStatement } from '../src/sql/parse';
import type { CorpusFile } from './lint-agreement';

export interface DisagreementContext {
  rule: string;
  /** Which linter reported the statement (the other did not). */
  side: 'ours' | 'squawk';
  file: CorpusFile;
  /** The reported statement (null when the finding is not on a statement). */
  statement: ParsedStatement | null;
  /** The statements of the same section before it. */
  before: ParsedStatement[];
  /** Our rule ids reported on the same statement. */
  oursAt: Set<string>;
}

interface Known {
  kind: 'intended' | 'gap';
  side: 'ours' | 'squawk';
  /** Rule ids, or '*' for any shared rule. */
  rules: string[] | '*';
  reason: string;
  match(ctx: DisagreementContext, stmt: ParsedStatement): boolean;
}

const SERIALS = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);
/**
 * Functions known not to be volatile (immutable or stable): a DEFAULT calling only these is computed once. Any other
 * call (random(), gen_random_uuid(), a user's function) may be volatile, and then every existing row gets its own value.
 */
const NOT_VOLATILE = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'lower', 'upper', 'coalesce', 'nullif', 'greatest', 'least', 'current_setting', 'concat', 'trim', 'btrim', 'length', 'char_length', 'substr', 'substring', 'md5', 'to_char', 'date_trunc', 'jsonb_build_object', 'json_build_object']);

// ---------- small parse-tree helpers -----------------------------------------------------------------------------

function walk(v: unknown, fn: (key: string, node: AstNode) => void): void {
  if (Array.isArray(v)) { for (const x of v) walk(x, fn); return; }
  if (!v || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v as AstNode)) {
    if (x && typeof x === 'object' && !Array.isArray(x) && /^[A-Z]/.test(k)) fn(k, x as AstNode);
    walk(x, fn);
  }
}

function nodesOf(root: unknown, type: string): AstNode[] {
  const out: AstNode[] = [];
  walk(root, (k, n) => { if (k === type) out.push(n); });
  return out;
}

function columnDefs(stmt: ParsedStatement): AstNode[] {
  return nodesOf(stmt.node, 'ColumnDef');
}

const typeName = (col: AstNode): string => typeInfo(col['typeName'])?.name ?? '';

/** Tables, views and indexes created, and columns added ("table.column"), by these statements. */
function createdBy(statements: ParsedStatement[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    const n = s.node;
    if (!n) continue;
    if (s.kind === 'CreateStmt') {
      out.add(relName(n['relation']));
      for (const c of columnDefs(s)) out.add(`${relName(n['relation'])}.${String(c['colname'])}`);
    } else if (s.kind === 'CreateTableAsStmt') out.add(relName(n['into']?.rel));
    else if (s.kind === 'ViewStmt') out.add(relName(n['view']));
    else if (s.kind === 'IndexStmt' && n['idxname']) out.add(String(n['idxname']));
    else if (s.kind === 'AlterTableStmt') {
      for (const cmd of alterCommands(n)) {
        if (cmd['subtype'] === 'AT_AddColumn') out.add(`${relName(n['relation'])}.${String(cmd['def']?.ColumnDef?.colname)}`);
      }
    }
  }
  return out;
}

/** True when everything the statement changes was created earlier in the same section (so it is new and empty). */
function targetsNewObjects(stmt: ParsedStatement, before: ParsedStatement[]): boolean {
  const made = createdBy(before);
  const n = stmt.node;
  if (!n) return false;
  const table = (rv: AstNode | undefined) => made.has(relName(rv));
  switch (stmt.kind) {
    case 'AlterTableStmt': {
      if (table(n['relation'])) return true;
      // A column added earlier is empty only as long as nothing filled it (an UPDATE of the table backfills it).
      const backfilled = before.some((s) => s.kind === 'UpdateStmt' && relName(s.node?.['relation']) === relName(n['relation']));
      const cmds = alterCommands(n);
      return !backfilled && cmds.length > 0 && cmds.every((c) => c['name'] && made.has(`${relName(n['relation'])}.${String(c['name'])}`));
    }
    case 'IndexStmt': case 'CreateTrigStmt': case 'RefreshMatViewStmt': return table(n['relation']);
    case 'RenameStmt': return table(n['relation']) || made.has(`${relName(n['relation'])}.${String(n['subname'])}`);
    case 'DropStmt': {
      const names = ((n['objects'] as AstNode[] | undefined) ?? []).map((o) => stringList(o['List']?.items).pop() ?? '');
      return names.length > 0 && names.every((x) => made.has(x));
    }
    case 'TruncateStmt': return ((n['relations'] as AstNode[] | undefined) ?? []).every((r) => table(r['RangeVar']));
    default: return false;
  }
}

function transactionKind(s: ParsedStatement): string | null {
  return s.kind === 'TransactionStmt' ? String(s.node?.['kind'] ?? '') : null;
}

/** Inside an explicit BEGIN ... COMMIT block written in the file. */
function insideExplicitBlock(before: ParsedStatement[]): boolean {
  let open = false;
  for (const s of before) {
    const k = transactionKind(s);
    if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') open = true;
    else if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_PREPARE') open = Boolean(s.node?.['chain']);
  }
  return open;
}

function concurrent(stmt: ParsedStatement): boolean {
  const n = stmt.node;
  if (!n) return false;
  if (stmt.kind === 'IndexStmt' || stmt.kind === 'DropStmt' || stmt.kind === 'RefreshMatViewStmt') return Boolean(n['concurrent']);
  if (stmt.kind === 'ReindexStmt') return ((n['params'] as AstNode[] | undefined) ?? []).some((p) => p['DefElem']?.defname === 'concurrently');
  return false;
}

function referencesOldTable(stmt: ParsedStatement, before: ParsedStatement[]): boolean {
  const made = createdBy(before);
  // A table that references itself (a tree) locks nothing else.
  made.add(relName(stmt.node?.['relation']));
  return nodesOf(stmt.node, 'Constraint').some((c) => c['contype'] === 'CONSTR_FOREIGN' && !made.has(relName(c['pktable'])));
}

/** Statements that may run long on an existing table: a rewrite, a validating scan, an index build. */
function mayRunLong(stmt: ParsedStatement, before: ParsedStatement[]): boolean {
  const n = stmt.node;
  if (!n || targetsNewObjects(stmt, before)) return false;
  switch (stmt.kind) {
    case 'IndexStmt': return !n['concurrent'];
    case 'ClusterStmt': case 'RefreshMatViewStmt': return !n['concurrent'];
    case 'AlterTableStmt':
      return alterCommands(n).some((c) => {
        const sub = String(c['subtype']);
        if (sub === 'AT_AlterColumnType' || sub === 'AT_SetNotNull' || sub === 'AT_SetLogged' || sub === 'AT_SetUnLogged' || sub === 'AT_SetTableSpace') return true;
        const con = c['def']?.Constraint as AstNode | undefined;
        // USING INDEX adopts an index already built: nothing to scan.
        if (sub === 'AT_AddConstraint') return !con?.['skip_validation'] && !con?.['indexname'] && ['CONSTR_CHECK', 'CONSTR_FOREIGN', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(String(con?.['contype']));
        if (sub === 'AT_AddColumn') {
          // A volatile default rewrites; a key, check, index or NOT NULL without a default checks the rows.
          const col = c['def']?.ColumnDef as AstNode | undefined;
          const cons = col ? columnConstraints(col) : [];
          const hasDefault = cons.some((k) => k['contype'] === 'CONSTR_DEFAULT');
          return hasVolatileDefault(col) || cons.some((k) => ['CONSTR_FOREIGN', 'CONSTR_CHECK', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(String(k['contype'])) || (k['contype'] === 'CONSTR_NOTNULL' && !hasDefault));
        }
        return false;
      });
    default: return false;
  }
}

/** Statements that wait for a lock on an existing table that holds up its reads or writes. */
/** ALTER TABLE subcommands that take SHARE UPDATE EXCLUSIVE (reads and writes go on), per PostgreSQL's ALTER TABLE page. */
const SHARE_UPDATE_EXCLUSIVE = new Set(['AT_ValidateConstraint', 'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_ClusterOn', 'AT_DropCluster']);
/** Storage parameters whose change takes SHARE UPDATE EXCLUSIVE (fillfactor, autovacuum and toast autovacuum settings, parallel_workers). */
const SHARE_UPDATE_OPTIONS = /^(fillfactor|parallel_workers|(toast\.)?autovacuum_\w+|toast_tuple_target|vacuum_truncate|(toast\.)?vacuum_index_cleanup|log_autovacuum_min_duration|user_catalog_table)$/;

/** Option names of a list of DefElem nodes (storage parameters). */
function stringListOfDefs(list: unknown): string[] {
  const items = Array.isArray(list) ? list : ((list as AstNode | undefined)?.['List']?.items ?? []);
  return (items as AstNode[]).map((d) => {
    const e = d?.['DefElem'] as AstNode | undefined;
    return e ? (e['defnamespace'] ? `${e['defnamespace']}.${e['defname']}` : String(e['defname'])) : '';
  });
}

function locksOldTable(stmt: ParsedStatement, before: ParsedStatement[]): boolean {
  const n = stmt.node;
  if (!n || concurrent(stmt) || targetsNewObjects(stmt, before)) return false;
  if (stmt.kind === 'AlterTableStmt') {
    const made = createdBy(before);
    return alterCommands(n).some((c) => {
      const sub = String(c['subtype']);
      if (SHARE_UPDATE_EXCLUSIVE.has(sub)) return false;
      if (sub === 'AT_SetRelOptions') return !stringListOfDefs(c['def']).every((o) => SHARE_UPDATE_OPTIONS.test(o));
      // ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the table attached.
      if (sub === 'AT_AttachPartition') return !made.has(relName(c['def']?.PartitionCmd?.name));
      return !(sub === 'AT_DetachPartition' && c['def']?.PartitionCmd?.concurrent);
    });
  }
  if (stmt.kind === 'DropStmt') return ['OBJECT_TABLE', 'OBJECT_INDEX'].includes(String(n['removeType']));
  return ['IndexStmt', 'RenameStmt', 'CreateTrigStmt', 'TruncateStmt', 'ClusterStmt'].includes(String(stmt.kind));
}

function hasVolatileDefault(col: AstNode | undefined): boolean {
  if (!col) return false;
  if (SERIALS.has(typeName(col))) return true;
  return columnConstraints(col).some((c) => {
    if (c['contype'] === 'CONSTR_IDENTITY' || c['contype'] === 'CONSTR_GENERATED') return true;
    return c['contype'] === 'CONSTR_DEFAULT' && nodesOf(c['raw_expr'], 'FuncCall').some((f) => !NOT_VOLATILE.has(stringList(f['funcname']).pop() ?? ''));
  });
}

/** The column's type before the statement: set earlier in the section, else restored by the down section; null when unknown. */
function typeBefore(c: DisagreementContext, table: string, column: string): TypeInfo | null {
  const typed = (statements: ParsedStatement[]): TypeInfo | null => {
    let found: TypeInfo | null = null;
    for (const s of statements) {
      const n = s.node;
      if (s.kind === 'CreateStmt' && relName(n?.['relation']) === table) {
        for (const col of columnDefs(s)) if (col['colname'] === column) found = typeInfo(col['typeName']);
      } else if (s.kind === 'AlterTableStmt' && relName(n?.['relation']) === table) {
        for (const cmd of alterCommands(n!)) {
          const col = cmd['def']?.ColumnDef as AstNode | undefined;
          if (cmd['subtype'] === 'AT_AddColumn' && col?.['colname'] === column) found = typeInfo(col['typeName']);
          if (cmd['subtype'] === 'AT_AlterColumnType' && cmd['name'] === column) found = typeInfo(col?.['typeName']);
        }
      }
    }
    return found;
  };
  return typed(c.before) ?? typed(c.file.downStatements);
}

/** A type change PostgreSQL makes in the catalog only (no rewrite): widening varchar/numeric/timestamp precision, to text, cidr to inet, timestamp to timestamptz in UTC. */
function keepsBytes(c: DisagreementContext, old: TypeInfo, next: TypeInfo): boolean {
  const widens = (): boolean => next.mods.length === 0 || (old.mods.length > 0 && next.mods[0]! >= old.mods[0]! && (next.mods[1] ?? 0) === (old.mods[1] ?? 0));
  if (['varchar', 'text'].includes(old.name) && (next.name === 'text' || (next.name === 'varchar' && next.mods.length === 0))) return true;
  if (old.name === next.name && ['varchar', 'numeric', 'timestamp', 'timestamptz', 'time', 'interval'].includes(old.name)) return widens();
  if (old.name === 'cidr' && next.name === 'inet') return true;
  const utc = c.before.some((s) => s.kind === 'VariableSetStmt' && String(s.node?.['name']).toLowerCase() === 'timezone'
    && nodesOf(s.node?.['args'], 'A_Const').some((k) => String(k['sval']?.sval ?? '').toUpperCase() === 'UTC'));
  return old.name === 'timestamp' && next.name === 'timestamptz' && utc;
}

function typeChangesKeepBytes(c: DisagreementContext, s: ParsedStatement): boolean {
  const table = relName(s.node?.['relation']);
  return alterCommands(s.node ?? {}).every((cmd) => {
    if (cmd['subtype'] !== 'AT_AlterColumnType') return true;
    const def = cmd['def']?.ColumnDef as AstNode | undefined;
    const next = typeInfo(def?.['typeName']);
    const old = typeBefore(c, table, String(cmd['name']));
    return Boolean(old && next && !def?.['raw_default'] && keepsBytes(c, old, next));
  });
}

/** Whether a CHECK expression contains `column IS NOT NULL`. */
function provesNotNull(expr: unknown, column: string): boolean {
  return nodesOf(expr, 'NullTest').some((t) => t['nulltesttype'] === 'IS_NOT_NULL' && stringList(t['arg']?.ColumnRef?.fields).pop() === column);
}

/** SET name = 0 (or '0'), which turns the timeout off, before the statement. */
function setToZero(before: ParsedStatement[], name: string): boolean {
  return before.some((s) => s.kind === 'VariableSetStmt' && s.node?.['name'] === name
    && nodesOf(s.node?.['args'], 'A_Const').some((c) => c['ival'] !== undefined ? Number(c['ival'].ival ?? 0) === 0 : c['sval']?.sval === '0'));
}

/** The section's statements before the first SET of the setting (what a SET at that point does not cover). */
function beforeSetting(ctx: DisagreementContext, name: string): ParsedStatement[] {
  const all = ctx.file.statements;
  const i = all.findIndex((s) => s.kind === 'VariableSetStmt' && s.node?.['name'] === name);
  return i < 0 ? all : all.slice(0, i);
}

/** Whether the section suppresses the rule with ours' comment on the line above the statement or for the whole file. */
function suppressed(ctx: DisagreementContext, stmt: ParsedStatement): boolean {
  const prev = ctx.before[ctx.before.length - 1];
  const gap = ctx.file.sectionText.slice(prev ? prev.end : 0, stmt.start);
  const mentions = (text: string, marker: string) => text.split('\n').some((l) => l.includes(marker) && l.includes(ctx.rule));
  // A per-column ignore sits inside the statement, above (or beside) its column.
  return mentions(gap, 'lint-ignore') || mentions(stmt.text, 'lint-ignore') || mentions(ctx.file.text, 'lint-ignore-file');
}

// ---------- the table ------------------------------------------------------------------------------------------------

const NEW_TABLE_RULES = [
  'adding-field-with-default', 'adding-foreign-key-constraint', 'adding-not-nullable-field', 'adding-required-field', 'adding-serial-primary-key-field',
  'ban-drop-column', 'ban-drop-not-null', 'ban-drop-table', 'changing-column-type', 'constraint-missing-not-valid', 'disallowed-unique-constraint',
  'renaming-column', 'renaming-table', 'require-concurrent-index-creation', 'require-concurrent-index-deletion',
];

/** The statements before the first SET lock_timeout, each with the statements before it. */
function lockTimeoutScope(c: DisagreementContext): [ParsedStatement, ParsedStatement[]][] {
  return beforeSetting(c, 'lock_timeout').map((x) => [x, c.file.statements.slice(0, x.index)]);
}

export const KNOWN: Known[] = [
  { kind: 'intended', side: 'squawk', rules: '*', reason: 'suppressed in ours by a -- lint-ignore comment (squawk has its own comment syntax)', match: suppressed },
  { kind: 'intended', side: 'squawk', rules: NEW_TABLE_RULES, reason: 'the table, column or index was created earlier in the same migration: it is empty and no other session uses it yet, so ours does not report it',
    match: (c, s) => targetsNewObjects(s, c.before) },
  { kind: 'intended', side: 'squawk', rules: ['require-concurrent-index-creation'], reason: 'CREATE INDEX ON ONLY a partitioned table makes an invalid parent index at once (nothing is built) and cannot be CONCURRENTLY',
    match: (_c, s) => s.kind === 'IndexStmt' && s.node?.['relation']?.inh !== true },
  { kind: 'intended', side: 'ours', rules: '*', reason: 'squawk reports only the syntax error of a file that has one; ours lints every statement that parses',
    match: (c) => c.file.statements.some((s) => s.error !== null) },
  { kind: 'intended', side: 'ours', rules: '*', reason: 'ours parses PL/pgSQL bodies (DO blocks, functions); squawk does not look inside them',
    match: (_c, s) => s.kind === 'DoStmt' || s.kind === 'CreateFunctionStmt' },
  { kind: 'intended', side: 'squawk', rules: ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'], reason: 'serial and smallserial columns are reported once, by prefer-identity (which also says bigint)',
    match: (c, s) => c.oursAt.has('prefer-identity') && columnDefs(s).some((col) => SERIALS.has(typeName(col)))
      && !columnDefs(s).some((col) => (c.rule === 'prefer-bigint-over-int' ? ['int4', 'int'] : ['int2']).includes(typeName(col))) },
  { kind: 'intended', side: 'squawk', rules: ['ban-char-field'], reason: '"char" (quoted) is the one-byte internal type, not char(n)',
    match: (_c, s) => columnDefs(s).some((col) => stringList(col['typeName']?.names).join('.') === 'char') },
  { kind: 'intended', side: 'squawk', rules: ['changing-column-type'], reason: 'a change PostgreSQL makes without a table rewrite (varchar to text or a longer varchar, a wider numeric, cidr to inet, timestamp to timestamptz in UTC), the old type known from earlier in the file or from the down section',
    match: typeChangesKeepBytes },
  { kind: 'intended', side: 'squawk', rules: ['adding-field-with-default'], reason: 'the default is not volatile (constants, operators, CURRENT_DATE, and functions known to be stable: now(), lower(), current_setting(), ...): PostgreSQL 11+ stores it without a rewrite',
    match: (_c, s) => alterCommands(s.node ?? {}).every((cmd) => cmd['subtype'] !== 'AT_AddColumn' || !hasVolatileDefault(cmd['def']?.ColumnDef)) },
  { kind: 'intended', side: 'squawk', rules: ['constraint-missing-not-valid'], reason: 'PRIMARY KEY and UNIQUE constraints cannot be NOT VALID; ours reports them under adding-serial-primary-key-field / disallowed-unique-constraint',
    match: (c, s) => (c.oursAt.has('disallowed-unique-constraint') || c.oursAt.has('adding-serial-primary-key-field'))
      && alterCommands(s.node ?? {}).every((cmd) => cmd['subtype'] !== 'AT_AddConstraint' || ['CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(String(cmd['def']?.Constraint?.contype))) },
  { kind: 'intended', side: 'squawk', rules: ['prefer-robust-stmts'], reason: 'the statement runs in a transaction (the migration\'s, or an explicit BEGIN block): a failure leaves nothing behind',
    match: (c) => c.file.transactional || insideExplicitBlock(c.before) },
  { kind: 'intended', side: 'squawk', rules: ['prefer-robust-stmts'], reason: 'the last statement that can fail: when it fails nothing of it is left, and a re-run repeats it',
    match: (c, s) => c.file.statements.slice(s.index + 1).every((x) => ['VariableSetStmt', 'TransactionStmt'].includes(String(x.kind))) },
  { kind: 'intended', side: 'squawk', rules: ['prefer-robust-stmts'], reason: 'a temporary table goes with the session, so a re-run creates it afresh',
    match: (_c, s) => s.kind === 'CreateStmt' && s.node?.['relation']?.relpersistence === 't' },
  { kind: 'intended', side: 'ours', rules: ['prefer-robust-stmts'], reason: 'ours also asks it of CREATE SEQUENCE, and of an unnamed index (no IF NOT EXISTS possible: a re-run adds a copy)',
    match: (_c, s) => s.kind === 'CreateSeqStmt' || (s.kind === 'IndexStmt' && !s.node?.['idxname']) },
  { kind: 'intended', side: 'ours', rules: ['prefer-robust-stmts'], reason: 'squawk stops checking a file for robustness after its first BEGIN ... COMMIT block; ours checks every statement outside the blocks',
    match: (c) => !c.file.transactional && c.before.some((x) => transactionKind(x) === 'TRANS_STMT_BEGIN' || transactionKind(x) === 'TRANS_STMT_START') },
  { kind: 'intended', side: 'squawk', rules: ['transaction-nesting'], reason: 'squawk takes ROLLBACK TO SAVEPOINT for a ROLLBACK and does not know that COMMIT AND CHAIN opens a new transaction',
    match: (c) => !c.file.transactional && c.before.some((x) => transactionKind(x) === 'TRANS_STMT_ROLLBACK_TO' || Boolean(x.node?.['chain'])) },
  { kind: 'intended', side: 'ours', rules: ['ban-concurrent-index-creation-in-transaction'], reason: 'ours covers DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY in a transaction block too',
    match: (_c, s) => (s.kind === 'DropStmt' || s.kind === 'ReindexStmt') && concurrent(s) },
  { kind: 'intended', side: 'squawk', rules: ['ban-concurrent-index-creation-in-transaction'], reason: 'in a migration that runs in a transaction ours reports it under non-transactional-statement',
    match: (c) => c.file.transactional && c.oursAt.has('non-transactional-statement') },
  { kind: 'intended', side: 'squawk', rules: ['adding-not-nullable-field'], reason: 'a validated CHECK (... IS NOT NULL ...) added earlier lets PostgreSQL 12+ skip the scan',
    match: (c, s) => c.before.some((x) => x.kind === 'AlterTableStmt' && relName(x.node?.['relation']) === relName(s.node?.['relation'])
      && alterCommands(x.node!).some((cmd) => cmd['def']?.Constraint?.contype === 'CONSTR_CHECK' && !cmd['def'].Constraint.skip_validation
        && alterCommands(s.node ?? {}).every((set) => set['subtype'] !== 'AT_SetNotNull' || provesNotNull(cmd['def'].Constraint.raw_expr, String(set['name']))))) },
  { kind: 'intended', side: 'ours', rules: ['adding-not-nullable-field'], reason: 'squawk takes any earlier VALIDATE CONSTRAINT on the table as proof that the column has no NULLs',
    match: (c, s) => c.before.some((x) => x.kind === 'AlterTableStmt' && relName(x.node?.['relation']) === relName(s.node?.['relation'])
      && alterCommands(x.node!).some((cmd) => cmd['subtype'] === 'AT_ValidateConstraint')) },
  { kind: 'intended', side: 'ours', rules: ['adding-required-field'], reason: 'DEFAULT NULL is no default, and a PRIMARY KEY column is NOT NULL: squawk misses both',
    match: (_c, s) => columnDefs(s).some((col) => columnConstraints(col).some((k) => k['contype'] === 'CONSTR_PRIMARY' || (k['contype'] === 'CONSTR_DEFAULT' && k['raw_expr']?.A_Const?.isnull))) },
  { kind: 'intended', side: 'squawk', rules: ['adding-required-field'], reason: 'a serial column has a default (nextval), so it is not required; ours reports the rewrite under adding-serial-primary-key-field',
    match: (c, s) => c.oursAt.has('adding-serial-primary-key-field') && columnDefs(s).some((col) => SERIALS.has(typeName(col))) },
  { kind: 'intended', side: 'ours', rules: ['adding-serial-primary-key-field'], reason: 'ours reports any serial column added to an existing table (filling it rewrites the table); squawk only a serial PRIMARY KEY',
    match: (_c, s) => s.kind === 'AlterTableStmt' && columnDefs(s).some((col) => SERIALS.has(typeName(col))) },
  { kind: 'intended', side: 'ours', rules: ['adding-field-with-default'], reason: 'a serial column added to an existing table fills every row from its sequence (a volatile default): PostgreSQL rewrites the table; squawk looks only at DEFAULT clauses',
    match: (_c, s) => s.kind === 'AlterTableStmt' && columnDefs(s).some((col) => SERIALS.has(typeName(col))) },
  { kind: 'intended', side: 'squawk', rules: ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'], reason: 'a CHECK on the column bounds its values (a rating 1..5, a percentage): the range cannot run out',
    match: (_c, s) => columnDefs(s).some((col) => ['int4', 'int', 'int2'].includes(typeName(col)) && columnConstraints(col).some((k) => k['contype'] === 'CONSTR_CHECK')) },
  { kind: 'intended', side: 'ours', rules: ['identifier-too-long'], reason: 'enum labels are cut at 63 bytes too; squawk checks names only',
    match: (_c, s) => s.kind === 'CreateEnumStmt' || s.kind === 'AlterEnumStmt' },
  { kind: 'intended', side: 'ours', rules: ['require-lock-timeout'], reason: 'SET lock_timeout = 0 turns the timeout off; squawk counts any SET',
    match: (c) => setToZero(c.file.statements, 'lock_timeout') },
  { kind: 'intended', side: 'ours', rules: ['require-statement-timeout'], reason: 'SET statement_timeout = 0 turns the timeout off; squawk counts any SET',
    match: (c) => setToZero(c.file.statements, 'statement_timeout') },
  { kind: 'intended', side: 'squawk', rules: ['require-lock-timeout'], reason: 'no statement before a SET lock_timeout waits for a lock on an existing table that holds up its reads or writes (new objects, CONCURRENTLY, VALIDATE)',
    match: (c) => lockTimeoutScope(c).every(([x, b]) => !locksOldTable(x, b) && !(x.kind === 'CreateStmt' && referencesOldTable(x, b))) },
  { kind: 'intended', side: 'squawk', rules: ['require-statement-timeout'], reason: 'squawk asks for statement_timeout before any schema change; ours only before one that can run long on an existing table (rewrite, validating scan, index build)',
    match: (c) => beforeSetting(c, 'statement_timeout').every((x) => !mayRunLong(x, c.file.statements.slice(0, x.index))) },
];

/** The reason a disagreement is known (with its kind), or null when no entry explains it. */
export function explain(ctx: DisagreementContext): { kind: 'intended' | 'gap'; reason: string } | null {
  const stmt = ctx.statement;
  if (!stmt) return null;
  for (const k of KNOWN) {
    if (k.side !== ctx.side || (k.rules !== '*' && !k.rules.includes(ctx.rule))) continue;
    if (k.match(ctx, stmt)) return { kind: k.kind, reason: k.reason };
  }
  return null;
}
