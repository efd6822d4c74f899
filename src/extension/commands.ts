/** Command implementations: each asks what it needs, then hands one call to the engine through ProjectRegistry.run(). */
import { isDue, planDown } from '../core/planner';
import { backupDir, backupSettings } from '../core/backups';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createMigration, listTemplates, templateDescription } from '../core/create';
import { readProjectMigrations } from '../core/formats';
import type { MigrationEngine } from '../core/engine';
import { migrationId } from '../core/migration-file';
import { describeWhere, formatBytes, formatDuration, PLAIN_STYLE, plural, renderBackupDone, renderDryRun, renderMigrationRun, renderRestore, renderRollbackConfirmation, renderSeedRun, renderVerify } from '../core/report';
import { APPLY_ANYWAY, lintBeforeUp, type LintGatePolicy } from '../lint/gate';
import type { LintDiagnostics } from './diagnostics';
import { environmentPickItems } from './model/environments';
import { migrationNamePreview, validateMigrationName } from './model/names';
import type { FleetController } from './fleet';
import type { FleetAction } from './model/fleet-run';
import type { StatusPanel } from './panel';
import { describeError, type ProjectFolder, type ProjectRegistry } from './projects';
import type { Node } from './views';

export const COMMAND_IDS = {
  create: 'databaseMigration.create',
  up: 'databaseMigration.up',
  upTo: 'databaseMigration.upTo',
  down: 'databaseMigration.down',
  downTo: 'databaseMigration.downTo',
  seed: 'databaseMigration.seed',
  runSeed: 'databaseMigration.runSeed',
  openSeed: 'databaseMigration.openSeed',
  status: 'databaseMigration.status',
  dryRun: 'databaseMigration.dryRun',
  verify: 'databaseMigration.verify',
  lintWorkspace: 'databaseMigration.lintWorkspace',
  backup: 'databaseMigration.backup',
  restoreBackup: 'databaseMigration.restoreBackup',
  switchEnvironment: 'databaseMigration.switchEnvironment',
  setPassword: 'databaseMigration.setPassword',
  refresh: 'databaseMigration.refresh',
  openFile: 'databaseMigration.openFile',
  copyVersion: 'databaseMigration.copyVersion',
  openExample: 'databaseMigration.openExample',
  statusBarMenu: 'databaseMigration.statusBarMenu',
  showOutput: 'databaseMigration.showOutput',
} as const;

export class Commands {
  constructor(
    private readonly registry: ProjectRegistry,
    private readonly diagnostics: () => LintDiagnostics,
    private readonly panel: () => StatusPanel,
    private readonly extensionPath: string,
    private readonly fleet?: FleetController,
  ) {}

  register(context: vscode.ExtensionContext): void {
    const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
    reg(COMMAND_IDS.create, () => this.create());
    reg(COMMAND_IDS.up, (node?: Node) => this.up(node));
    reg(COMMAND_IDS.upTo, (node?: Node) => this.up(node, true));
    reg(COMMAND_IDS.down, (node?: Node) => this.down(node));
    reg(COMMAND_IDS.downTo, (node?: Node) => this.down(node, true));
    reg(COMMAND_IDS.seed, (node?: Node) => this.seed(node));
    reg(COMMAND_IDS.runSeed, (node?: Node) => this.runSeed(node));
    reg(COMMAND_IDS.openSeed, (node?: Node) => this.openSeed(node));
    reg(COMMAND_IDS.status, (node?: Node) => this.showStatus(node));
    reg(COMMAND_IDS.dryRun, (node?: Node) => this.dryRun(node));
    reg(COMMAND_IDS.verify, (node?: Node) => this.verify(node));
    reg(COMMAND_IDS.lintWorkspace, () => this.lintWorkspace());
    reg(COMMAND_IDS.backup, (node?: Node) => this.backup(node));
    reg(COMMAND_IDS.restoreBackup, (node?: Node | string) => this.restore(typeof node === 'string' ? undefined : node, typeof node === 'string' ? node : undefined));
    reg(COMMAND_IDS.switchEnvironment, (node?: Node) => this.switchEnvironment(node));
    reg(COMMAND_IDS.setPassword, (node?: Node) => this.setPassword(node));
    reg(COMMAND_IDS.refresh, () => this.registry.refreshAll());
    reg(COMMAND_IDS.openFile, (node?: Node) => this.openFile(node));
    reg(COMMAND_IDS.copyVersion, (node?: Node) => this.copyVersion(node));
    reg(COMMAND_IDS.openExample, () => this.openExample());
    reg(COMMAND_IDS.statusBarMenu, () => this.statusBarMenu());
    reg(COMMAND_IDS.showOutput, () => this.registry.output.show());
  }

