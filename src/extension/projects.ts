/**
 * The workspace's migration projects (one per folder with a config or a
 * migrations directory), the environment chosen for each, a cached engine per
 * folder, and `run()`: every database operation goes through it (trust check,
 * protected-environment confirmation as the engine's ACTION_POLICY asks, progress,
 * cancellation, password retry, errors to the output channel).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ACTION_POLICY, needsConfirmation, type EngineAction } from '../core/actions';
import { describeTarget, type Config } from '../core/config';
import type { BackupEntry } from '../core/backups';
import type { DependencyEdge } from '../core/dependencies';
import { discoverSeeds, type SeedFile } from '../core/discovery';
import { readProjectMigrations } from '../core/formats';
import { connectProject, MigrationEngine, openProject, type EngineEvent, type Project, type SeedHistory } from '../core/engine';
import { environmentChoices, type EnvironmentChoice } from '../core/project';
import { isMigrationError, MigrationError } from '../core/errors';
import { isFleet, type TargetsSetting } from '../core/fleet';
import type { LogEntry } from '../core/history';
import type { MigrationFile } from '../core/migration-file';
import type { MigrationStatus } from '../core/planner';
import { redactText, redactUrl } from '../core/redact';
import { renderEventForLog, renderProgress } from '../core/report';
import type { OpenError } from './model/environments';
import { configPathFor, isProjectFolder } from './model/folders';
import { confirmationError } from './model/names';
import { ProgressPacing } from './model/progress-pacing';

export const OUTPUT_CHANNEL_NAME = 'Database Migrations';
/** A folder's database stays open this long after its last use (PGlite is slow to open; the CLI needs it closed). */
const IDLE_CLOSE_MS = 30_000;

export interface ProjectFolder {
  /** The workspace folder's URI as a string. */
  key: string;
  name: string;
  folder: vscode.WorkspaceFolder;
  cwd: string;
}

/** What the views show for one folder; statuses is null until the database was read. */
export interface FolderState {
  environment: string;
  database: string;
  isProtected: boolean;
  environments: string[];
  root: string;
  migrationsDir: string;
  files: MigrationFile[];
  seeds: SeedFile[];
  /** The config's "sampleDataDir" relative to the root, null without one. */
  sampleDataDir: string | null;
  /** Each seed's last run and the sample data's last load, read with the statuses (null before). */
  seedHistory: SeedHistory | null;
  backups: BackupEntry[];
  statuses: MigrationStatus[] | null;
  edges: DependencyEdge[];
  log: LogEntry[];
  /** Why the files or the database could not be read. */
  error: string | null;
  /** Why the project (its config) or the chosen environment could not be opened; the config's lists are still read when it can be. */
  openError: OpenError | null;
  loading: boolean;
  /** The environment's "targets" when it is a fleet, else null (read with the config, not on every render). */
  fleet: TargetsSetting | null;
}

interface EngineHandle {
  engine: MigrationEngine;
  /** Environment + connection target the engine was made for. */
  signature: string;
  queue: Promise<unknown>;
  token: vscode.CancellationToken | undefined;
  /** The running work's progress indicator: engine events move it ("Applying 002_x (2 of 5)"). */
  progress: vscode.Progress<{ message?: string }> | undefined;
  /** Mirrors VS Code's throttle of the running work's progress reports (a new one per run). */
  pacing: ProgressPacing | undefined;
  idle: NodeJS.Timeout | undefined;
}

export interface RunOptions {
  /** Progress title and the verb used in messages. */
  title: string;
  /** What it does to the database; the engine's ACTION_POLICY says whether that needs typed confirmation. */
  action: EngineAction;
  cancellable?: boolean;
  /** Where progress shows: a notification (default) or quietly in a view. */
  location?: vscode.ProgressLocation | { viewId: string };
  /** Errors go only to the output channel (background refreshes). */
  quiet?: boolean;
}

export function describeError(err: unknown): string {
  return isMigrationError(err) ? err.format() : redactText(String((err as Error)?.message ?? err));
}

