/**
 * Running migrations without keeping them: dry runs (timing, rows and locks per
 * statement) and rollback verification (up, down, up again, compared with
 * catalog snapshots). Everything happens inside a transaction that is rolled back.
 */
import { withTransaction } from './db/transaction';
import { loadParser } from '../sql/parser';
import { splitStatements } from '../sql/split';
import { transactionalEquivalent } from '../sql/transactional';
import { describeDifference, diffCatalog, snapshotCatalog, type CatalogDifference } from './catalog';
import type { Session } from './db/database';
import { MigrationError } from './errors';
import { describeStatementFailure, StatementFailure } from './engine-failure';
import { migrationId, type MigrationFile } from './migration-file';

export interface LockTaken {
  /** e.g. "AccessExclusiveLock" */
  mode: string;
  /** Relation name, or the lock type for non-relation locks. */
  object: string;
}

export interface StatementRehearsal {
  sql: string;
  line: number;
  durationMs: number;
  rows: number;
  locks: LockTaken[];
}

export interface MigrationRehearsal {
  id: string;
  direction: 'up' | 'down';
  /** Null when it cannot be rehearsed (runs outside a transaction). */
  statements: StatementRehearsal[] | null;
  skippedReason?: string;
}

const LOCK_STRENGTH = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock',
  'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

/** Relation locks this backend holds, strongest mode per relation (catalog and TOAST relations left out). */
async function heldLocks(session: Session, names: Map<string, string>): Promise<Map<string, string>> {
  const r = await session.query<{ mode: string; object: string | null; oid: string }>(
    `SELECT l.mode, l.relation::text AS oid, CASE WHEN n.nspname IN ('public') THEN c.relname ELSE n.nspname || '.' || c.relname END AS object
       FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
       LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation'
        AND coalesce(n.nspname, '') NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`);
  const strongest = new Map<string, string>();
  for (const row of r.rows) {
    // A relation dropped by the statement has no pg_class row any more: use the name it had before.
    // Unknown dropped oids are the TOAST relations of dropped tables: not worth a line.
    if (row.object === null && !names.has(row.oid)) continue;
    const object = row.object ?? `${names.get(row.oid)} (dropped)`;
    const prev = strongest.get(object);
    if (!prev || LOCK_STRENGTH.indexOf(row.mode) > LOCK_STRENGTH.indexOf(prev)) strongest.set(object, row.mode);
  }
  return strongest;
}

/** oid -> name of every user relation, so locks on relations a statement drops can still be named. */
async function relationNames(session: Session): Promise<Map<string, string>> {
  const r = await session.query<{ oid: string; name: string }>(
    `SELECT c.oid::text AS oid, CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`);
  return new Map(r.rows.map((x) => [x.oid, x.name]));
}

/** Runs statements one by one, recording time, rows and the locks each one added. */
async function rehearseStatements(session: Session, sql: string, baseLine: number): Promise<StatementRehearsal[]> {
  const out: StatementRehearsal[] = [];
  let names = await relationNames(session);
  let before = await heldLocks(session, names);
  for (const stmt of await splitStatements(sql)) {
    const t0 = performance.now();
    let rows = 0;
    try {
      rows = (await session.query(stmt.text)).rowCount;
    } catch (err) {
      throw new StatementFailure(err, stmt);
    }
    const durationMs = Math.round((performance.now() - t0) * 10) / 10;
    const after = await heldLocks(session, names);
    names = await relationNames(session);
    // Locks this statement took or strengthened (locks are held to the end of the transaction).
    const locks = [...after].filter(([object, mode]) => before.get(object) !== mode)
      .map(([object, mode]) => ({ mode, object }))
      .sort((a, b) => LOCK_STRENGTH.indexOf(b.mode) - LOCK_STRENGTH.indexOf(a.mode) || a.object.localeCompare(b.object));
    before = after;
    out.push({ sql: stmt.text, line: baseLine + stmt.line - 1, durationMs, rows, locks });
  }
  return out;
}

export interface DryRunStep {
  id: string;
  direction: 'up' | 'down';
  sql: string;
  baseLine: number;
  transactional: boolean;
  file: string;
}

