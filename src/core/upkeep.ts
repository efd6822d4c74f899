/** Maintenance use cases: materialized views, monthly partitions, query performance. */
import { withTransaction, type EngineContext } from './context';
import { MigrationError } from './errors';
import { listPartitionedTables, maintainPartitions as maintain, refreshMaterializedViews, type PartitionChange, type PartitionedTable, type ViewRefresh } from './maintenance';
import { performanceReport, type PerformanceReport } from './performance';

/** REFRESH MATERIALIZED VIEW (CONCURRENTLY where possible), in dependency order. */
export async function refreshViews(ctx: EngineContext, only: string[] = []): Promise<ViewRefresh[]> {
  return ctx.withLock(async (session) => {
    ctx.assertMayChange('refreshViews');
    const out = await refreshMaterializedViews(session, only);
    if (await ctx.store.exists(session)) {
      await ctx.audit(session, { action: 'maintenance', success: true, durationMs: out.reduce((a, v) => a + v.durationMs, 0), message: `refreshed ${out.length} materialized view(s)` });
    }
    return out;
  });
}

export function partitions(ctx: EngineContext): Promise<PartitionedTable[]> {
  return ctx.withSession((session) => listPartitionedTables(session));
}

/**
 * Creates upcoming monthly partitions and detaches (or drops) expired ones, as "partitions" in the config
 * says; one transaction. With `dryRun` the transaction is rolled back: the changes it would make.
 */
export async function maintainPartitions(ctx: EngineContext, options: { now?: Date; dryRun?: boolean } = {}): Promise<PartitionChange[]> {
  const policies = ctx.config.partitions;
  if (Object.keys(policies).length === 0) {
    throw new MigrationError('E_USAGE', 'no partitioned tables are configured for maintenance',
      'add "partitions": { "api_request_logs": { "premakeMonths": 3, "retentionMonths": 12 } } to database-migration.config.json');
  }
  return ctx.withLock(async (session) => {
    if (!options.dryRun) ctx.assertMayChange('maintainPartitions');
    return withTransaction(session, async () => {
      const changes = await maintain(session, policies, options.now ?? new Date());
      if (!options.dryRun && (await ctx.store.exists(session))) {
        await ctx.audit(session, { action: 'maintenance', success: true, message: changes.length ? changes.map((c) => `${c.action} ${c.partition}`).join(', ') : 'partitions already in shape' });
      }
      return changes;
    }, { rollback: !!options.dryRun });
  });
}

export function performance(ctx: EngineContext, limit = 10): Promise<PerformanceReport> {
  return ctx.withSession((session) => performanceReport(session, ctx.store, limit, ctx.db.kind === 'pglite'));
}