export class ProjectRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProjectFolder | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly states = new Map<string, FolderState>();
  private readonly engines = new Map<string, EngineHandle>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private outputChannel: vscode.LogOutputChannel | undefined;
  /** Reads a fleet environment's targets (set by fleet.ts): refreshStatus hands a fleet to it; returns the error text or null. */
  fleetStatus: ((pf: ProjectFolder) => Promise<string | null>) | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** A log channel: each line has its time and level ([info], [warning], [error]); the user filters by level. */
  get output(): vscode.LogOutputChannel {
    if (!this.outputChannel) this.outputChannel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
    return this.outputChannel;
  }

  private settings() {
    const c = vscode.workspace.getConfiguration('databaseMigration');
    return { configFile: c.get<string>('configFile', ''), defaultEnvironment: c.get<string>('defaultEnvironment', '') };
  }

  /** Workspace folders that hold a project, in workspace order. */
  folders(): ProjectFolder[] {
    const { configFile } = this.settings();
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file' && isProjectFolder(f.uri.fsPath, configFile))
      .map((f) => ({ key: f.uri.toString(), name: f.name, folder: f, cwd: f.uri.fsPath }));
  }

  /** The folder of the active editor, else the first project folder. */
  activeFolder(): ProjectFolder | undefined {
    const all = this.folders();
    const uri = vscode.window.activeTextEditor?.document.uri;
    const ws = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    return all.find((f) => f.key === ws?.uri.toString()) ?? all[0];
  }

  folderFor(uri: vscode.Uri): ProjectFolder | undefined {
    const ws = vscode.workspace.getWorkspaceFolder(uri);
    return this.folders().find((f) => f.key === ws?.uri.toString());
  }

  chosenEnvironment(pf: ProjectFolder): string | undefined {
    return this.context.workspaceState.get<string>(`databaseMigration.environment:${pf.key}`) || this.settings().defaultEnvironment || undefined;
  }

  async chooseEnvironment(pf: ProjectFolder, environment: string): Promise<void> {
    await this.context.workspaceState.update(`databaseMigration.environment:${pf.key}`, environment);
    await this.closeEngine(pf.key);
    this.states.delete(pf.key);
    this.changed.fire(pf);
  }

  private secretKey(pf: ProjectFolder, environment: string): string {
    return `databaseMigration.password:${pf.key}:${environment}`;
  }

  async setPassword(pf: ProjectFolder, environment: string, password: string | undefined): Promise<void> {
    if (password) await this.context.secrets.store(this.secretKey(pf, environment), password);
    else await this.context.secrets.delete(this.secretKey(pf, environment));
    await this.closeEngine(pf.key);
  }

  /** The project as the core reads it (config, environment, connection target); `password` from SecretStorage, in memory only. */
  open(pf: ProjectFolder, password?: string): Project {
    return openProject({ cwd: pf.cwd, configPath: configPathFor(this.settings().configFile), env: this.chosenEnvironment(pf), password });
  }

  /** The folder's state from disk (no database access); the database part is kept from the last refresh. */
  state(pf: ProjectFolder): FolderState {
    const previous = this.states.get(pf.key);
    let project: Project;
    try {
      project = this.open(pf);
    } catch (err) {
      const s = this.unopenedState(pf, err);
      this.states.set(pf.key, s);
      return s;
    }
    const { config, environment } = project;
    let files: MigrationFile[] = [];
    let error: string | null = null;
    try {
      files = readProjectMigrations(config).migrations;
    } catch (err) {
      error = describeError(err);
    }
    let backups: BackupEntry[] = [];
    try {
      backups = new MigrationEngine(project, connectProject(project)).listBackups();
    } catch { /* no manifest yet, or unreadable: the Backups view shows none */ }
    const same = previous && previous.environment === environment.name;
    const s: FolderState = {
      environment: environment.name,
      database: redactUrl(connectDescription(project)),
      isProtected: !!environment.settings.protected,
      environments: Object.keys(config.environments).length ? Object.keys(config.environments) : [config.defaultEnvironment],
      root: config.root,
      migrationsDir: config.migrationsDir,
      files,
      seeds: discoverSeeds(config.seedsDir, config.root),
      sampleDataDir: config.sampleDataDir ? path.relative(config.root, config.sampleDataDir) || config.sampleDataDir : null,
      seedHistory: same ? previous.seedHistory : null,
      backups,
      statuses: same ? previous.statuses : null,
      edges: same ? previous.edges : [],
      log: same ? previous.log : [],
      // A database error is kept until the next read of the database; a config or environment error is not (fixed now).
      error: error ?? (same && !previous.openError ? previous.error : null),
      openError: null,
      loading: this.refreshing.has(pf.key),
      fleet: isFleet(project, []) ? environment.settings.targets ?? null : null,
    };
    this.states.set(pf.key, s);
    return s;
  }

  /**
   * The state when the project cannot be opened: with a readable config, whose environment failed (an unset
   * ${env:VAR}, say), everything but the database is still read — the environments (so the picker lists them all),
   * the migration files, the seeds.
   */
  private unopenedState(pf: ProjectFolder, err: unknown): FolderState {
    const text = describeError(err);
    const s: FolderState = {
      environment: this.chosenEnvironment(pf) ?? '?', database: '', isProtected: false, environments: [], root: pf.cwd, migrationsDir: pf.cwd,
      files: [], seeds: [], sampleDataDir: null, seedHistory: null, backups: [], statuses: null, edges: [], log: [], error: text, openError: { scope: 'config', text }, loading: false, fleet: null,
    };
    let config: Config;
    try {
      ({ config } = environmentChoices({ cwd: pf.cwd, configPath: configPathFor(this.settings().configFile) }));
    } catch {
      return s; // the config itself: nothing more can be read
    }
    const environments = Object.keys(config.environments).length ? Object.keys(config.environments) : [config.defaultEnvironment];
    Object.assign(s, {
      environment: this.chosenEnvironment(pf) ?? config.defaultEnvironment, environments, root: config.root, migrationsDir: config.migrationsDir,
      seeds: discoverSeeds(config.seedsDir, config.root), openError: { scope: 'environment', text },
    });
    try {
      s.files = readProjectMigrations(config).migrations;
    } catch { /* the error row already says what is wrong first */ }
    return s;
  }

  /** Every environment of the folder's config, each with why it cannot be opened; null with the reason when the config cannot be read. */
  environmentChoices(pf: ProjectFolder): { choices: EnvironmentChoice[]; error: null } | { choices: null; error: string } {
    try {
      return { choices: environmentChoices({ cwd: pf.cwd, configPath: configPathFor(this.settings().configFile) }).choices, error: null };
    } catch (err) {
      return { choices: null, error: describeError(err) };
    }
  }

  cachedState(pf: ProjectFolder): FolderState | undefined {
    return this.states.get(pf.key);
  }

  /** Reads status, dependencies and the log from the database (opening it under a progress indicator). */
  refreshStatus(pf: ProjectFolder, location: RunOptions['location'] = { viewId: 'databaseMigration.migrations' }): Promise<void> {
    if (!vscode.workspace.isTrusted) return Promise.resolve();
    const running = this.refreshing.get(pf.key);
    if (running) return running;
    const p = (async () => {
      if (this.fleetStatus && this.isFleetEnvironment(pf)) {
        const read = this.fleetStatus;
        const error = await vscode.window.withProgress({ location, title: 'Reading the fleet\'s targets' }, () => read(pf));
        Object.assign(this.state(pf), { statuses: null, edges: [], log: [], error });
        return;
      }
      const result = await this.run(pf, async (engine) => {
        const report = await engine.status();
        const analysis = await engine.dependencies().catch(() => ({ edges: [] as DependencyEdge[] }));
        const log = await engine.log(200);
        const seedHistory = await engine.seedHistory().catch(() => null);
        return { statuses: report.statuses, edges: analysis.edges, log, seedHistory };
      }, { title: 'Reading migration status', action: 'status', location, quiet: true });
      const s = this.state(pf);
      if (result.ok) Object.assign(s, { ...result.value, error: null });
      else if (result.error) s.error = result.error;
    })().finally(() => {
      this.refreshing.delete(pf.key);
      this.changed.fire(pf);
    });
    this.refreshing.set(pf.key, p);
    this.changed.fire(pf);
    return p;
  }

  /** The folder's environment is a fleet ("targets"): its databases are the targets', read and run by fleet.ts. */
  isFleetEnvironment(pf: ProjectFolder): boolean {
    return (this.cachedState(pf) ?? this.state(pf)).fleet !== null;
  }

  /** Re-reads files (and, when it was read before, the database) of every folder. */
  async refreshAll(): Promise<void> {
    this.states.clear();
    this.changed.fire(undefined);
    await Promise.all(this.folders().map((f) => this.refreshStatus(f)));
  }

  private log(line: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.output[level](redactText(line));
  }

  private logEvent(e: EngineEvent): void {
    const line = renderEventForLog(e);
    if (line !== null) this.log(line, e.type === 'warning' || e.type === 'backup-skipped' || e.type === 'lock-wait' ? 'warn' : 'info');
  }

  /** Appends a report rendered by core/report (a dry run, a run's summary) to the output channel. */
  report(text: string | string[]): void {
    for (const line of (Array.isArray(text) ? text : [text]).flatMap((t) => t.split('\n'))) this.output.appendLine(redactText(line));
  }

  /** True when `action` on the folder's current environment will ask for the typed confirmation inside run(). */
  needsConfirmation(pf: ProjectFolder, action: EngineAction): boolean {
    try {
      return needsConfirmation(action, this.open(pf).environment);
    } catch {
      return false; // an unreadable config: run() reports it before anything is asked
    }
  }

  private async engineFor(pf: ProjectFolder): Promise<EngineHandle> {
    const bare = this.open(pf);
    const password = bare.environment.target.kind === 'postgres' ? await this.context.secrets.get(this.secretKey(pf, bare.environment.name)) : undefined;
    const project = password ? this.open(pf, password) : bare;
    const signature = `${project.environment.name}|${connectDescription(bare)}|${password ? 'pw' : ''}`;
    const existing = this.engines.get(pf.key);
    if (existing && existing.signature === signature) return existing;
    if (existing) await this.closeEngine(pf.key);
    const handle: EngineHandle = {
      engine: undefined as unknown as MigrationEngine, signature, queue: Promise.resolve(), token: undefined, progress: undefined, pacing: undefined, idle: undefined,
    };
    handle.engine = new MigrationEngine(project, connectProject(project), {
      onEvent: (e) => {
        this.logEvent(e);
        const step = handle.progress ? renderProgress(e) : null;
        if (step) handle.progress!.report(step);
      },
      confirmed: true, // the extension asks for the typed confirmation itself, before run() starts
      shouldStop: () => !!handle.token?.isCancellationRequested,
      // PGlite blocks this process while a migration runs: "Applying …" must reach the window first.
      afterMigrationStart: () => handle.pacing?.flush() ?? Promise.resolve(),
    });
    this.engines.set(pf.key, handle);
    return handle;
  }

  async closeEngine(key: string): Promise<void> {
    const h = this.engines.get(key);
    if (!h) return;
    this.engines.delete(key);
    if (h.idle) clearTimeout(h.idle);
    await h.queue.catch(() => {});
    await h.engine.db.close().catch(() => {});
  }

  /** Asks for the environment's name before changing a protected environment. */
  async confirmProtected(project: Project, what: string): Promise<boolean> {
    if (!project.environment.settings.protected) return true;
    const name = project.environment.name;
    const typed = await vscode.window.showInputBox({
      title: `"${name}" is a protected environment`,
      prompt: `${what} on ${redactUrl(connectDescription(project))}. Type the environment name "${name}" to confirm.`,
      placeHolder: name,
      ignoreFocusOut: true,
      validateInput: (v) => (v === '' ? undefined : confirmationError(v, name)),
    });
    return typed === name;
  }

  /**
   * Runs `work` against the folder's engine. Returns ok:false when it was refused,
   * cancelled or failed (the user has been told).
   */
  async run<T>(pf: ProjectFolder, work: (engine: MigrationEngine, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Promise<T>,
    options: RunOptions): Promise<{ ok: true; value: T } | { ok: false; error?: string }> {
    // Every action, reading ones too, needs trust: connecting follows the workspace's config (its URLs and ${env:} secrets).
    if (!vscode.workspace.isTrusted) {
      if (!options.quiet) void vscode.window.showWarningMessage('Running migrations is disabled in an untrusted workspace. Trust the workspace to run them; linting still works.');
      return { ok: false, error: 'workspace not trusted' };
    }
    let project: Project;
    try {
      project = this.open(pf);
    } catch (err) {
      return this.fail(err, options);
    }
    if (isFleet(project, [])) {
      // A fleet's own database (its url, or the embedded one) is not a target: Up, Down and Verify go through fleet.ts.
      return this.fail(new MigrationError('E_USAGE', `environment "${project.environment.name}" is a fleet ("targets"), and "${options.title}" runs on one database`,
        'switch to an environment for one of its databases; Up, Down and Verify run on the whole fleet, or on one target from its row'), options);
    }
    if (needsConfirmation(options.action, project.environment) && !(await this.confirmProtected(project, options.title))) {
      this.log(`${options.title} — ${project.environment.name}: not confirmed, nothing done`, 'warn');
      return { ok: false };
    }
    for (let attempt = 0; ; attempt++) {
      let handle: EngineHandle;
      try {
        handle = await this.engineFor(pf);
      } catch (err) {
        return this.fail(err, options);
      }
      if (ACTION_POLICY[options.action].changes || !options.quiet) this.log(`${options.title} — ${pf.name} / ${project.environment.name} (${handle.engine.db.description})`);
      if (handle.idle) clearTimeout(handle.idle);
      try {
        const value = await vscode.window.withProgress({
          location: options.location ?? vscode.ProgressLocation.Notification, title: options.title, cancellable: !!options.cancellable,
        }, (progress, token) => {
          const next = handle.queue.then(async () => {
            handle.token = token;
            const pacing = new ProgressPacing();
            const paced = { report: (v: { message?: string; increment?: number }) => { progress.report(v); pacing.reported(); } };
            handle.progress = paced;
            handle.pacing = pacing;
            try {
              return await work(handle.engine, paced, token);
            } finally {
              handle.token = undefined;
              handle.progress = undefined;
              handle.pacing = undefined;
            }
          });
          handle.queue = next.catch(() => {});
          return next;
        });
        return { ok: true, value };
      } catch (err) {
        if (isMigrationError(err) && err.code === 'E_AUTH' && attempt < 2 && !options.quiet) {
          await this.closeEngine(pf.key);
          const password = await vscode.window.showInputBox({
            title: `Password for ${project.environment.name}`,
            prompt: `Authentication failed for ${handle.engine.db.description}. The password is kept in VS Code's secret storage.`,
            password: true, ignoreFocusOut: true,
          });
          if (!password) return this.fail(err, options);
          await this.setPassword(pf, project.environment.name, password);
          continue;
        }
        if (isMigrationError(err) && err.code === 'E_AUTH' && options.quiet) {
          return { ok: false, error: `${describeError(err)}\n(run "Database Migration: Set Password" to store the password)` };
        }
        return this.fail(err, options);
      } finally {
        this.scheduleClose(pf.key, handle);
      }
    }
  }

  private scheduleClose(key: string, handle: EngineHandle): void {
    if (handle.idle) clearTimeout(handle.idle);
    handle.idle = setTimeout(() => {
      if (this.engines.get(key) === handle) void this.closeEngine(key);
    }, IDLE_CLOSE_MS);
    handle.idle.unref?.();
  }

  private fail(err: unknown, options: RunOptions): { ok: false; error: string } {
    const text = describeError(err);
    this.log(text, 'error');
    if (!options.quiet) {
      const loc = isMigrationError(err) ? err.location : {};
      const actions = ['Show Output', ...(loc.file ? ['Open File'] : [])];
      void vscode.window.showErrorMessage(`${options.title} failed: ${text.split('\n')[0]}`, ...actions).then((choice) => {
        if (choice === 'Show Output') this.output.show(true);
        if (choice === 'Open File' && loc.file) void openLocation(this.folders(), loc.file, loc.line);
      });
    }
    return { ok: false, error: text };
  }

  dispose(): void {
    for (const key of [...this.engines.keys()]) void this.closeEngine(key);
    this.changed.dispose();
    this.outputChannel?.dispose();
  }
}

/** Where a project points, safe to show (the engine's own description, without opening anything). */
export function connectDescription(project: Project): string {
  return describeTarget(project.environment.target, project.config.root);
}

async function openLocation(folders: ProjectFolder[], file: string, line?: number): Promise<void> {
  const candidates = path.isAbsolute(file) ? [file] : folders.map((f) => path.join(f.cwd, file));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) return;
  const doc = await vscode.workspace.openTextDocument(found);
  const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
}