  /** The folder a command is about: the clicked node's, the only one, or the user's pick. */
  private async folder(node?: Node, placeHolder = 'Which project?'): Promise<ProjectFolder | undefined> {
    if (node && 'folder' in node && node.folder) return node.folder;
    const all = this.registry.folders();
    if (all.length === 0) {
      void vscode.window.showWarningMessage('No migration project here: open a folder with database-migration.config.json or a migrations/ folder, or run "Database Migration: Create Migration".');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const active = this.registry.activeFolder();
    const picked = await vscode.window.showQuickPick(
      all.map((f) => ({ label: f.name, description: f.key === active?.key ? 'active' : undefined, folder: f })), { placeHolder });
    return picked?.folder;
  }

  private version(node?: Node): string | undefined {
    return node?.kind === 'migration' ? node.model.version : undefined;
  }

  /** Up, Down and Verify of a fleet environment go to fleet.ts: the whole fleet, or the target of the clicked row. False: not a fleet. */
  private async fleetRun(pf: ProjectFolder, action: FleetAction, node: Node | undefined, toHere: boolean): Promise<boolean> {
    if (!this.fleet || !this.registry.isFleetEnvironment(pf)) return false;
    const target = node?.kind === 'fleetTarget' ? node.target.key : node?.kind === 'migration' ? node.target : undefined;
    const version = toHere || action === 'verify' ? this.version(node) : undefined;
    if (action === 'up' && !(await this.lintGate(pf, version, target ?? null))) return true;
    await this.fleet.run(pf, action, { target, version });
    return true;
  }

  private afterRun(pf: ProjectFolder): void {
    void this.registry.refreshStatus(pf, vscode.ProgressLocation.Window);
  }

  async create(): Promise<void> {
    let pf = this.registry.activeFolder();
    if (this.registry.folders().length > 1) pf = await this.folder(undefined, 'Create the migration in which project?');
    if (!pf) {
      // No project yet: the first workspace folder becomes one (migrations/ is created).
      const ws = vscode.workspace.workspaceFolders?.[0];
      if (!ws) {
        void vscode.window.showWarningMessage('Open a folder first: migrations are created in its migrations/ directory.');
        return;
      }
      pf = { key: ws.uri.toString(), name: ws.name, folder: ws, cwd: ws.uri.fsPath };
    }
    try {
      const { config } = this.registry.open(pf);
      const templates = listTemplates(config);
      const template = await vscode.window.showQuickPick(
        // The description on its own line (detail): whole sentences, placeholders as <table> / <column>.
        templates.map((t) => ({ label: t, detail: t === 'blank' ? 'Empty up and down sections.' : templateDescription(config, t) })),
        { title: 'Create Migration (1/2): template', placeHolder: 'Pick a template' });
      if (!template) return;
      const existing = readProjectMigrations(config).migrations.map((m) => m.name);
      const name = await vscode.window.showInputBox({
        title: 'Create Migration (2/2): name',
        prompt: 'Name in words or snake_case; the next number is added',
        placeHolder: 'create_space_objects',
        validateInput: (v) => validateMigrationName(v, existing) ?? { message: migrationNamePreview(v), severity: vscode.InputBoxValidationSeverity.Info },
      });
      if (!name) return;
      const created = createMigration(config, name, { template: template.label });
      this.registry.output.appendLine(`created ${path.relative(config.root, created.path)} from template ${created.template}`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(created.path));
      await this.registry.refreshAll();
    } catch (err) {
      void vscode.window.showErrorMessage(`Create migration failed: ${describeError(err).split('\n').join(' — ')}`);
    }
  }

  async up(node?: Node, toHere = false): Promise<void> {
    const pf = await this.folder(node, 'Apply pending migrations of which project?');
    if (!pf || await this.fleetRun(pf, 'up', node, toHere)) return;
    const to = toHere ? this.version(node) : undefined;
    if (!(await this.lintGate(pf, to))) return;
    const title = to ? `Apply migrations up to ${node?.kind === 'migration' ? node.model.label : to}` : 'Apply pending migrations';
    const r = await this.registry.run(pf, async (engine, progress, token) => {
      progress.report({ message: 'backup and lock…' });
      const run = await engine.up({ to });
      return { run, cancelled: token.isCancellationRequested, where: whereOf(engine) };
    }, { title, action: 'up', cancellable: true });
    this.afterRun(pf);
    if (!r.ok) return;
    this.registry.report(renderMigrationRun(r.value.run, r.value.where, PLAIN_STYLE, { stopped: r.value.cancelled }));
    const n = r.value.run.migrations.length;
    const pending = r.value.run.statuses.filter((s) => isDue(s.state)).length;
    this.notifyDone(pf, n === 0 && !r.value.cancelled ? 'Nothing to apply: the database is up to date.'
      : `Applied ${plural(n, 'migration')}${r.value.cancelled ? ` (cancelled; ${pending} still pending)` : ''}.`);
  }

  /**
   * Lints the migrations "up" is about to apply; error-severity findings ask ("Apply anyway") or refuse, as the
   * setting databaseMigration.lintBeforeUp says. Wording and decision: lint/gate.ts (the CLI's --up says the same).
   */
  private async lintGate(pf: ProjectFolder, to: string | undefined, fleetTarget?: string | null): Promise<boolean> {
    const policy = vscode.workspace.getConfiguration('databaseMigration').get<LintGatePolicy>('lintBeforeUp', 'ask');
    if (policy === 'off' || !vscode.workspace.isTrusted) return true;
    // A fleet: the statuses of the target most behind (or of the one target the run is for).
    const read = () => (fleetTarget !== undefined ? this.fleet!.statusesFor(pf, fleetTarget ?? undefined) : this.registry.state(pf).statuses);
    if (!read()) await this.registry.refreshStatus(pf, vscode.ProgressLocation.Window);
    const statuses = read();
    if (!statuses) return true; // the database cannot be read: the run says why
    let gate: Awaited<ReturnType<typeof lintBeforeUp>>;
    try {
      const { config } = this.registry.open(pf);
      gate = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Linting the migrations to apply' },
        () => lintBeforeUp(config, statuses, { to, policy }));
    } catch (err) {
      this.registry.output.warn(`lint before up skipped: ${describeError(err).split('\n')[0]}`);
      return true;
    }
    if (gate.decision === 'proceed') return true;
    this.registry.report([gate.message, gate.detail]);
    if (gate.decision === 'refuse') {
      void vscode.window.showErrorMessage(`${gate.message} (setting "databaseMigration.lintBeforeUp": "refuse")`, 'Show Problems').then((c) => {
        if (c) void this.lintWorkspace();
      });
      return false;
    }
    // The first button is the default (Enter): the safe one, not "Apply anyway".
    const choice = await vscode.window.showWarningMessage(gate.message, { modal: true, detail: gate.detail }, 'Show Problems', APPLY_ANYWAY);
    if (choice === 'Show Problems') void this.lintWorkspace();
    if (choice === APPLY_ANYWAY) this.registry.output.warn(`applying despite ${gate.errors.length} lint error(s): ${gate.applying.join(', ')}`);
    return choice === APPLY_ANYWAY;
  }