/** Dry run: BEGIN, every step statement by statement, ROLLBACK. */
export async function dryRun(session: Session, steps: DryRunStep[]): Promise<MigrationRehearsal[]> {
  const out: MigrationRehearsal[] = [];
  await withTransaction(session, async () => {
    for (const step of steps) {
      if (!step.transactional) {
        out.push({ id: step.id, direction: step.direction, statements: null,
          skippedReason: 'runs outside a transaction ("-- transaction: none"), so it cannot be tried and rolled back; it would run these statements one by one' });
        // Later steps may depend on it; stop rehearsing here rather than report misleading errors.
        break;
      }
      try {
        out.push({ id: step.id, direction: step.direction, statements: await rehearseStatements(session, step.sql, step.baseLine) });
      } catch (err) {
        const f = describeStatementFailure(err, step.baseLine);
        throw new MigrationError('E_MIGRATION_FAILED', `${step.id} would fail (${step.direction}, dry run): ${f.text}`,
          'fix the statement; nothing was changed (the dry run was rolled back)', { file: step.file, line: f.line, column: f.column }, { cause: err });
      }
    }
  }, { rollback: true });
  return out;
}

export interface VerificationResult {
  id: string;
  /** Differences between the catalog before up and after down: what down does not undo. */
  downDifferences: CatalogDifference[];
  /** Differences between after the first up and after the second: up is not repeatable after down. */
  reapplyDifferences: CatalogDifference[];
  /** How it was checked, when not as written (a non-transactional migration through its transactional equivalent). */
  note?: string;
  /** Up failed when run again after down (usually because down left something behind). */
  reapplyError?: string;
  /** The migration's verify script (Sqitch's verify/) failed: the file, line and error. */
  verifyError?: string;
  /** The verify script that ran and passed, after up and after up again. */
  verifiedBy?: string;
  skippedReason?: string;
  /** A repeatable migration without a down section: checked by applying it twice instead of up, down, up. */
  repeatable?: boolean;
  ok: boolean;
}

/**
 * Runs a migration's verify script (Sqitch's verify/<change>.sql) and undoes whatever it did: null when it passes,
 * else "file:line: error". Any error is a failure (verify scripts check with SELECT 1/COUNT(*) ... or by raising).
 */
async function runVerifyScript(session: Session, m: MigrationFile): Promise<string | null> {
  if (!m.verify) return null;
  await session.exec('SAVEPOINT dm_verify_script');
  try {
    await rehearseStatements(session, m.verify.sql, m.verify.line);
    return null;
  } catch (err) {
    const f = describeStatementFailure(err, m.verify.line);
    return `${m.verify.file}:${f.line}: ${f.text}`;
  } finally {
    await session.exec('ROLLBACK TO SAVEPOINT dm_verify_script');
  }
}

/**
 * For each migration, inside ONE transaction rolled back at the end:
 * snapshot, up, snapshot, down, compare with the first, up again, compare with the second.
 * Each migration stays applied for the next one (they build on each other).
 */
export async function verifyMigrations(session: Session, migrations: MigrationFile[], excludeTables: string[]): Promise<VerificationResult[]> {
  const results: VerificationResult[] = [];
  await withTransaction(session, async () => {
    for (const m of migrations) {
      const id = migrationId(m);
      let upSql = m.up;
      let downSql = m.down;
      let note: string | undefined;
      if (!m.transactional) {
        // Check it through a transaction-safe equivalent (CONCURRENTLY dropped, VACUUM left out): same schema effect.
        const parser = await loadParser();
        const up = transactionalEquivalent(parser, m.up);
        const down = m.down ? transactionalEquivalent(parser, m.down) : { sql: null, changed: false };
        if (up.sql === null || (m.down && down.sql === null)) {
          results.push({ id, downDifferences: [], reapplyDifferences: [], ok: true,
            skippedReason: `runs outside a transaction and uses ${up.blocker ?? down.blocker}, which has no transactional equivalent; verify it on a scratch database` });
          break;
        }
        upSql = up.sql;
        downSql = down.sql;
        note = 'checked with CONCURRENTLY removed: it runs outside a transaction, and the schema effect is the same';
      }
      if (m.repeatable && (downSql === null || !downSql.trim())) {
        const r = await verifyRepeatable(session, m, upSql, excludeTables);
        results.push({ ...r, ...(note ? { note } : {}) });
        if (!r.ok) break;
        continue;
      }
      if (downSql === null || !downSql.trim()) {
        results.push({ id, downDifferences: [], reapplyDifferences: [], ok: false, skippedReason: 'has no down section, so it cannot be rolled back' });
        break;
      }
      const run = (sql: string, line: number, direction: 'up' | 'down') => rehearseSection(session, m, sql, line, direction);
      const before = await snapshotCatalog(session, excludeTables);
      await run(upSql, m.upLine, 'up');
      const verifyError = await runVerifyScript(session, m);
      if (verifyError) {
        results.push({ id, downDifferences: [], reapplyDifferences: [], verifyError: `after up, ${verifyError}`, ok: false });
        break;
      }
      const applied = await snapshotCatalog(session, excludeTables);
      await run(downSql, m.downLine ?? m.upLine, 'down');
      const reverted = await snapshotCatalog(session, excludeTables);
      const downDifferences = diffCatalog(before, reverted);
      const reapplyError = await applyAgain(session, upSql, m.upLine);
      if (reapplyError) {
        results.push({ id, downDifferences, reapplyDifferences: [], reapplyError, ok: false });
        break; // later migrations would build on a state that is not what production will have
      }
      const reapplied = await snapshotCatalog(session, excludeTables);
      const reapplyDifferences = diffCatalog(applied, reapplied);
      const reverifyError = await runVerifyScript(session, m);
      const ok = downDifferences.length === 0 && reapplyDifferences.length === 0 && !reverifyError;
      results.push({ id, downDifferences, reapplyDifferences, ok, ...(note ? { note } : {}),
        ...(reverifyError ? { verifyError: `after down and up again, ${reverifyError}` } : m.verify ? { verifiedBy: m.verify.file } : {}) });
      if (!ok) break;
    }
  }, { rollback: true });
  return results;
}

