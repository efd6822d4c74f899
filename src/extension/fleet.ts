/**
 * Fleets in the editor (issue 19): when the folder's environment has "targets", the Migrations view shows a level of
 * targets, Up / Down / Verify run across the fleet with core's Fleet (the environment's parallel / canary / onFailure
 * settings), a target's row runs Up / Down on that target alone, and the status panel shows the matrix. The words and
 * states come from model/fleet-*.ts; every fleet operation of a folder runs after the previous one (PGlite: one open
 * instance per data directory).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { needsConfirmation } from '../core/actions';
import { effectiveRunSettings, Fleet, isFleet, openFleet, type FleetEvent, type FleetOptions, type FleetRun, type FleetTarget, type StatusMatrix } from '../core/fleet';
import type { TargetsSetting } from '../core/fleet/setting';
import type { MigrationRun } from '../core/migrate';
import type { StatusFile } from '../core/migration-file';
import type { MigrationStatus } from '../core/planner';
import type { Project } from '../core/project';
import { redactText } from '../core/redact';
import { PLAIN_STYLE, renderFleetEvent, renderFleetSummary } from '../core/report';
import { matrixSummary } from './model/fleet-panel-html';
import { fleetNotice, FleetProgress, fleetWhat, fleetWhere, migrationsChanged, type FleetAction } from './model/fleet-run';
import { fleetEnvironmentItem, fleetTargetItems, mostBehind, targetMigrationItems, withFiles, type FleetTargetInput } from './model/fleet-tree';
import { confirmationError } from './model/names';
import { describeError, type ProjectFolder, type ProjectRegistry } from './projects';

interface FleetFolder {
  environment: string;
  targets: FleetTarget[];
  results: Map<string, { statuses: MigrationStatus<StatusFile>[] | null; error: string | null }>;
  matrix: StatusMatrix | null;
  logFiles: Map<string, string>;
}

/** What the views and the panel show of a folder whose environment is a fleet. */
export interface FleetView {
  environment: string;
  /** Known before the first read for a list of URLs; a query or schema pattern is known once read. */
  count: number | null;
  /** null until the targets were read. */
  targets: FleetTargetInput[] | null;
  matrix: StatusMatrix | null;
}

export interface FleetRunRequest {
  /** One target alone (its key), else the whole fleet. */
  target?: string;
  /** up: up to this version; down: down to and including it; verify: this migration. */
  version?: string;
}

function staticCount(setting: TargetsSetting | undefined): number | null {
  if (!setting) return null;
  if (Array.isArray(setting)) return setting.length;
  return 'urls' in setting ? setting.urls.length : null;
}