  async down(node?: Node, toHere = false): Promise<void> {
    const pf = await this.folder(node, 'Roll back a migration of which project?');
    if (!pf || await this.fleetRun(pf, 'down', node, toHere)) return;
    const target = toHere ? this.version(node) : undefined;
    const s = this.registry.state(pf);
    const what = target ? `Roll back down to and including ${node?.kind === 'migration' ? node.model.label : target}` : 'Roll back the last migration';
    if (!this.registry.needsConfirmation(pf, 'down')) {
      // Otherwise run() asks for the typed confirmation.
      const ask = this.rollbackConfirmation(pf, target) ?? { message: `${what} on "${s.environment}"?`, detail: 'The down sections run; a backup is taken first when backups are on.' };
      const ok = await vscode.window.showWarningMessage(ask.message, { modal: true, detail: ask.detail }, 'Roll Back');
      if (ok !== 'Roll Back') return;
    }
    const r = await this.registry.run(pf, async (engine, _progress, token) => {
      const run = await engine.down(target ? { target } : {});
      return { run, cancelled: token.isCancellationRequested, where: whereOf(engine) };
    }, { title: what, action: 'down', cancellable: true });
    this.afterRun(pf);
    if (!r.ok) return;
    this.registry.report(renderMigrationRun(r.value.run, r.value.where, PLAIN_STYLE, { stopped: r.value.cancelled }));
    const done = r.value.run.migrations;
    this.notifyDone(pf, done.length ? `Rolled back ${done.map((m) => migrationId(m)).join(', ')}.` : 'Nothing to roll back.');
  }

