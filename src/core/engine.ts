import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, resolveEnvironment, describeTarget, withPassword, type Config, type ResolvedEnvironment } from './config';
import { BackupStore, backupDir, backupSettings, sha256File, type BackupEntry, type BackupReason } from './backups';
import { asServerError, serverVersion, type Database, type Session } from './db/database';
import { describeStatementFailure, execStatements, StatementFailure } from './engine-failure';
import type { SqlStatement } from '../sql/split';
import type { ParsedStatement } from '../sql/parse';
import { findAll, stringList } from '../sql/ast';
import { analyseMigrations, type MigrationAnalysis } from './dependencies';
import { listPartitionedTables, maintainPartitions, refreshMaterializedViews, type PartitionChange, type PartitionedTable, type ViewRefresh } from './maintenance';
import { performanceReport, type PerformanceReport } from './performance';
import { generateScale, loadSampleData, resetSampleData, type LoadedTable } from './sample-data';
import { dryRun, verificationError, verifyMigrations, type DryRunStep, type MigrationRehearsal, type VerificationResult } from './rehearsal';

export { describeFailure, describeStatementFailure, execStatements, StatementFailure } from './engine-failure';
import { PGliteDatabase } from './db/pglite-database';
import { PostgresDatabase } from './db/pg-database';
import { discoverMigrations, discoverSeeds } from './discovery';
import { MigrationError } from './errors';
import { HistoryStore, type LogEntry } from './history';
import { splitStatements } from '../sql/split';
import { checksumSql, migrationId, type MigrationFile } from './migration-file';
import { computeStatus, planDown, planUp, resolveMigrationRef, type DownOptions, type MigrationStatus, type UpOptions } from './planner';
import { redactText } from './redact';

/** A project on disk plus the environment chosen for this run. */
export interface Project {
  config: Config;
  environment: ResolvedEnvironment;
}

export function openProject(options: { cwd?: string; configPath?: string; env?: string; url?: string; processEnv?: NodeJS.ProcessEnv; password?: string } = {}): Project {
  const config = loadConfig({ cwd: options.cwd ?? process.cwd(), configPath: options.configPath });
  const environment = resolveEnvironment(config, { env: options.env, url: options.url, processEnv: options.processEnv });
  // A password from the editor's secret storage goes into the URL in memory only (never printed: URLs are redacted).
  if (options.password) environment.target = withPassword(environment.target, options.password);
  return { config, environment };
}

export function connectProject(project: Project): Database {
  const { target, settings } = project.environment;
  if (target.kind === 'postgres') return new PostgresDatabase(target.url, settings, project.config.root);
  return new PGliteDatabase(target.dataDir, settings, project.config.lockWaitMs, describeTarget(target, project.config.root));
}

export type { EngineEvent } from './events';
import type { EngineEvent } from './events';

export interface EngineOptions {
  onEvent?: (event: EngineEvent) => void;
  /** Recorded in applied_by; defaults to the OS user name. */
  appliedBy?: string;
  /** Needed to change an environment marked "protected". */
  confirmed?: boolean;
  /** Asked between migrations of up/down; true stops the run there (each migration is whole, so stopping is safe). */
  shouldStop?: () => boolean;
}

export interface StatusReport {
  environment: string;
  database: string;
  statuses: MigrationStatus[];
}

export interface MigrationRun {
  direction: 'up' | 'down';
  migrations: { version: string; name: string; durationMs: number }[];
  statuses: MigrationStatus[];
}

export interface RunOptions {
  /** Skip the automatic backup (recorded in the log). */
  noBackup?: boolean;
  /** Before applying, verify each migration's rollback (up, down, up in a rolled-back transaction); refuse on a difference. */
  verify?: boolean;
  /** Apply every pending migration in ONE transaction (all or nothing); refused when one runs outside a transaction. */
  singleTransaction?: boolean;
}

export interface SeedRun {
  seeds: { name: string; file: string; durationMs: number }[];
  /** Per table of the JSON sample data: rows held, inserted, updated. */
  tables: LoadedTable[];
  /** --scale: synthetic rows generated with COPY. */
  scaled: { rows: number; seconds: number; rowsPerSecond: number; tables: { table: string; rows: number }[] } | null;
  /** Seed files whose "-- environments:" line excludes this environment. */
  skipped: string[];
}

/** The engine the CLI and the extension both drive: status, up, down, seed, resolve. */
export class MigrationEngine {
  readonly store: HistoryStore;
  private readonly appliedBy: string;

  constructor(readonly project: Project, readonly db: Database, private readonly options: EngineOptions = {}) {
    this.store = new HistoryStore({ schema: project.config.historySchema, table: project.config.historyTable });
    this.appliedBy = options.appliedBy ?? safeUserName();
  }

  get environmentName(): string {
    return this.project.environment.name;
  }

  migrations(): MigrationFile[] {
    return discoverMigrations(this.project.config.migrationsDir, { displayRoot: this.project.config.root });
  }