export class FleetController {
  private readonly folders = new Map<string, FleetFolder>();
  /** "<folder>|<env>|<key>" → the last run's error on that target, until a run on it succeeds. */
  private readonly failures = new Map<string, string>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly registry: ProjectRegistry) {
    registry.fleetStatus = (pf) => this.refresh(pf);
  }

  private project(pf: ProjectFolder): Project | null {
    try {
      return this.registry.open(pf);
    } catch {
      return null;
    }
  }

  /** The fleet as last read, from the folder's state (kept with the config: no disk read on a render). */
  view(pf: ProjectFolder): FleetView | null {
    const s = this.registry.cachedState(pf) ?? this.registry.state(pf);
    if (s.fleet === null) return null;
    const env = s.environment;
    const f = this.folders.get(pf.key);
    if (!f || f.environment !== env) return { environment: env, count: staticCount(s.fleet), targets: null, matrix: null };
    const targets = f.targets.map((t): FleetTargetInput => {
      const r = f.results.get(t.key);
      return { key: t.key, label: t.label, schema: t.schema, statuses: r?.statuses ?? null, error: r?.error ?? null, failure: this.failures.get(`${pf.key}|${env}|${t.key}`) ?? null, logFile: f.logFiles.get(t.key) };
    });
    return { environment: env, count: f.targets.length, targets, matrix: f.matrix };
  }

  /** Runs `fn` after the folder's previous fleet operation. */
  private serial<T>(pf: ProjectFolder, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(pf.key) ?? Promise.resolve();
    const next = before.catch(() => {}).then(fn);
    this.queues.set(pf.key, next.catch(() => {}));
    return next;
  }

  private options(extra: Partial<FleetOptions> = {}): FleetOptions & { processEnv: NodeJS.ProcessEnv } {
    return { processEnv: process.env, ...extra, engineOptions: { confirmed: true, ...extra.engineOptions } };
  }

  /** Reads every target's status (the registry's refreshStatus calls this for a fleet). Returns the error text, or null. */
  refresh(pf: ProjectFolder): Promise<string | null> {
    return this.serial(pf, async () => {
      const project = this.project(pf);
      if (!project || !isFleet(project, [])) return null;
      const env = project.environment.name;
      try {
        const fleet = await openFleet(project, this.options());
        const status = await fleet.status(effectiveRunSettings(project.environment.settings.targets, {}));
        const results = new Map(status.results.map((r) => [r.key, { statuses: r.result, error: r.error ? `${r.error.code}: ${r.error.message}` : r.reason }]));
        const logFiles = new Map(fleet.targets.map((t) => [t.key, path.relative(project.config.root, fleet.logFile(t))]));
        this.folders.set(pf.key, { environment: env, targets: fleet.targets, results, matrix: status.matrix, logFiles });
        this.registry.output.info(`fleet ${env}: ${matrixSummary(status.matrix)}`);
        for (const r of status.matrix.rows) if (r.error) this.registry.output.warn(`fleet ${env}: ${r.label} unreadable: ${r.error}`);
        return null;
      } catch (err) {
        this.folders.delete(pf.key);
        const text = describeError(err);
        this.registry.output.error(`fleet ${env}: ${text}`);
        return text;
      }
    });
  }

  /** Asks what a change of the fleet needs: the typed name once for the whole fleet when protected, a modal for a down. */
  private async confirm(project: Project, action: FleetAction, what: string): Promise<boolean> {
    const name = project.environment.name;
    if (action !== 'verify' && needsConfirmation(action, project.environment)) {
      const typed = await vscode.window.showInputBox({
        title: `"${name}" is a protected environment`,
        prompt: `${what}. Type the environment name "${name}" to confirm.`,
        placeHolder: name, ignoreFocusOut: true,
        validateInput: (v) => (v === '' ? undefined : confirmationError(v, name)),
      });
      return typed === name;
    }
    if (action !== 'down') return true;
    const ok = await vscode.window.showWarningMessage(`${what}?`, { modal: true, detail: 'The down sections run on each target; a backup of each is taken first when backups are on.' }, 'Roll Back');
    return ok === 'Roll Back';
  }

  /** Up, Down or Verify on the whole fleet, or on one target; progress per target, a notification naming failed targets. */
  async run(pf: ProjectFolder, action: FleetAction, request: FleetRunRequest = {}): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Running migrations is disabled in an untrusted workspace. Trust the workspace to run them; linting still works.');
      return;
    }
    let project: Project;
    try {
      project = this.registry.open(pf);
    } catch (err) {
      void vscode.window.showErrorMessage(`Fleet ${action} failed: ${describeError(err).split('\n')[0]}`);
      return;
    }
    const env = project.environment.name;
    const label = request.target ? this.view(pf)?.targets?.find((t) => t.key === request.target)?.label ?? request.target : null;
    const count = this.view(pf)?.count;
    const what = fleetWhat(action, request.version, fleetWhere(env, label, count ?? null));
    if (!(await this.confirm(project, action, what))) {
      this.registry.output.warn(`${what}: not confirmed, nothing done`);
      return;
    }
    this.registry.output.info(`${what} — ${pf.name}`);
    let run: FleetRun<unknown> | undefined;
    try {
      run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: what, cancellable: true },
        (progress, token) => this.serial(pf, () => this.execute(project, action, request, progress, token)));
    } catch (err) {
      const text = describeError(err);
      this.registry.output.error(text);
      void vscode.window.showErrorMessage(`${what} failed: ${text.split('\n')[0]}`, 'Show Output').then((c) => { if (c) this.registry.output.show(true); });
    }
    if (run) this.finish(pf, env, action, run);
    void this.registry.refreshStatus(pf, vscode.ProgressLocation.Window);
  }

  private async execute(project: Project, action: FleetAction, request: FleetRunRequest, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<FleetRun<unknown>> {
    let counter: FleetProgress | undefined;
    const onEvent = (e: FleetEvent) => {
      const line = renderFleetEvent(e, PLAIN_STYLE);
      if (line) this.registry.output[line.stream === 'err' ? 'warn' : 'info'](redactText(line.text));
      const step = counter?.on(e);
      if (step) progress.report(step);
    };
    const options = this.options({ onEvent, engineOptions: { confirmed: true, shouldStop: () => token.isCancellationRequested } });
    let fleet = await openFleet(project, options);
    if (request.target) {
      const one = fleet.targets.find((t) => t.key === request.target);
      if (!one) throw new Error(`the fleet of "${project.environment.name}" no longer has the target ${request.target}; refresh the view`);
      fleet = new Fleet(project, [one], options);
    }
    counter = new FleetProgress(fleet.targets.length);
    progress.report({ message: `${fleet.targets.length} target${fleet.targets.length === 1 ? '' : 's'}…` });
    const settings = effectiveRunSettings(project.environment.settings.targets, {});
    if (action === 'up') return fleet.up(request.version ? { to: request.version } : {}, settings);
    if (action === 'down') return fleet.down(request.version ? { target: request.version } : {}, settings);
    return fleet.verify(request.version, settings);
  }

  private finish(pf: ProjectFolder, env: string, action: FleetAction, run: FleetRun<unknown>): void {
    for (const r of run.results) {
      const key = `${pf.key}|${env}|${r.key}`;
      if (r.state === 'ok') this.failures.delete(key);
      else if (r.state === 'failed' && r.error) this.failures.set(key, `${r.error.code}: ${r.error.message}`);
    }
    const title = action === 'up' ? 'Up' : action === 'down' ? 'Down' : 'Verify';
    this.registry.report(renderFleetSummary(run, title, PLAIN_STYLE));
    const detail = action === 'verify' ? undefined : migrationsChanged(run as FleetRun<MigrationRun>, action);
    const notice = fleetNotice(run, action, detail);
    const show = (c: string | undefined) => {
      if (c === 'Show Output') this.registry.output.show(true);
      if (c === 'Show Status') void vscode.commands.executeCommand('databaseMigration.status', { kind: 'environment', folder: pf });
    };
    if (notice.level === 'error') void vscode.window.showErrorMessage(notice.text, 'Show Output', 'Show Status').then(show);
    else void vscode.window.showInformationMessage(notice.text, 'Show Status').then(show);
  }

  /** The environment row of a fleet (null when the environment is not one). */
  environmentTreeItem(pf: ProjectFolder): vscode.TreeItem | null {
    const v = this.view(pf);
    if (!v) return null;
    const s = this.registry.cachedState(pf) ?? this.registry.state(pf);
    const m = fleetEnvironmentItem(v.environment, v.count, v.matrix, s.isProtected, s.loading);
    const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `${pf.key}|env`;
    item.description = m.description;
    item.iconPath = new vscode.ThemeIcon(m.icon);
    item.contextValue = m.contextValue;
    item.tooltip = `Environment ${v.environment}${s.isProtected ? ' (protected)' : ''}: a fleet of ${v.count ?? 'several'} target(s)\nUp, Down and Verify run on every target; a target's row runs on it alone.`;
    return item;
  }

  /** The target rows under a fleet's environment; null when the environment is not a fleet. */
  targetRows(pf: ProjectFolder, folderKey = pf.key): { input: FleetTargetInput; item: vscode.TreeItem }[] | null {
    const v = this.view(pf);
    if (!v) return null;
    if (!v.targets) return [];
    const models = fleetTargetItems(folderKey, v.environment, v.targets);
    return models.map((m, i) => {
      const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = m.id;
      item.description = m.description;
      item.iconPath = new vscode.ThemeIcon(m.icon, m.color ? new vscode.ThemeColor(m.color) : undefined);
      item.tooltip = new vscode.MarkdownString(m.tooltip);
      item.contextValue = m.contextValue;
      item.accessibilityInformation = { label: `${m.label}, ${m.description}` };
      return { input: v.targets![i]!, item };
    });
  }

  /** A target's migration rows (the ordinary migration item model). */
  targetMigrations(pf: ProjectFolder, target: FleetTargetInput): ReturnType<typeof targetMigrationItems> {
    const s = this.registry.state(pf);
    return targetMigrationItems({ folderKey: pf.key, environment: s.environment, root: s.root, target, files: s.files, edges: s.edges });
  }

  /** The matrix for the status panel (null when the environment is not a fleet or was not read). */
  matrix(pf: ProjectFolder): StatusMatrix | null {
    return this.view(pf)?.matrix ?? null;
  }

  /** The statuses "up" lints before running on the fleet (or on one target). */
  statusesFor(pf: ProjectFolder, target?: string): MigrationStatus[] | null {
    const targets = this.view(pf)?.targets ?? [];
    const statuses = mostBehind(target ? targets.filter((t) => t.key === target) : targets);
    return statuses ? withFiles(statuses, this.registry.state(pf).files) : null;
  }
}