  /** The rollback confirmation naming the migrations and the backup (core's wording), when the states are known. */
  private rollbackConfirmation(pf: ProjectFolder, target: string | undefined): { message: string; detail: string } | null {
    const s = this.registry.state(pf);
    if (!s.statuses) return null;
    try {
      const steps = planDown(s.statuses, target ? { target } : {});
      if (steps.length === 0) return null;
      const project = this.registry.open(pf);
      const dir = backupSettings(project.environment).enabled ? `${path.relative(project.config.root, backupDir(project.config, project.environment)) || '.'}${path.sep}` : null;
      return renderRollbackConfirmation(steps.map((st) => migrationId(st)), s.environment, dir);
    } catch {
      return null; // the run reports why it cannot roll back
    }
  }

  async seed(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Seed the database of which project?');
    if (!pf) return;
    const r = await this.registry.run(pf, async (engine) => ({ run: await engine.seed(), where: whereOf(engine) }), { title: 'Seed the database', action: 'seed' });
    this.afterRun(pf);
    if (!r.ok) return;
    const text = renderSeedRun(r.value.run, r.value.where, PLAIN_STYLE);
    this.registry.report(text);
    this.notifyDone(pf, text);
  }

  /** Run This Seed (Seeds view): only that file, in a transaction, recorded; protected environments ask first (run()). */
  async runSeed(node?: Node): Promise<void> {
    if (node?.kind !== 'seed' || !node.seedName) return;
    const name = node.seedName;
    const r = await this.registry.run(node.folder, async (engine) => ({ run: await engine.seed({ file: name }), where: whereOf(engine), env: engine.environmentName }),
      { title: `Seed ${name}`, action: 'seed' });
    this.afterRun(node.folder);
    if (!r.ok) return;
    this.registry.report(renderSeedRun(r.value.run, r.value.where, PLAIN_STYLE));
    const ran = r.value.run.seeds[0];
    this.notifyDone(node.folder, `Seeded ${name} on "${r.value.env}"${ran ? ` (${formatDuration(ran.durationMs)})` : ''}.`);
  }