  async status(): Promise<StatusReport> {
    // Connect and ask for the history first; read the files while the server answers.
    const pending = this.db.session().then(async (session) => {
      try {
        return await this.store.read(session, { withDownSql: false });
      } finally {
        await session.release();
      }
    });
    pending.catch(() => {}); // reported below, after the files (a bad file is the more useful error)
    let files: MigrationFile[];
    try {
      files = this.migrations();
    } catch (err) {
      await pending.catch(() => {});
      throw err;
    }
    const history = await pending;
    return { environment: this.environmentName, database: this.db.description, statuses: computeStatus(files, history, { environment: this.environmentName }) };
  }

  async log(limit = 100): Promise<LogEntry[]> {
    const session = await this.db.session();
    try {
      return await this.store.readLog(session, limit);
    } finally {
      await session.release();
    }
  }

  async up(options: UpOptions & RunOptions = {}): Promise<MigrationRun> {
    const files = this.migrations();
    return this.withLock(async (session) => {
      const history = await this.store.read(session);
      const statuses = computeStatus(files, history, { environment: this.environmentName });
      // Parsing every file (for dependency edges and statements) only matters when something will run.
      const analysis = statuses.some((x) => x.state === 'pending')
        ? await analyseMigrations(files, this.postgresVersion())
        : { edges: [], nonTransactional: [], statements: new Map() } satisfies MigrationAnalysis;
      const plan = planUp(statuses, { allowOutOfOrder: this.project.config.allowOutOfOrder, edges: analysis.edges, ...options });
      assertTransactionSafe(plan.map((p) => p.migration), analysis, 'up');
      if (plan.length > 0) this.assertMayChange('apply migrations to');
      if (plan.length > 0 && options.verify) {
        const failure = verificationError(await verifyMigrations(session, plan.map((p) => p.migration), this.historyTableNames()));
        if (failure) throw failure;
      }
      await this.store.ensure(session);
      if (plan.length > 0) {
        await this.backupBeforeChange(session, 'up', newestApplied(statuses), plan[plan.length - 1]!.migration.version, options.noBackup);
      }
      const done: MigrationRun['migrations'] = [];
      const batch = plan.length > 0 ? await this.store.nextBatch(session) : 0;
      if (options.singleTransaction && plan.length > 0) {
        const outside = plan.find((p) => !p.migration.transactional);
        if (outside) {
          throw new MigrationError('E_NON_TRANSACTIONAL', `--single-transaction refused: ${migrationId(outside.migration)} runs outside a transaction ("-- transaction: none")`,
            'run without --single-transaction, or apply up to the migration before it with --to', { file: outside.migration.file });
        }
        await session.exec('BEGIN');
        let current = plan[0]!.migration;
        try {
          for (const step of plan) {
            current = step.migration;
            const durationMs = await this.applyUp(session, step.migration, batch, true, analysis.statements.get(step.migration.version));
            done.push({ version: step.migration.version, name: step.migration.name, durationMs });
          }
          await session.exec('COMMIT');
        } catch (err) {
          await session.exec('ROLLBACK').catch(() => {});
          let located: unknown = err;
          if (!(err instanceof StatementFailure)) {
            // No position from the server: replay the run up to the failing statement in a transaction that is rolled back.
            try {
              await session.exec('BEGIN');
              for (const step of plan) {
                const st = analysis.statements.get(step.migration.version)?.up;
                if (step.migration === current) { await execStatements(session, current.up, undefined, { statements: st }); break; }
                await session.exec(step.migration.up);
              }
            } catch (again) {
              located = again;
            } finally {
              await session.exec('ROLLBACK').catch(() => {});
            }
          }
          const e = await this.failed(session, located, current, 'up', current.upLine, false);
          throw new MigrationError(e.code, e.message, `fix the statement and run --up again; all ${plan.length} migrations of this --single-transaction run were rolled back`, e.location, { cause: err });
        }
      } else {
        for (const step of plan) {
          if (this.options.shouldStop?.()) break;
          const durationMs = await this.applyUp(session, step.migration, batch, false, analysis.statements.get(step.migration.version));
          done.push({ version: step.migration.version, name: step.migration.name, durationMs });
        }
      }
      const after = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      return { direction: 'up' as const, migrations: done, statuses: after };
    });
  }

  async down(options: DownOptions & RunOptions = {}): Promise<MigrationRun> {
    const files = this.migrations();
    const analysis = await analyseMigrations(files, this.postgresVersion());
    return this.withLock(async (session) => {
      const history = await this.store.read(session);
      const statuses = computeStatus(files, history, { environment: this.environmentName });
      const plan = planDown(statuses, { edges: analysis.edges, ...options });
      assertTransactionSafe(plan.flatMap((p) => (p.file && p.source === 'file' ? [p.file] : [])), analysis, 'down');
      if (plan.length > 0) this.assertMayChange('roll back migrations on');
      await this.store.ensure(session);
      if (plan.length > 0) {
        if (options.noBackup && this.project.environment.settings.protected) {
          throw new MigrationError('E_PROTECTED', `environment "${this.environmentName}" is protected: a rollback there needs a backup first`,
            'run --down without --no-backup');
        }
        const reverted = new Set(plan.map((p) => p.version));
        const remaining = statuses.filter((x) => x.history && !reverted.has(x.version));
        await this.backupBeforeChange(session, 'down', newestApplied(statuses), newestApplied(remaining), options.noBackup);
      }
      const done: MigrationRun['migrations'] = [];
      for (const step of plan) {
        if (this.options.shouldStop?.()) break;
        const durationMs = await this.applyDown(session, step);
        done.push({ version: step.version, name: step.name, durationMs });
      }
      const after = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      return { direction: 'down' as const, migrations: done, statuses: after };
    });
  }

