/**
 * What every use case shares: the project, its database, the history store, who runs it, events, the
 * protected-environment check, and the small steps they all repeat (lock, transaction, audit row, statuses).
 */
import * as os from 'node:os';
import { ACTION_POLICY, needsConfirmation, type EngineAction } from './actions';
import type { Database, Session } from './db/database';
export { withTransaction } from './db/transaction';
import { readProjectMigrations } from './formats';
import { MigrationError } from './errors';
import type { EngineEvent } from './events';
import { HistoryStore, type LogAction } from './history';
import type { MigrationFile } from './migration-file';
import { computeStatus, type MigrationStatus } from './planner';
import type { Project } from './project';
import type { ShadowService } from './shadow/service';

export interface EngineOptions {
  onEvent?: (event: EngineEvent) => void;
  /** Recorded in applied_by; defaults to the OS user name. */
  appliedBy?: string;
  /** Needed to change an environment marked "protected". */
  confirmed?: boolean;
  /** Asked between migrations of up/down; true stops the run there (each migration is whole, so stopping is safe). */
  shouldStop?: () => boolean;
  /** A shadow service shared by several engines (a fleet's --drift: one replay for every target); the engine does not close it. */
  shadow?: ShadowService;
  /**
   * Awaited after each "migration-start" event, before the migration's SQL runs: a listener that delivers
   * asynchronously (VS Code's progress notification) gets its message out there, before a long statement on the
   * embedded database, which runs in this thread, blocks the process.
   */
  afterMigrationStart?: () => Promise<void>;
}

/** One row of the audit log, without the fields every row shares (environment, who). */
export interface AuditEntry {
  action: LogAction;
  version?: string | null;
  name?: string | null;
  success: boolean;
  durationMs?: number | null;
  message?: string | null;
}

export class EngineContext {
  readonly store: HistoryStore;
  readonly appliedBy: string;
  private warned = false;

  constructor(readonly project: Project, readonly db: Database, readonly options: EngineOptions = {}) {
    this.store = new HistoryStore({ schema: project.config.historySchema, table: project.config.historyTable });
    this.appliedBy = options.appliedBy ?? safeUserName();
  }

  get environmentName(): string {
    return this.project.environment.name;
  }

  get config() {
    return this.project.config;
  }

  get postgresVersion(): number {
    return this.project.config.lint.postgresVersion ?? 15;
  }

  /** The history tables, left out of catalog comparisons (they change on every run). */
  get historyTableNames(): string[] {
    const t = this.project.config.historyTable;
    return [t, `${t}_log`, `${t}_seeds`];
  }

  emit(event: EngineEvent): void {
    this.options.onEvent?.(event);
  }

  /** See EngineOptions.afterMigrationStart. */
  async afterProgress(): Promise<void> {
    await this.options.afterMigrationStart?.();
  }

  /** The project's migration files; what their format warns about is emitted once per run (the first read). */
  migrations(): MigrationFile[] {
    const read = readProjectMigrations(this.project.config);
    if (!this.warned) {
      this.warned = true;
      for (const w of read.warnings) this.emit({ type: 'warning', ...w });
    }
    return read.migrations;
  }

  /** Refuses an action that changes a protected environment unless a person confirmed it (or --yes). */
  assertMayChange(action: EngineAction): void {
    if (needsConfirmation(action, this.project.environment) && !this.options.confirmed) {
      throw new MigrationError('E_PROTECTED', `environment "${this.environmentName}" is protected; refusing to ${ACTION_POLICY[action].verb} it without confirmation`,
        'run again with --yes (or answer the prompt) once you are sure');
    }
  }

  /** Appends a row to the audit log. */
  audit(session: Session, entry: AuditEntry): Promise<void> {
    return this.store.log(session, { ...entry, environment: this.environmentName, performedBy: this.appliedBy });
  }

  async readStatuses(session: Session, files: MigrationFile[], options: { withDownSql?: boolean } = {}): Promise<MigrationStatus[]> {
    return computeStatus(files, await this.store.read(session, options), { environment: this.environmentName });
  }

  /** Runs `fn` on a session of its own, released afterwards. */
  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.db.session();
    try {
      return await fn(session);
    } finally {
      await session.release();
    }
  }

  /** Runs `fn` holding the session-level advisory lock that serialises runners on this history table. */
  async withLock<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.db.session();
    const key = this.store.lockKeySql();
    let locked = false;
    try {
      locked = await this.acquireLock(session);
      return await fn(session);
    } finally {
      if (locked) await session.query(`SELECT pg_advisory_unlock(${key.sql})`, key.params).catch(() => {});
      await session.release();
    }
  }

  private async acquireLock(session: Session): Promise<true> {
    const key = this.store.lockKeySql();
    const deadline = Date.now() + this.project.config.lockWaitMs;
    let announced = false;
    for (;;) {
      const r = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${key.sql}) AS ok`, key.params);
      if (r.rows[0]?.ok) return true;
      const holder = await this.lockHolder(session);
      if (Date.now() >= deadline) {
        throw new MigrationError('E_LOCK_TIMEOUT',
          `another migration run holds the lock on ${this.db.description}${holder ? ` (${holder})` : ''}; gave up after ${this.project.config.lockWaitMs} ms`,
          'wait for the other run to finish and try again, or raise "lockWaitMs" in the config');
      }
      if (!announced) {
        this.emit({ type: 'lock-wait', message: `waiting for another migration run${holder ? ` (${holder})` : ''}` });
        announced = true;
      }
      await new Promise((r2) => setTimeout(r2, 100));
    }
  }

  private async lockHolder(session: Session): Promise<string | null> {
    const key = this.store.lockKeySql();
    try {
      const r = await session.query<{ pid: number; application_name: string | null; usename: string | null }>(
        `SELECT a.pid, a.application_name, a.usename FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND ((l.classid::bigint << 32) | l.objid::bigint) = ${key.sql} LIMIT 1`, key.params);
      const h = r.rows[0];
      return h ? `pid ${h.pid}${h.application_name ? `, ${h.application_name}` : ''}${h.usename ? `, user ${h.usename}` : ''}` : null;
    } catch {
      return null;
    }
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