  /** Open File on a seed (the editor) or on the sample data set (its folder in the Explorer). */
  async openSeed(node?: Node): Promise<void> {
    if (node?.kind !== 'seed') return;
    if (node.seedName) await vscode.window.showTextDocument(vscode.Uri.file(node.file), { preview: true });
    else await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(node.file));
  }

  /** A success notification with its follow-ups: the status panel, and what the run made (a backup). */
  private notifyDone(pf: ProjectFolder, text: string, extra?: { label: string; run: () => void }): void {
    const actions = ['Show Status', ...(extra ? [extra.label] : [])];
    void vscode.window.showInformationMessage(text, ...actions).then((choice) => {
      if (choice === 'Show Status') void this.showStatus({ kind: 'environment', folder: pf });
      else if (extra && choice === extra.label) extra.run();
    });
  }

  async showStatus(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Show the status of which project?');
    if (pf) await this.panel().show(pf);
  }

  async dryRun(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Dry run in which project?');
    if (!pf) return;
    const to = this.version(node);
    const r = await this.registry.run(pf, async (engine) => ({ rehearsals: await engine.dryRun('up', { to }), where: whereOf(engine) }),
      { title: to ? `Dry run up to ${to}` : 'Dry run of pending migrations', action: 'dryRun' });
    if (!r.ok) return;
    this.registry.report(renderDryRun(r.value.rehearsals, r.value.where, PLAIN_STYLE));
    this.registry.output.show(true);
    void vscode.window.showInformationMessage(`Dry run of ${r.value.rehearsals.length} migration(s) done and rolled back; details in the output channel.`);
  }

  async verify(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Verify rollbacks in which project?');
    if (!pf || await this.fleetRun(pf, 'verify', node, false)) return;
    const ref = this.version(node);
    const r = await this.registry.run(pf, (engine) => engine.verify(ref), { title: ref ? `Verify rollback of ${ref}` : 'Verify rollbacks of pending migrations', action: 'verify', cancellable: false });
    if (!r.ok) return;
    const { lines, ok } = renderVerify(r.value, PLAIN_STYLE);
    this.registry.report(lines);
    if (ok) void vscode.window.showInformationMessage(`Rollback verification passed (${r.value.length} migration(s)); nothing was changed.`);
    else {
      this.registry.output.show(true);
      void vscode.window.showErrorMessage('Rollback verification failed: a down section does not undo its up section. Details in the output channel.');
    }
  }

  async lintWorkspace(): Promise<void> {
    const { files, findings } = await this.diagnostics().lintWorkspace();
    void vscode.window.showInformationMessage(`Linted ${files} file(s): ${findings} problem(s).`, ...(findings ? ['Show Problems'] : [])).then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }

  async backup(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Back up the database of which project?');
    if (!pf) return;
    const r = await this.registry.run(pf, async (engine) => {
      const entry = await engine.backup();
      const fileShown = path.relative(engine.project.config.root, path.join(engine.backups.dir, entry.file));
      return { entry, file: path.join(engine.backups.dir, entry.file), report: renderBackupDone(entry, whereOf(engine), fileShown, PLAIN_STYLE) };
    }, { title: 'Backing up the database', action: 'backup' });
    this.afterRun(pf);
    if (!r.ok) return;
    this.registry.report(r.value.report);
    const file = r.value.file;
    this.notifyDone(pf, `Backup ${r.value.entry.id} written (${formatBytes(r.value.entry.sizeBytes)}).`,
      { label: 'Open Backup', run: () => void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file)) });
  }

  /** From the Backups view, the status panel's buttons or the palette: all ask the same confirmation. */
  async restore(node?: Node, backupId?: string, folder?: ProjectFolder): Promise<void> {
    const pf = folder ?? await this.folder(node, 'Restore a backup of which project?');
    if (!pf) return;
    const s = this.registry.state(pf);
    let id = node?.kind === 'backup' ? node.backupId : backupId;
    if (!id) {
      if (s.backups.length === 0) {
        void vscode.window.showInformationMessage(`No backups for environment "${s.environment}" yet.`);
        return;
      }
      const picked = await vscode.window.showQuickPick(s.backups.map((b) => ({ label: b.id, description: `${b.reason} · ${b.createdAt}`, detail: `newest migration then: ${b.versionBefore ?? 'none'}` })),
        { placeHolder: 'Backup to restore' });
      id = picked?.label;
    }
    if (!id) return;
    await this.restoreConfirmed(pf, id);
  }

  async restoreConfirmed(pf: ProjectFolder, id: string): Promise<void> {
    const s = this.registry.state(pf);
    if (!this.registry.needsConfirmation(pf, 'restore')) {
      const ok = await vscode.window.showWarningMessage(`Restore backup ${id} over "${s.environment}"?`,
        { modal: true, detail: 'Every object in the database is replaced by the backup\'s contents. The current state is backed up first.' }, 'Restore');
      if (ok !== 'Restore') return;
    }
    const r = await this.registry.run(pf, async (engine) => ({ done: await engine.restore(id), where: whereOf(engine) }), { title: `Restoring backup ${id}`, action: 'restore' });
    this.afterRun(pf);
    if (!r.ok) return;
    this.registry.report(renderRestore(r.value.done, r.value.where, PLAIN_STYLE));
    this.notifyDone(pf, `Restored ${r.value.done.restored.id}; the state before it is saved as ${r.value.done.safety.id}.`);
  }

  async switchEnvironment(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Switch the environment of which project?');
    if (!pf) return;
    const env = await this.pickEnvironment(pf, `Environment for ${pf.name}`);
    if (!env) return;
    await this.registry.chooseEnvironment(pf, env);
    void this.registry.refreshStatus(pf);
  }

  /** Every environment of the config (read on its own, so one whose URL is broken cannot empty the list), broken ones marked. */
  private async pickEnvironment(pf: ProjectFolder, placeHolder: string): Promise<string | undefined> {
    const read = this.registry.environmentChoices(pf);
    if (!read.choices) {
      void vscode.window.showErrorMessage(`The config cannot be read, so its environments are unknown: ${read.error.split('\n').join(' — ')}`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(environmentPickItems(read.choices, this.registry.state(pf).environment), { placeHolder, matchOnDetail: true });
    return picked?.environment;
  }

  async setPassword(node?: Node): Promise<void> {
    const pf = await this.folder(node, 'Set a password for which project?');
    if (!pf) return;
    const s = this.registry.state(pf);
    const env = s.environments.length > 1 ? await this.pickEnvironment(pf, 'Environment') : s.environment;
    if (!env) return;
    const password = await vscode.window.showInputBox({
      title: `Password for ${env}`, prompt: 'Kept in VS Code\'s secret storage, never in settings or files. Leave empty to forget the stored one.',
      password: true, ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await this.registry.setPassword(pf, env, password || undefined);
    void vscode.window.showInformationMessage(password ? `Password for "${env}" stored.` : `Stored password for "${env}" removed.`);
    if (env === s.environment) void this.registry.refreshStatus(pf);
  }

  async openFile(node?: Node): Promise<void> {
    if (node?.kind !== 'migration' || !node.model.file) return;
    await vscode.window.showTextDocument(vscode.Uri.file(node.model.file), { preview: true });
  }

  async copyVersion(node?: Node): Promise<void> {
    if (node?.kind !== 'migration') return;
    await vscode.env.clipboard.writeText(node.model.version);
    vscode.window.setStatusBarMessage(`Copied ${node.model.version}`, 2000);
  }

  /** Copies the bundled NASA portal example into a folder the user picks and opens it. */
  async openExample(): Promise<void> {
    const source = path.join(this.extensionPath, 'examples', 'nasa-portal');
    if (!fs.existsSync(source)) {
      void vscode.window.showErrorMessage(`The example project is missing from the extension (${source}).`);
      return;
    }
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Copy Example Here', title: 'Where should the example project go?' });
    if (!picked?.[0]) return;
    const target = path.join(picked[0].fsPath, 'nasa-portal');
    if (fs.existsSync(target)) {
      void vscode.window.showErrorMessage(`${target} already exists; pick another folder.`);
      return;
    }
    fs.cpSync(source, target, { recursive: true, filter: (p) => !p.includes(`${path.sep}.migrations`) });
    // The example's "$schema" points into the repository; the editor's jsonValidation covers it anyway.
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(target), { forceNewWindow: false });
  }

  async statusBarMenu(): Promise<void> {
    const pf = this.registry.activeFolder();
    if (!pf) return;
    const s = this.registry.state(pf);
    const pending = s.statuses?.filter((x) => isDue(x.state)).length;
    const items = [
      { label: '$(arrow-swap) Switch Environment…', description: `current: ${s.environment}`, id: 'switch' },
      { label: '$(run-all) Run Pending Migrations', description: pending === undefined ? '' : `${pending} pending`, id: 'up' },
      { label: '$(graph) Show Migration Status', id: 'status' },
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `${pf.name} — ${s.environment}` });
    if (picked?.id === 'switch') await this.switchEnvironment({ kind: 'environment', folder: pf });
    else if (picked?.id === 'up') await this.up({ kind: 'environment', folder: pf });
    else if (picked?.id === 'status') await this.showStatus({ kind: 'environment', folder: pf });
  }
}

/** The environment and database a run went to, as core's reports name it. */
function whereOf(engine: MigrationEngine): string {
  return describeWhere(engine.project.environment, engine.project.config.root);
}
