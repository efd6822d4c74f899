import type { Rule } from '../types';
import { newTables } from './shared/new-tables';
import { statementLocks, type LockRole, type RelationLock } from './shared/table-locks';
import { configSetsTimeout, configTimeoutNote, setTimeoutFix, settingInEffect, timeoutHelp } from './shared/timeout-settings';

const ROLE: Record<LockRole, [string, string]> = {
  referenced: ['referenced by the foreign key', 'referenced by the foreign keys'],
  attached: ['the table being attached', 'the tables being attached'],
  detached: ['the partition being detached', 'the partitions being detached'],
  parent: ['the partitioned table', 'the partitioned tables'],
};

/** 'a', 'a and b', 'a, b and c' */
function listed(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Each kind's words before the names, for one relation and for several. */
const KIND: Record<RelationLock['kind'], [string, string]> = {
  table: ['table', 'tables'], view: ['view', 'views'], 'materialized view': ['materialized view', 'materialized views'],
  sequence: ['sequence', 'sequences'], index: ['the table of index', 'the tables of indexes'], 'indexes of table': ['the indexes of table', 'the indexes of tables'],
};

/** How locked relations of one kind and role are named: 'tables "missions" and "crew" (referenced by the foreign keys)'. */
function describe(group: RelationLock[]): string {
  const { kind, role } = group[0]!;
  const many = group.length > 1 ? 1 : 0;
  const what = `${KIND[kind][many]} ${listed(group.map((l) => `"${l.name}"`))}`;
  return role ? `${what} (${ROLE[role][many]})` : what;
}

/** Groups of locks with the same mode, kind and role, in order of first appearance. */
function grouped(locks: RelationLock[]): RelationLock[][] {
  const groups = new Map<string, RelationLock[]>();
  for (const l of locks) {
    const key = `${l.lock}|${l.kind}|${l.role ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.values()];
}

function lockMessage(locks: RelationLock[], note: string): string {
  const waits = grouped(locks).map((g) => `${/^[AE]/.test(g[0]!.lock) ? 'an' : 'a'} ${g[0]!.lock} lock on ${describe(g)}`);
  // What queues behind a lock request: reads and writes for ACCESS EXCLUSIVE, writes for the others.
  const on = (l: RelationLock) => (l.kind === 'index' ? `the table of "${l.name}"` : `"${l.name}"`);
  const reads = locks.filter((l) => l.lock === 'ACCESS EXCLUSIVE').map(on);
  const writes = locks.filter((l) => l.lock !== 'ACCESS EXCLUSIVE').map(on);
  const blocked = [...(reads.length ? [`every query on ${listed(reads)} (reads included)`] : []), ...(writes.length ? [`every write to ${listed(writes)}`] : [])];
  return `this waits for ${listed(waits)} with no lock_timeout set in this section${note}; while it waits, ${blocked.join(' and ')} ${blocked.length > 1 ? 'queue' : 'queues'} behind it`;
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
  help: timeoutHelp('lock_timeout', '5s', 'require-lock-timeout', ' and retry when it times out'),
  sections: ['up', 'script'],
  check(ctx) {
    if (configSetsTimeout(ctx, 'lock_timeout')) return;
    const isSet = settingInEffect(ctx.statements, 'lock_timeout');
    const tables = newTables(ctx.statements);
    for (const stmt of ctx.statements) {
      if (isSet[stmt.index]) continue;
      const locks = statementLocks(stmt, ctx.statements, tables);
      if (locks.length === 0) continue;
      ctx.report({ statement: stmt, at: locks[0]!.at, message: lockMessage(locks, configTimeoutNote(ctx, 'lock_timeout')), fix: setTimeoutFix(ctx, stmt, 'lock_timeout', '5s') });
      return; // once per section: one SET at the top covers the rest
    }
  },
};
