/** Backups (before a change, or on request) and restoring one. */
import * as fs from 'node:fs';
import { BackupStore, backupDir, backupSettings, sha256File, type BackupEntry, type BackupReason } from './backups';
import type { EngineContext } from './context';
import { serverVersion, type Session } from './db/database';
import { MigrationError } from './errors';
import { compareVersions } from './migration-file';
import type { MigrationStatus } from './planner';
import { redactText } from './redact';
import { formatBytes } from './report/format';
import { carryLogSql } from './restore-log';

export function backupStore(ctx: EngineContext): BackupStore {
  return new BackupStore(backupDir(ctx.config, ctx.project.environment));
}

/** Newest applied (not dirty) version, by version number: what a backup's file name and manifest call "before". */
export function newestApplied(statuses: MigrationStatus[]): string | null {
  let v: string | null = null;
  for (const s of statuses) if (s.history && s.state !== 'dirty' && (v === null || compareVersions(s.version, v) > 0)) v = s.version;
  return v;
}

/** The automatic backup before --up/--down, when backups are on; --no-backup is recorded in the log. */
export async function backupBeforeChange(ctx: EngineContext, session: Session, reason: BackupReason, before: string | null, after: string | null, skip?: boolean): Promise<void> {
  if (!backupSettings(ctx.project.environment).enabled) return;
  if (skip) {
    await ctx.audit(session, { action: 'backup', version: before, success: true, message: `skipped before --${reason}: --no-backup` });
    ctx.emit({ type: 'backup-skipped', reason: '--no-backup' });
    return;
  }
  await takeBackup(ctx, session, reason, before, after);
}

/**
 * Takes a backup. Written atomically: the dump goes to a temporary `.partial` file (0600), is synced and
 * renamed, and only then enters the manifest — a run killed mid-dump leaves no listed backup, and its
 * leftover is removed by the next backup. `prune: false` leaves retention to the caller (restore).
 */
export async function takeBackup(ctx: EngineContext, session: Session, reason: BackupReason, before: string | null, after: string | null,
  options: { prune?: boolean } = {}): Promise<BackupEntry> {
  const store = backupStore(ctx);
  const stale = store.removeStale();
  const now = new Date();
  const target = store.newFile(now, before);
  const t0 = performance.now();
  try {
    const version = await serverVersion(session);
    const dumped = await ctx.db.dump(target.partial, version.major);
    store.commitFile(target.partial, target.full);
    const entry: BackupEntry = {
      id: target.id, file: target.file, createdAt: now.toISOString(), environment: ctx.environmentName, reason,
      versionBefore: before, versionAfter: after, format: dumped.format, tool: dumped.tool,
      sizeBytes: fs.statSync(target.full).size, sha256: sha256File(target.full), serverVersion: version.text, database: ctx.db.description,
    };
    const cleaned = stale.length ? `; removed ${stale.length} unfinished file(s) of interrupted runs: ${stale.join(', ')}` : '';
    await ctx.audit(session, { action: 'backup', version: before, success: true, durationMs: Math.round(performance.now() - t0), message: `backup ${entry.id} (${reason}, ${formatBytes(entry.sizeBytes)})${cleaned}` });
    store.add(entry);
    if (options.prune !== false) store.prune(backupSettings(ctx.project.environment).keep, ctx.db.description);
    ctx.emit({ type: 'backup-done', entry });
    return entry;
  } catch (err) {
    fs.rmSync(target.partial, { force: true });
    fs.rmSync(target.full, { force: true });
    const e = err instanceof MigrationError ? err
      : new MigrationError('E_BACKUP_FAILED', `backup failed: ${redactText(String((err as Error)?.message ?? err))}`,
        'fix the cause, or run with --no-backup to skip the backup', {}, { cause: err });
    await ctx.audit(session, { action: 'backup', version: before, success: false, message: `${e.message} — nothing was migrated` }).catch(() => {});
    throw e;
  }
}

/** A backup taken on request (--backup). */
export async function backupNow(ctx: EngineContext): Promise<BackupEntry> {
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    await ctx.store.ensure(session);
    const v = newestApplied(await ctx.readStatuses(session, files, { withDownSql: false }));
    return takeBackup(ctx, session, 'manual', v, v);
  });
}

/**
 * Restores a backup: checks its sha256, backs up the current state (not pruned yet), then replaces
 * everything in one transaction that also carries the audit log through and appends the restore row
 * (restore-log.ts). Retention runs only after a successful restore and never removes the backup just
 * restored nor the pre-restore one (so the newest `keep` plus those two may briefly exist).
 */
export async function restoreBackup(ctx: EngineContext, ref: string): Promise<{ restored: BackupEntry; safety: BackupEntry }> {
  ctx.assertMayChange('restore');
  const store = backupStore(ctx);
  const entry = store.find(ref, ctx.db.description);
  const file = store.verify(entry);
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    await ctx.store.ensure(session);
    const current = newestApplied(await ctx.readStatuses(session, files, { withDownSql: false }));
    const safety = await takeBackup(ctx, session, 'pre-restore', current, entry.versionBefore, { prune: false });
    const { major } = await serverVersion(session);
    const log = carryLogSql(ctx.store, {
      version: entry.versionBefore, environment: ctx.environmentName, performedBy: ctx.appliedBy,
      message: `restored backup ${entry.id} (state before it saved as ${safety.id})`,
    });
    try {
      await ctx.db.restore(file, entry.format, major, log);
    } catch (err) {
      const e = err instanceof MigrationError ? err
        : new MigrationError('E_RESTORE_FAILED', `restoring ${entry.id} failed: ${redactText(String((err as Error)?.message ?? err))}`,
          `nothing was changed (the restore runs in one transaction); the state before the attempt is also saved as backup ${safety.id}`, {}, { cause: err });
      await ctx.audit(session, { action: 'restore', version: current, success: false, message: `restoring ${entry.id} failed: ${e.message}` }).catch(() => {});
      throw e;
    }
    await ctx.store.ensure(session);
    store.prune(backupSettings(ctx.project.environment).keep, ctx.db.description, [entry.id, safety.id]);
    return { restored: entry, safety };
  });
}
