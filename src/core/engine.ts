/**
 * The engine the CLI and the extension both drive: one object per project and database, whose methods
 * are the use cases (migrate.ts, seed.ts, restore.ts, repair.ts, upkeep.ts) over one shared context.
 */
import type { BackupEntry, BackupStore } from './backups';
import { EngineContext, type EngineOptions } from './context';
import type { Database } from './db/database';
import type { MigrationAnalysis } from './dependencies';
import type { HistoryStore, LogEntry } from './history';
import type { MigrationFile, StatusFile } from './migration-file';
import { dryRun, migrateDown, migrateUp, readDependencies, readLog, readStatus, readStatusSummary, verify, type MigrationRun, type RunOptions, type StatusReport } from './migrate';
import type { PartitionedTable, ViewRefresh } from './maintenance';
import type { PartitionMaintenance } from './partition-maintain';
import type { PerformanceReport } from './performance';
import type { Direction, PlanOptions } from './plan';
import type { MigrationStatus } from './planner';
import type { MigrationRehearsal, VerificationResult } from './rehearsal';
import { importHistory, type ImportOptions, type ImportResult } from './import/import-history';
import { baseline, repairChecksum, resolveDirty } from './repair';
import { backupNow, backupStore, restoreBackup } from './restore';
import { seed, type SeedOptions, type SeedRun } from './seed';
import { readSeedHistory, type SeedHistory } from './seed-history';
import { maintainPartitions, partitions, performance, refreshViews } from './upkeep';
import type { Project } from './project';
import { checkDrift, type DriftReport } from './shadow/drift';
import { checkSchemaDump, writeSchemaDump, type SchemaDumpResult } from './shadow/schema-dump';
import { ShadowService } from './shadow/service';
import { generateMigration, writeGeneratedMigration } from './shadow/generate';
import type { CreatedMigration } from './create';

export { describeFailure, describeStatementFailure, execStatements, StatementFailure } from './engine-failure';
export { connectProject, openProject, type Project } from './project';
export type { EngineEvent } from './events';
export type { DriftReport } from './shadow/drift';
export type { SchemaDumpResult } from './shadow/schema-dump';
export type { EngineOptions } from './context';
export type { MigrationRun, RunOptions, StatusReport } from './migrate';
export type { SeedOptions, SeedRun } from './seed';
export type { SeedHistory, SeedHistoryEntry, SeedState, SampleDataHistory } from './seed-history';
export type { ImportOptions, ImportResult } from './import/import-history';
export { convertToNative, type ConvertResult } from './import/convert';

export class MigrationEngine {
  private readonly ctx: EngineContext;

  private shadowService: ShadowService | undefined;

  constructor(readonly project: Project, readonly db: Database, private readonly options: EngineOptions = {}) {
    this.ctx = new EngineContext(project, db, options);
  }

  get store(): HistoryStore { return this.ctx.store; }
  get environmentName(): string { return this.ctx.environmentName; }
  get backups(): BackupStore { return backupStore(this.ctx); }

  migrations(): MigrationFile[] { return this.ctx.migrations(); }
  status(): Promise<StatusReport> { return readStatus(this.ctx); }
  /** The status without the files' SQL text, through the status cache unless `cache` is false (what --status prints). */
  statusSummary(options: { cache?: boolean } = {}): Promise<StatusReport<StatusFile>> { return readStatusSummary(this.ctx, options); }
  log(limit = 100): Promise<LogEntry[]> { return readLog(this.ctx, limit); }
  dependencies(): Promise<MigrationAnalysis> { return readDependencies(this.ctx); }

  up(options: PlanOptions & RunOptions = {}): Promise<MigrationRun> { return migrateUp(this.ctx, options); }
  down(options: PlanOptions & RunOptions = {}): Promise<MigrationRun> { return migrateDown(this.ctx, options); }
  dryRun(direction: Direction, options: PlanOptions = {}): Promise<MigrationRehearsal[]> { return dryRun(this.ctx, direction, options); }
  verify(ref?: string): Promise<VerificationResult[]> { return verify(this.ctx, ref); }
  seed(options: SeedOptions = {}): Promise<SeedRun> { return seed(this.ctx, options); }
  /** Each seed file's last run (never run / ran / modified since) and the sample data set's last load. */
  seedHistory(): Promise<SeedHistory> { return readSeedHistory(this.ctx); }

  resolve(ref: string, as: 'applied' | 'rolled-back'): Promise<MigrationStatus> { return resolveDirty(this.ctx, ref, as); }
  baseline(ref: string): Promise<MigrationStatus[]> { return baseline(this.ctx, ref); }
  repairChecksum(ref: string): Promise<MigrationStatus> { return repairChecksum(this.ctx, ref); }
  /** Records the migrations another tool applied (read from its history table, which stays untouched). */
  importHistory(options: ImportOptions = {}): Promise<ImportResult> { return importHistory(this.ctx, options); }

  refreshViews(only: string[] = []): Promise<ViewRefresh[]> { return refreshViews(this.ctx, only); }
  partitions(): Promise<PartitionedTable[]> { return partitions(this.ctx); }
  maintainPartitions(options: { now?: Date; dryRun?: boolean } = {}): Promise<PartitionMaintenance> { return maintainPartitions(this.ctx, options); }
  performance(limit = 10): Promise<PerformanceReport> { return performance(this.ctx, limit); }

  /** Backups of this environment's database, newest first. */
  listBackups(): BackupEntry[] { return this.backups.list().filter((b) => b.database === this.db.description); }
  findBackup(ref: string): BackupEntry { return this.backups.find(ref, this.db.description); }
  backup(): Promise<BackupEntry> { return backupNow(this.ctx); }
  restore(ref: string): Promise<{ restored: BackupEntry; safety: BackupEntry }> { return restoreBackup(this.ctx, ref); }

  /** Closes the database (the connection pool, or the embedded database and its data-directory lock). */
  /** The history replayed on the embedded shadow database (opened on first use). */
  shadow(): ShadowService { return this.options.shadow ?? (this.shadowService ??= new ShadowService(this.project.config)); }
  /** The live catalog compared with the shadow's after the applied migrations. */
  drift(): Promise<DriftReport> { return checkDrift(this.ctx, this.shadow()) as Promise<DriftReport>; }
  /** Drift when the shadow's cache already knows the applied migrations (cheap enough for --status); else null. */
  cachedDrift(): Promise<DriftReport | null> {
    return this.shadow().hasCache ? checkDrift(this.ctx, this.shadow(), { cachedOnly: true }) : Promise.resolve(null);
  }
  /** The migration (text, not written) that brings the history to the live schema, from its drift. */
  generate(): ReturnType<typeof generateMigration> { return generateMigration(this.ctx, this.shadow()); }
  /** Writes a generated migration and records it as applied here (this database already has its changes). */
  writeGenerated(name: string, text: string): Promise<CreatedMigration> { return writeGeneratedMigration(this.ctx, name, text); }
  /** Writes the expected schema (after every migration file) as SQL. */
  schemaDump(file?: string): Promise<SchemaDumpResult> { return writeSchemaDump(this.project.config, this.shadow(), file); }
  /** Fails with E_SCHEMA_DUMP_STALE when the schema dump file is not what the migrations build. */
  checkSchemaDump(file?: string): Promise<SchemaDumpResult> { return checkSchemaDump(this.project.config, this.shadow(), file); }

  async close(): Promise<void> {
    try {
      await this.shadowService?.close();
    } finally {
      await this.db.close();
    }
  }
}