  /**
   * Seeds in one transaction: the JSON sample data ("sampleDataDir"), then every seeds/*.sql whose
   * "-- environments:" allows this environment. `reset` empties the sample tables first; `scale` then adds
   * that many synthetic observation and API-log rows with COPY (in its own transaction).
   */
  async seed(options: { reset?: boolean; scale?: number } = {}): Promise<SeedRun> {
    const all = discoverSeeds(this.project.config.seedsDir, this.project.config.root);
    // "-- environments:" keeps sample data out of environments it is not meant for (production, say).
    const seeds = all.filter((s) => !s.environments || s.environments.includes(this.environmentName));
    const skipped = all.filter((s) => !seeds.includes(s)).map((s) => s.name);
    const dataDir = this.project.config.sampleDataDir;
    if (dataDir && !fs.existsSync(dataDir)) {
      throw new MigrationError('E_CONFIG_INVALID', `"sampleDataDir" points at ${dataDir}, which does not exist`,
        'correct the path in database-migration.config.json (it is relative to the config file)', { file: this.project.config.file ?? undefined });
    }
    if (all.length > 0 && seeds.length === 0 && !dataDir) {
      throw new MigrationError('E_USAGE', `no seed file is meant for environment "${this.environmentName}" (${skipped.join(', ')} name other environments)`,
        'add the environment to a seed\'s "-- environments:" line if the data belongs there');
    }
    if (seeds.length === 0 && !dataDir && !options.scale) {
      throw new MigrationError('E_USAGE', `no seed files found in ${this.project.config.seedsDir}`,
        'add .sql files to the seeds directory (or set "seedsDir" / "sampleDataDir" in database-migration.config.json)');
    }
    return this.withLock(async (session) => {
      this.assertMayChange('seed');
      await this.store.ensure(session);
      const done: SeedRun['seeds'] = [];
      const tables: SeedRun['tables'] = [];
      await session.exec('BEGIN');
      let current: { name: string; file: string } = { name: 'sample data', file: dataDir ?? '' };
      try {
        if (options.reset) {
          const { truncated } = await resetSampleData(session, { ownTransaction: false });
          await this.store.log(session, { action: 'seed', name: 'reset', success: true, environment: this.environmentName, performedBy: this.appliedBy, message: `emptied ${truncated.join(', ')}` });
        }
        if (dataDir) {
          const t0 = performance.now();
          const loaded = await loadSampleData(session, dataDir, { ownTransaction: false });
          const durationMs = Math.round(performance.now() - t0);
          tables.push(...loaded);
          const shown = path.relative(this.project.config.root, dataDir) || dataDir;
          await this.store.log(session, { action: 'seed', name: shown, success: true, durationMs, environment: this.environmentName, performedBy: this.appliedBy,
            message: loaded.filter((l) => !l.skipped).map((l) => `${l.table} ${l.rows} (+${l.inserted} ~${l.updated})`).join(', ') });
          done.push({ name: shown, file: shown, durationMs });
          this.options.onEvent?.({ type: 'seed-done', file: `${shown} (${loaded.filter((l) => !l.skipped).reduce((a, l) => a + l.rows, 0)} rows)`, durationMs });
        }
        for (const seed of seeds) {
          current = seed;
          const t0 = performance.now();
          await execStatements(session, seed.sql);
          const durationMs = Math.round(performance.now() - t0);
          await this.store.recordSeed(session, seed.name, checksumSql(seed.sql), this.appliedBy, this.environmentName);
          await this.store.log(session, { action: 'seed', name: seed.name, success: true, durationMs, environment: this.environmentName, performedBy: this.appliedBy });
          done.push({ name: seed.name, file: seed.file, durationMs });
          this.options.onEvent?.({ type: 'seed-done', file: seed.file, durationMs });
        }
        await session.exec('COMMIT');
      } catch (err) {
        await session.exec('ROLLBACK').catch(() => {});
        if (err instanceof MigrationError) throw err;
        const failure = describeStatementFailure(err, 1);
        await this.store.log(session, { action: 'failed', name: current.name, success: false, environment: this.environmentName, performedBy: this.appliedBy, message: `seed: ${failure.text}` }).catch(() => {});
        throw new MigrationError('E_SEED_FAILED', `seed ${current.name} failed: ${failure.text}`,
          'fix the statement and run --seed again; every seed was rolled back, so nothing was half loaded',
          { file: current.file, line: failure.line, column: failure.column }, { cause: err });
      }
      let scaled: SeedRun['scaled'] = null;
      if (options.scale && options.scale > 0) {
        const r = await generateScale(session, options.scale, (p) => this.options.onEvent?.({ type: 'seed-progress', table: p.table, rows: p.rows, total: p.total }));
        scaled = { rows: r.rows, seconds: r.seconds, rowsPerSecond: r.rowsPerSecond, tables: r.tables };
        await this.store.log(session, { action: 'seed', name: `scale ${options.scale}`, success: true, durationMs: Math.round(r.seconds * 1000), environment: this.environmentName, performedBy: this.appliedBy,
          message: `${r.rows} synthetic rows with COPY (${Math.round(r.rowsPerSecond)} rows/s): ${r.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}` });
      }
      return { seeds: done, skipped, tables, scaled };
    });
  }

