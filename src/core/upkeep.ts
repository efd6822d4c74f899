/** Maintenance use cases: materialized views, monthly partitions, query performance. */
import { withTransaction, type EngineContext } from './context';
import { MigrationError } from './errors';
import { listPartitionedTables, refreshMaterializedViews, type PartitionedTable, type ViewRefresh } from './maintenance';
import { maintainPartitions as maintain, rangePartitionedTables, type PartitionMaintenance } from './partition-maintain';
import { backupStore } from './restore';
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
 * Creates upcoming monthly partitions and detaches (or backs up and drops) expired ones, as "partitions" in the
 * config says; one transaction. With `dryRun` the transaction is rolled back: the changes it would make.
 */
export async function maintainPartitions(ctx: EngineContext, options: { now?: Date; dryRun?: boolean } = {}): Promise<PartitionMaintenance> {
  const policies = ctx.config.partitions;
  if (Object.keys(policies).length === 0) throw await nothingConfigured(ctx);
  return ctx.withLock(async (session) => {
    if (!options.dryRun) ctx.assertMayChange('maintainPartitions');
    return withTransaction(session, async () => {
      const result = await maintain(session, policies, { now: options.now ?? new Date(), backupDir: options.dryRun ? null : backupStore(ctx).dir });
      const { changes } = result;
      if (!options.dryRun && (await ctx.store.exists(session))) {
        await ctx.audit(session, { action: 'maintenance', success: true, message: changes.length ? changes.map((c) => `${c.action} ${c.partition}${c.rowsMoved ? ` (${c.rowsMoved} rows moved from ${c.movedFrom})` : ''}${c.backup ? ` (saved to ${c.backup})` : ''}`).join(', ') : 'partitions already in shape' });
      }
      return result;
    }, { rollback: !!options.dryRun });
  });
}

/** No "partitions" in the config: the hint shows the entry for a real range-partitioned table, or says there is none. */
async function nothingConfigured(ctx: EngineContext): Promise<MigrationError> {
  const tables = await ctx.withSession((session) => rangePartitionedTables(session)).catch(() => [] as string[]);
  const example = tables[0];
  return new MigrationError('E_USAGE', 'no partitioned tables are configured for maintenance',
    example
      ? `add "partitions": { "${example}": { "premakeMonths": 3, "retentionMonths": 12 } } to database-migration.config.json${tables.length > 1 ? ` (range-partitioned tables here: ${tables.join(', ')})` : ''}`
      : 'there are no partitioned tables in this database yet: create one PARTITION BY RANGE on a date or timestamp column (template "partitioned-table"), then list it under "partitions" in database-migration.config.json');
}

export function performance(ctx: EngineContext, limit = 10): Promise<PerformanceReport> {
  return ctx.withSession((session) => performanceReport(session, ctx.store, limit, ctx.db.kind === 'pglite'));
}
