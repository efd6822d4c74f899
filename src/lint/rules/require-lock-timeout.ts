import type { Rule } from '../types';
import { newTables } from './shared/new-tables';
import { statementLocks, type RelationLock } from './shared/table-locks';
import { configSetsTimeout, configTimeoutNote, setTimeoutFix, settingInEffect, timeoutHelp } from './shared/timeout-settings';

/** How a locked relation is named in a message: 'table "missions" (the table the foreign key references)'. */
function describe(l: RelationLock): string {
  const what = l.kind === 'index' ? `the table of index "${l.name}"` : l.kind === 'indexes of table' ? `the indexes of table "${l.name}"` : `${l.kind} "${l.name}"`;
  return l.why ? `${what} (${l.why})` : what;
}

/** What queues behind a lock request: reads and writes for ACCESS EXCLUSIVE, writes for the others. */
function blocked(l: RelationLock): string {
  const on = l.kind === 'index' ? `the table of "${l.name}"` : `"${l.name}"`;
  return l.lock === 'ACCESS EXCLUSIVE' ? `every query on ${on} (reads included)` : `every write to ${on}`;
}

function lockMessage(locks: RelationLock[], note: string): string {
  const a = (l: RelationLock) => `${/^[AE]/.test(l.lock) ? 'an' : 'a'} ${l.lock} lock on ${describe(l)}`;
  const waits = locks.map(a).join(' and ');
  return `this waits for ${waits} with no lock_timeout set in this section${note}; while it waits, ${locks.map(blocked).join(' and ')} ${locks.length > 1 ? 'queue' : 'queues'} behind it`;
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