  /** Clears the dirty state of an interrupted non-transactional migration, after a person checked it. */
  async resolve(ref: string, as: 'applied' | 'rolled-back'): Promise<MigrationStatus> {
    const files = this.migrations();
    return this.withLock(async (session) => {
      await this.store.ensure(session);
      const statuses = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      const target = resolveMigrationRef(statuses, ref);
      if (target.state !== 'dirty') {
        throw new MigrationError('E_USAGE', `${migrationId(target)} is ${target.state}, not dirty, so there is nothing to resolve`,
          'use --mark-applied or --mark-rolled-back only for a migration that --status shows as dirty');
      }
      if (as === 'applied') await this.store.markApplied(session, target.version, target.history!.durationMs ?? 0);
      else await this.store.remove(session, target.version);
      await this.store.log(session, { action: 'resolve', version: target.version, name: target.name, success: true, environment: this.environmentName, performedBy: this.appliedBy, message: `marked ${as} by hand` });
      const after = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      return after.find((s) => s.version === target.version) ?? { ...target, state: 'pending' as const, history: null };
    });
  }

  /** REFRESH MATERIALIZED VIEW (CONCURRENTLY where possible), in dependency order. */
  async refreshViews(only: string[] = []): Promise<ViewRefresh[]> {
    return this.withLock(async (session) => {
      this.assertMayChange('refresh views on');
      const out = await refreshMaterializedViews(session, only);
      if (await this.store.exists(session)) {
        await this.store.log(session, { action: 'maintenance', success: true, durationMs: out.reduce((a, v) => a + v.durationMs, 0), environment: this.environmentName, performedBy: this.appliedBy, message: `refreshed ${out.length} materialized view(s)` });
      }
      return out;
    });
  }

  async partitions(): Promise<PartitionedTable[]> {
    const session = await this.db.session();
    try {
      return await listPartitionedTables(session);
    } finally {
      await session.release();
    }
  }

