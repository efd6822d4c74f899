/** Repairs made by a person after checking by hand: resolve a dirty migration, baseline, accept an edited file. */
import { withTransaction, type EngineContext } from './context';
import { MigrationError } from './errors';
import { compareVersions, migrationId } from './migration-file';
import { resolveMigrationRef, type MigrationStatus } from './planner';

/** Clears the dirty state of an interrupted non-transactional migration. */
export async function resolveDirty(ctx: EngineContext, ref: string, as: 'applied' | 'rolled-back'): Promise<MigrationStatus> {
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    const target = resolveMigrationRef(await ctx.readStatuses(session, files), ref);
    if (target.state !== 'dirty') {
      throw new MigrationError('E_USAGE', `${migrationId(target)} is ${target.state}, not dirty, so there is nothing to resolve`,
        'use --mark-applied or --mark-rolled-back only for a migration that --status shows as dirty');
    }
    ctx.assertMayChange(as === 'applied' ? 'markApplied' : 'markRolledBack');
    await withTransaction(session, async () => {
      if (as === 'applied') await ctx.store.markApplied(session, target.version, target.history!.durationMs ?? 0);
      else await ctx.store.remove(session, target.version);
      await ctx.audit(session, { action: 'resolve', version: target.version, name: target.name, success: true, message: `marked ${as} by hand` });
    });
    const after = await ctx.readStatuses(session, files, { withDownSql: false });
    return after.find((s) => s.version === target.version) ?? { ...target, state: 'pending' as const, history: null };
  });
}

/**
 * Adopts an existing database: records every migration up to and including `ref` as applied without
 * running it. Refuses when anything is already recorded.
 */
export async function baseline(ctx: EngineContext, ref: string): Promise<MigrationStatus[]> {
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    const statuses = await ctx.readStatuses(session, files, { withDownSql: false });
    const target = resolveMigrationRef(statuses, ref);
    if (statuses.some((x) => x.history)) {
      throw new MigrationError('E_USAGE', 'the history table already records applied migrations, so there is nothing to baseline',
        'use --baseline only on a database that was built without this tool; use --mark-applied for a single dirty migration');
    }
    ctx.assertMayChange('baseline');
    await ctx.store.ensure(session);
    const batch = await ctx.store.nextBatch(session);
    await withTransaction(session, async () => {
      for (const s of statuses) {
        if (!s.file || compareVersions(s.version, target.version) > 0 || s.state === 'skipped') continue;
        await ctx.store.insert(session, { version: s.version, name: s.name, checksum: s.file.checksum, downSql: s.file.down, status: 'applied', transactional: s.file.transactional, appliedBy: ctx.appliedBy, durationMs: 0, environment: ctx.environmentName, batch });
      }
      await ctx.audit(session, { action: 'baseline', version: target.version, name: target.name, success: true, message: `recorded migrations up to ${migrationId(target)} as applied without running them` });
    });
    return ctx.readStatuses(session, files, { withDownSql: false });
  });
}

/** Accepts an intentionally edited applied file: its new checksum (and down SQL) become the recorded ones. */
export async function repairChecksum(ctx: EngineContext, ref: string): Promise<MigrationStatus> {
  const files = ctx.migrations();
  return ctx.withLock(async (session) => {
    const target = resolveMigrationRef(await ctx.readStatuses(session, files, { withDownSql: false }), ref);
    if (target.state !== 'modified') {
      throw new MigrationError('E_USAGE', `${migrationId(target)} is ${target.state}, not modified, so its checksum needs no repair`,
        'use --repair-checksum only for an applied migration that --status shows as modified');
    }
    ctx.assertMayChange('repairChecksum');
    await withTransaction(session, async () => {
      await ctx.store.updateChecksum(session, target.version, target.file!.checksum, target.file!.down);
      await ctx.audit(session, { action: 'repair', version: target.version, name: target.name, success: true, message: `accepted edited file: checksum ${target.history!.checksum.slice(0, 12)} -> ${target.file!.checksum.slice(0, 12)}` });
    });
    return (await ctx.readStatuses(session, files, { withDownSql: false })).find((x) => x.version === target.version)!;
  });
}