/** Runs a section of `m` during verification; a failure is E_VERIFY_FAILED naming the migration, the section and where. */
async function rehearseSection(session: Session, m: MigrationFile, sql: string, line: number, direction: 'up' | 'down'): Promise<void> {
  try {
    await rehearseStatements(session, sql, line);
  } catch (err) {
    const f = describeStatementFailure(err, line);
    throw new MigrationError('E_VERIFY_FAILED', `${migrationId(m)} failed during verification (${direction}): ${f.text}`,
      `fix the ${direction} section; nothing was changed (verification runs in a transaction that is rolled back)`,
      { file: m.file, line: f.line, column: f.column }, { cause: err });
  }
}

/** Runs the up section again behind a savepoint; the failure ("line N: message") when it does not apply, else null. */
async function applyAgain(session: Session, upSql: string, upLine: number): Promise<string | null> {
  await session.exec('SAVEPOINT dm_reapply');
  try {
    await rehearseStatements(session, upSql, upLine);
    return null;
  } catch (err) {
    await session.exec('ROLLBACK TO SAVEPOINT dm_reapply');
    const f = describeStatementFailure(err, upLine);
    return `line ${f.line}: ${f.text}`;
  }
}

/**
 * A repeatable migration without a down section is checked for what it promises instead: applied again on top of
 * itself (as every later --up does when it changes), it leaves the catalog exactly as the first application did.
 */
async function verifyRepeatable(session: Session, m: MigrationFile, upSql: string, excludeTables: string[]): Promise<VerificationResult> {
  const id = migrationId(m);
  await rehearseSection(session, m, upSql, m.upLine, 'up');
  const applied = await snapshotCatalog(session, excludeTables);
  const reapplyError = await applyAgain(session, upSql, m.upLine);
  if (reapplyError) {
    return { id, downDifferences: [], reapplyDifferences: [], ok: false, repeatable: true,
      reapplyError: `${reapplyError} (a repeatable migration must apply again on top of itself: use CREATE OR REPLACE, or DROP ... IF EXISTS first)` };
  }
  const reapplyDifferences = diffCatalog(applied, await snapshotCatalog(session, excludeTables));
  return { id, downDifferences: [], reapplyDifferences, ok: reapplyDifferences.length === 0, repeatable: true };
}

export function verificationError(results: VerificationResult[]): MigrationError | null {
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) return null;
  const lines = bad.flatMap((r) => [
    ...(r.skippedReason ? [`${r.id} ${r.skippedReason}`] : []),
    ...r.downDifferences.map((d) => `${r.id}: after down, ${describeDifference(d)}`),
    ...r.reapplyDifferences.map((d) => `${r.id}: ${r.repeatable ? 'applied again on top of itself' : 'after down and up again'}, ${describeDifference(d)}`),
    ...(r.reapplyError ? [`${r.id}: up fails when run again ${r.repeatable ? 'on top of itself' : 'after down'} (${r.reapplyError})`] : []),
    ...(r.verifyError ? [`${r.id}: verify script failed ${r.verifyError}`] : []),
  ]);
  const verifyScripts = bad.some((r) => r.verifyError);
  return new MigrationError('E_VERIFY_FAILED', `rollback verification failed:\n  ${lines.join('\n  ')}`,
    verifyScripts
      ? 'fix the migration (or its verify script) so the verify script passes after up; nothing was applied'
      : 'make the down section drop or restore exactly what up changes (run --verify to re-check); nothing was applied');
}