  /** Creates upcoming monthly partitions and detaches (or drops) expired ones, as "partitions" in the config says; one transaction. */
  async maintainPartitions(now = new Date()): Promise<PartitionChange[]> {
    const policies = this.project.config.partitions;
    if (Object.keys(policies).length === 0) {
      throw new MigrationError('E_USAGE', 'no partitioned tables are configured for maintenance',
        'add "partitions": { "api_request_logs": { "premakeMonths": 3, "retentionMonths": 12 } } to database-migration.config.json');
    }
    return this.withLock(async (session) => {
      this.assertMayChange('maintain partitions on');
      await session.exec('BEGIN');
      try {
        const changes = await maintainPartitions(session, policies, now);
        if (await this.store.exists(session)) {
          await this.store.log(session, { action: 'maintenance', success: true, environment: this.environmentName, performedBy: this.appliedBy, message: changes.length ? changes.map((c) => `${c.action} ${c.partition}`).join(', ') : 'partitions already in shape' });
        }
        await session.exec('COMMIT');
        return changes;
      } catch (err) {
        await session.exec('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async performance(limit = 10): Promise<PerformanceReport> {
    const session = await this.db.session();
    try {
      return await performanceReport(session, this.store, limit, this.db.kind === 'pglite');
    } finally {
      await session.release();
    }
  }

  /** Dependency edges (declared and inferred) between the migration files. */
  async dependencies(): Promise<MigrationAnalysis> {
    return analyseMigrations(this.migrations(), this.postgresVersion());
  }

  private postgresVersion(): number {
    return this.project.config.lint.postgresVersion ?? 15;
  }

  private historyTableNames(): string[] {
    const t = this.project.config.historyTable;
    return [t, `${t}_log`, `${t}_seeds`];
  }

  /** Runs what --up (or --down) would run inside a transaction that is rolled back: time, rows and locks per statement. */
  async dryRun(direction: 'up' | 'down', options: UpOptions & DownOptions = {}): Promise<MigrationRehearsal[]> {
    const files = this.migrations();
    return this.withLock(async (session) => {
      const statuses = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      const steps: DryRunStep[] = direction === 'up'
        ? planUp(statuses, { allowOutOfOrder: this.project.config.allowOutOfOrder, ...options }).map(({ migration: m }) => ({
          id: migrationId(m), direction, sql: m.up, baseLine: m.upLine, transactional: m.transactional, file: m.file }))
        : planDown(statuses, options).map((d) => ({
          id: migrationId(d), direction, sql: d.downSql, baseLine: d.source === 'file' && d.file?.downLine ? d.file.downLine : 1,
          transactional: d.transactional, file: d.file?.file ?? '' }));
      return dryRun(session, steps);
    });
  }

  /** Rollback verification of the pending migrations (up to and including `ref` when given). */
  async verify(ref?: string): Promise<VerificationResult[]> {
    const files = this.migrations();
    return this.withLock(async (session) => {
      const statuses = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      if (ref !== undefined) {
        const target = resolveMigrationRef(statuses, ref);
        if (target.state !== 'pending') {
          throw new MigrationError('E_USAGE', `${migrationId(target)} is ${target.state}; --verify checks pending migrations`,
            `roll it back first (--down to ${target.version}), then verify it`);
        }
      }
      const plan = planUp(statuses, { allowOutOfOrder: true, allowDrift: true, to: ref });
      return verifyMigrations(session, plan.map((p) => p.migration), this.historyTableNames());
    });
  }

  get backups(): BackupStore {
    return new BackupStore(backupDir(this.project.config, this.project.environment));
  }

  /** Backups of this environment's database, newest first. */
  listBackups(): BackupEntry[] {
    return this.backups.list().filter((b) => b.database === this.db.description);
  }

  findBackup(ref: string): BackupEntry {
    return this.backups.find(ref, this.db.description);
  }

  /** A backup taken on request (--backup). */
  async backup(): Promise<BackupEntry> {
    return this.withLock(async (session) => {
      await this.store.ensure(session);
      const statuses = computeStatus(this.migrations(), await this.store.read(session), { environment: this.environmentName });
      const v = newestApplied(statuses);
      return this.takeBackup(session, 'manual', v, v);
    });
  }

  /** Restores a backup: checks its sha256, backs up the current state, then replaces everything in one transaction. */
  async restore(ref: string): Promise<{ restored: BackupEntry; safety: BackupEntry }> {
    this.assertMayChange('restore a backup over');
    const store = this.backups;
    const entry = store.find(ref, this.db.description);
    const file = store.verify(entry);
    return this.withLock(async (session) => {
      await this.store.ensure(session);
      const statuses = computeStatus(this.migrations(), await this.store.read(session), { environment: this.environmentName });
      const safety = await this.takeBackup(session, 'pre-restore', newestApplied(statuses), entry.versionBefore);
      const { major } = await serverVersion(session);
      const t0 = performance.now();
      try {
        await this.db.restore(file, entry.format, major);
      } catch (err) {
        if (err instanceof MigrationError) throw err;
        throw new MigrationError('E_RESTORE_FAILED', `restoring ${entry.id} failed: ${redactText(String((err as Error)?.message ?? err))}`,
          `nothing was changed (the restore runs in one transaction); the state before the attempt is also saved as backup ${safety.id}`, {}, { cause: err });
      }
      await this.store.ensure(session);
      await this.store.log(session, { action: 'restore', version: entry.versionBefore, success: true, durationMs: Math.round(performance.now() - t0), environment: this.environmentName, performedBy: this.appliedBy, message: `restored backup ${entry.id} (state before it saved as ${safety.id})` });
      return { restored: entry, safety };
    });
  }

  private async backupBeforeChange(session: Session, reason: BackupReason, before: string | null, after: string | null, skip?: boolean): Promise<void> {
    if (!backupSettings(this.project.environment).enabled) return;
    if (skip) {
      await this.store.log(session, { action: 'backup', version: before, success: true, environment: this.environmentName, performedBy: this.appliedBy, message: `skipped before --${reason}: --no-backup` });
      this.options.onEvent?.({ type: 'backup-skipped', reason: '--no-backup' });
      return;
    }
    await this.takeBackup(session, reason, before, after);
  }

  private async takeBackup(session: Session, reason: BackupReason, before: string | null, after: string | null): Promise<BackupEntry> {
    const store = this.backups;
    const now = new Date();
    const target = store.newFile(now, before);
    const t0 = performance.now();
    try {
      const version = await serverVersion(session);
      const dumped = await this.db.dump(target.full, version.major);
      const entry: BackupEntry = {
        id: target.id, file: target.file, createdAt: now.toISOString(), environment: this.environmentName, reason,
        versionBefore: before, versionAfter: after, format: dumped.format, tool: dumped.tool,
        sizeBytes: fs.statSync(target.full).size, sha256: sha256File(target.full), serverVersion: version.text, database: this.db.description,
      };
      await this.store.log(session, { action: 'backup', version: before, success: true, durationMs: Math.round(performance.now() - t0), environment: this.environmentName, performedBy: this.appliedBy, message: `backup ${entry.id} (${reason}, ${entry.sizeBytes} bytes)` });
      store.add(entry);
      store.prune(backupSettings(this.project.environment).keep, this.db.description);
      this.options.onEvent?.({ type: 'backup-done', entry });
      return entry;
    } catch (err) {
      fs.rmSync(target.full, { force: true });
      const e = err instanceof MigrationError ? err
        : new MigrationError('E_BACKUP_FAILED', `backup failed: ${redactText(String((err as Error)?.message ?? err))}`,
          'fix the cause, or run with --no-backup to skip the backup', {}, { cause: err });
      await this.store.log(session, { action: 'backup', version: before, success: false, environment: this.environmentName, performedBy: this.appliedBy, message: `${e.message} — nothing was migrated` }).catch(() => {});
      throw e;
    }
  }

  /**
   * Adopts an existing database: records every migration up to and including `ref`
   * as applied without running it. Refuses when anything is already recorded.
   */
  async baseline(ref: string): Promise<MigrationStatus[]> {
    const files = this.migrations();
    return this.withLock(async (session) => {
      const statuses = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      const target = resolveMigrationRef(statuses, ref);
      if (statuses.some((x) => x.history)) {
        throw new MigrationError('E_USAGE', 'the history table already records applied migrations, so there is nothing to baseline',
          'use --baseline only on a database that was built without this tool; use --mark-applied for a single dirty migration');
      }
      this.assertMayChange('baseline');
      await this.store.ensure(session);
      const batch = await this.store.nextBatch(session);
      await session.exec('BEGIN');
      try {
        for (const s of statuses) {
          if (!s.file || BigInt(s.version) > BigInt(target.version) || s.state === 'skipped') continue;
          await this.store.insert(session, { version: s.version, name: s.name, checksum: s.file.checksum, downSql: s.file.down, status: 'applied', transactional: s.file.transactional, appliedBy: this.appliedBy, durationMs: 0, environment: this.environmentName, batch });
        }
        await this.store.log(session, { action: 'baseline', version: target.version, name: target.name, success: true, environment: this.environmentName, performedBy: this.appliedBy, message: `recorded migrations up to ${migrationId(target)} as applied without running them` });
        await session.exec('COMMIT');
      } catch (err) {
        await session.exec('ROLLBACK').catch(() => {});
        throw err;
      }
      return computeStatus(files, await this.store.read(session), { environment: this.environmentName });
    });
  }

  /** Accepts an intentionally edited applied file: its new checksum (and down SQL) become the recorded ones. */
  async repairChecksum(ref: string): Promise<MigrationStatus> {
    const files = this.migrations();
    return this.withLock(async (session) => {
      const statuses = computeStatus(files, await this.store.read(session), { environment: this.environmentName });
      const target = resolveMigrationRef(statuses, ref);
      if (target.state !== 'modified') {
        throw new MigrationError('E_USAGE', `${migrationId(target)} is ${target.state}, not modified, so its checksum needs no repair`,
          'use --repair-checksum only for an applied migration that --status shows as modified');
      }
      await this.store.updateChecksum(session, target.version, target.file!.checksum, target.file!.down);
      await this.store.log(session, { action: 'repair', version: target.version, name: target.name, success: true, environment: this.environmentName, performedBy: this.appliedBy, message: `accepted edited file: checksum ${target.history!.checksum.slice(0, 12)} -> ${target.file!.checksum.slice(0, 12)}` });
      return computeStatus(files, await this.store.read(session), { environment: this.environmentName }).find((x) => x.version === target.version)!;
    });
  }

  private assertMayChange(what: string): void {
    if (this.project.environment.settings.protected && !this.options.confirmed) {
      throw new MigrationError('E_PROTECTED', `environment "${this.environmentName}" is protected; refusing to ${what} it without confirmation`,
        'run again with --yes (or answer the prompt) once you are sure');
    }
  }

  private async applyUp(session: Session, m: MigrationFile, batch: number, inOuterTransaction = false, statements?: { up: SqlStatement[] }): Promise<number> {
    const id = migrationId(m);
    this.options.onEvent?.({ type: 'migration-start', direction: 'up', id });
    const t0 = performance.now();
    const row = { version: m.version, name: m.name, checksum: m.checksum, downSql: m.down, transactional: m.transactional, appliedBy: this.appliedBy, environment: this.environmentName, batch };
    const slow: { line: number; sql: string; ms: number }[] = [];
    const watch = (stmt: { line: number; text: string }, ms: number) => {
      if (ms >= this.project.config.slowStatementMs) slow.push({ line: m.upLine + stmt.line - 1, sql: stmt.text.replace(/\s+/g, ' ').slice(0, 200), ms: Math.round(ms) });
    };
    const recordSlow = async () => {
      for (const x of slow) {
        await this.store.log(session, { action: 'slow', version: m.version, name: m.name, success: true, durationMs: x.ms, environment: this.environmentName, performedBy: this.appliedBy, message: `${id} line ${x.line}: ${x.sql}` });
      }
    };
    const stmts = statements?.up ?? (await splitStatements(m.up));
    if ((inOuterTransaction || m.transactional) && this.project.config.slowStatementMs === 0) {
      // "slowStatementMs": 0 asks for every statement's time, so run them one by one.
      try {
        await execStatements(session, m.up, watch, { statements: stmts, prefix: inOuterTransaction ? undefined : 'BEGIN' });
        const durationMs = Math.round(performance.now() - t0);
        await recordSlow();
        await session.exec(this.store.recordAndCommitSql({ ...row, status: 'applied', durationMs }, 'up', { commit: !inOuterTransaction }));
        if (!inOuterTransaction && changesSessionSettings(stmts)) await session.resetSettings();
        this.options.onEvent?.({ type: 'migration-done', direction: 'up', id, durationMs });
        return durationMs;
      } catch (err) {
        if (inOuterTransaction) throw err;
        await session.exec('ROLLBACK').catch(() => {});
        throw await this.failed(session, err, m, 'up', m.upLine, false);
      }
    }
    if (inOuterTransaction || m.transactional) {
      // One round trip per migration: BEGIN, the statements, the history row with its log entry, and
      // COMMIT go as one query (--single-transaction: the caller owns BEGIN/COMMIT).
      const batch = buildBatch(stmts, inOuterTransaction ? '' : 'BEGIN;\n',
        this.store.recordAndCommitSql({ ...row, status: 'applied', durationMs: null }, 'up', { durationSql: HistoryStore.SERVER_ELAPSED_MS, commit: !inOuterTransaction }));
      try {
        await session.exec(batch.sql);
      } catch (err) {
        if (inOuterTransaction) throw batch.locate(err);
        await session.exec('ROLLBACK').catch(() => {});
        throw await this.failed(session, await this.locateFailure(session, err, batch, stmts), m, 'up', m.upLine, false);
      }
      const durationMs = Math.round(performance.now() - t0);
      if (durationMs >= this.project.config.slowStatementMs) {
        // Statements ran as one batch: the time is the migration's; name all its statements.
        watch({ line: stmts[0]?.line ?? 1, text: stmts.map((x) => x.text.replace(/\s+/g, ' ').trim()).join(' ').slice(0, 200) }, durationMs);
        await recordSlow();
      }
      // A plain SET outlives COMMIT: clear it so it cannot leak into the next migration.
      if (!inOuterTransaction && changesSessionSettings(stmts)) await session.resetSettings();
      this.options.onEvent?.({ type: 'migration-done', direction: 'up', id, durationMs });
      return durationMs;
    }
    // "-- transaction: none": record it as running first, so an interruption shows as dirty.
    await this.store.insert(session, { ...row, status: 'running', durationMs: null });
    try {
      await execStatements(session, m.up, (stmt, ms) => {
        watch(stmt, ms);
        this.options.onEvent?.({ type: 'statement-done', id, line: m.upLine + stmt.line - 1, durationMs: Math.round(ms) });
      });
    } catch (err) {
      throw await this.failed(session, err, m, 'up', m.upLine, true);
    }
    const durationMs = Math.round(performance.now() - t0);
    // Statements ran in autocommit mode, so a SET among them is still in force: clear it for what follows.
    await session.resetSettings();
    await this.store.markAppliedWithLog(session, m.version, durationMs, this.environmentName, this.appliedBy);
    await recordSlow();
    this.options.onEvent?.({ type: 'migration-done', direction: 'up', id, durationMs });
    return durationMs;
  }

  /**
   * Where a batched migration failed: the server's position maps to a statement directly; otherwise run
   * the statements one by one in a transaction that is rolled back, to find the one that fails.
   */
  private async locateFailure(session: Session, err: unknown, batch: Batch, stmts: SqlStatement[]): Promise<unknown> {
    const mapped = batch.locate(err);
    if (mapped instanceof StatementFailure) return mapped;
    const code = asServerError(err)?.code;
    // Connection-level failures (terminated, server shutting down, lost link) cannot be replayed.
    if (!code || code.startsWith('57P') || code.startsWith('08')) return err;
    try {
      await execStatements(session, '', undefined, { statements: stmts, prefix: 'BEGIN' });
    } catch (again) {
      // Only trust the replay when it failed the same way.
      if (again instanceof StatementFailure && asServerError(again.serverError)?.code === code) return again;
      return err;
    } finally {
      await session.exec('ROLLBACK').catch(() => {});
    }
    return err; // it did not fail again: report it without a line
  }

  private async applyDown(session: Session, step: ReturnType<typeof planDown>[number]): Promise<number> {
    const id = migrationId(step);
    this.options.onEvent?.({ type: 'migration-start', direction: 'down', id });
    const t0 = performance.now();
    const baseLine = step.source === 'file' && step.file?.downLine ? step.file.downLine : 1;
    const subject = step.file ?? { version: step.version, name: step.name, file: '' };
    if (step.transactional) {
      await session.exec('BEGIN');
      try {
        await execStatements(session, step.downSql);
        await this.store.remove(session, step.version);
        const durationMs = Math.round(performance.now() - t0);
        await this.store.log(session, { action: 'down', version: step.version, name: step.name, success: true, durationMs, environment: this.environmentName, performedBy: this.appliedBy, message: step.source === 'history' ? 'down SQL taken from the history table (file missing or changed)' : null });
        await session.exec('COMMIT');
        this.options.onEvent?.({ type: 'migration-done', direction: 'down', id, durationMs });
        return durationMs;
      } catch (err) {
        await session.exec('ROLLBACK').catch(() => {});
        throw await this.failed(session, err, subject, 'down', baseLine, false);
      }
    }
    await this.store.markRunning(session, step.version);
    try {
      await execStatements(session, step.downSql);
    } catch (err) {
      throw await this.failed(session, err, subject, 'down', baseLine, true);
    }
    await session.resetSettings();
    const durationMs = Math.round(performance.now() - t0);
    await this.store.removeWithLog(session, step.version, durationMs, this.environmentName, this.appliedBy);
    this.options.onEvent?.({ type: 'migration-done', direction: 'down', id, durationMs });
    return durationMs;
  }

  private async failed(session: Session, err: unknown, m: { version: string; name: string; file: string }, direction: 'up' | 'down',
    baseLine: number, dirty: boolean): Promise<MigrationError> {
    if (err instanceof MigrationError) return err;
    const failure = describeStatementFailure(err, baseLine);
    const id = migrationId(m);
    await this.store.log(session, { action: 'failed', version: m.version, name: m.name, success: false, environment: this.environmentName, performedBy: this.appliedBy, message: `${direction}: ${failure.text}` }).catch(() => {});
    if (dirty) {
      const stmt = err instanceof StatementFailure ? err.statement.text.replace(/\s+/g, ' ').slice(0, 120) : '';
      await this.store.recordError(session, m.version, `line ${failure.line ?? '?'} (${direction}${stmt ? `: ${stmt}` : ''}): ${failure.text}`).catch(() => {});
    }
    const hint = dirty
      ? `it runs outside a transaction, so the statements before this one stay applied and it is marked dirty; fix the statement, undo or finish by hand, then run "database-migration --mark-applied ${m.version}" or "--mark-rolled-back ${m.version}"`
      : `fix the statement and run --${direction} again; ${id} was rolled back completely, so the database is as it was before it`;
    return new MigrationError('E_MIGRATION_FAILED', `${id} failed (${direction}): ${failure.text}`, hint,
      m.file ? { file: m.file, line: failure.line, column: failure.column } : {}, { cause: err });
  }

  /** Runs `fn` holding the session-level advisory lock that serialises runners on this history table. */
  private async withLock<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.db.session();
    const key = this.store.lockKeySql();
    let locked = false;
    try {
      const deadline = Date.now() + this.project.config.lockWaitMs;
      let announced = false;
      for (;;) {
        const r = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${key.sql}) AS ok`, key.params);
        if (r.rows[0]?.ok) { locked = true; break; }
        const holder = await this.lockHolder(session);
        if (Date.now() >= deadline) {
          throw new MigrationError('E_LOCK_TIMEOUT',
            `another migration run holds the lock on ${this.db.description}${holder ? ` (${holder})` : ''}; gave up after ${this.project.config.lockWaitMs} ms`,
            'wait for the other run to finish and try again, or raise "lockWaitMs" in the config');
        }
        if (!announced) {
          this.options.onEvent?.({ type: 'lock-wait', message: `waiting for another migration run${holder ? ` (${holder})` : ''}` });
          announced = true;
        }
        await new Promise((r2) => setTimeout(r2, 100));
      }
      return await fn(session);
    } finally {
      if (locked) await session.query(`SELECT pg_advisory_unlock(${key.sql})`, key.params).catch(() => {});
      await session.release();
    }
  }

  private async lockHolder(session: Session): Promise<string | null> {
    const key = this.store.lockKeySql();
    try {
      const r = await session.query<{ pid: number; application_name: string | null; usename: string | null }>(
        `SELECT a.pid, a.application_name, a.usename FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = ${key.sql} LIMIT 1`, key.params);
      const h = r.rows[0];
      return h ? `pid ${h.pid}${h.application_name ? `, ${h.application_name}` : ''}${h.usename ? `, user ${h.usename}` : ''}` : null;
    } catch {
      return null;
    }
  }
}

/**
 * Whether a migration may leave session settings behind: a SET statement (from the parse tree), or
 * statements that were not parsed, or a call that could set them (set_config, functions, DO blocks).
 */
function changesSessionSettings(stmts: SqlStatement[]): boolean {
  return stmts.some((x) => {
    const { kind, node } = x as Partial<ParsedStatement>;
    if (!kind || !node) return true;
    return kind === 'VariableSetStmt' || kind === 'DoStmt'
      || findAll(node, 'FuncCall').some((f) => stringList(f['funcname']).pop() === 'set_config');
  });
}

interface Batch {
  sql: string;
  /** The error as a StatementFailure of the statement the server's position falls in, when it has one. */
  locate(err: unknown): unknown;
}

/** Statements joined into one query, remembering where each starts so an error position maps back. */
function buildBatch(stmts: SqlStatement[], prefix: string, suffix: string): Batch {
  let sql = prefix;
  const starts: number[] = [];
  for (const st of stmts) {
    starts.push(sql.length);
    sql += st.text.trimEnd().endsWith(';') ? st.text : `${st.text};`;
    sql += '\n';
  }
  sql += suffix;
  return {
    sql,
    locate(err: unknown): unknown {
      const se = asServerError(err);
      const pos = se?.position ? Number(se.position) - 1 : NaN;
      if (!Number.isFinite(pos)) return err;
      for (let i = stmts.length - 1; i >= 0; i--) {
        if (pos >= starts[i]! && pos < starts[i]! + stmts[i]!.text.length) return new StatementFailure(err, stmts[i]!, starts[i]!);
      }
      return err;
    },
  };
}

/** A statement PostgreSQL refuses inside a transaction, in a migration that runs in one: refuse before anything runs. */
function assertTransactionSafe(migrations: MigrationFile[], analysis: MigrationAnalysis, section: 'up' | 'down'): void {
  for (const m of migrations) {
    const bad = analysis.nonTransactional.find((n) => n.version === m.version && n.section === section);
    if (bad) {
      throw new MigrationError('E_NON_TRANSACTIONAL',
        `${bad.what} cannot run inside a transaction, and ${migrationId(m)} runs in one`,
        'add the line "-- transaction: none" above "-- Up migration" (the migration then runs statement by statement), or move this statement into a migration of its own',
        { file: m.file, line: bad.line });
    }
  }
}

function newestApplied(statuses: MigrationStatus[]): string | null {
  let v: string | null = null;
  for (const s of statuses) if (s.history && s.state !== 'dirty' && (v === null || BigInt(s.version) > BigInt(v))) v = s.version;
  return v;
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
