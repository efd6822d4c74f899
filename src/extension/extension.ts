/**
 * The VS Code shell: wires views, commands, diagnostics, the status panel and
 * the status bar to the engine (src/core) and the linter (src/lint). Activation
 * does no I/O beyond reading the workspace's files: the parser loads on the
 * first lint, the database opens on the first status read (under a progress
 * indicator).
 */
import { isDue } from '../core/planner';
import { ShadowService } from '../core/shadow/service';
import * as vscode from 'vscode';
import { Commands, COMMAND_IDS } from './commands';
import { LintDiagnostics } from './diagnostics';
import { FleetController } from './fleet';
import { fleetStatusBar } from './model/fleet-tree';
import { GitignoreOffer } from './gitignore';
import { LintLanguageClient, SERVER_SETTING } from './language-client';
import { refreshScope, watchedFilesGlob } from './model/environments';
import { statusBarText } from './model/names';
import { StatusPanel } from './panel';
import { ProjectRegistry } from './projects';
import { SchemaFeatures } from './schema-features';
import { BackupsProvider, MigrationsProvider, SeedsProvider, VIEW_BACKUPS, VIEW_MIGRATIONS, VIEW_SEEDS } from './views';

/** Measured at activation, for the note and the e2e tests (command "databaseMigration.internal.timings"). */
const timings: { activateMs?: number; firstDiagnosticsMs?: number } = {};

export function activate(context: vscode.ExtensionContext): { timings: typeof timings } {
  const t0 = performance.now();
  const registry = new ProjectRegistry(context);
  context.subscriptions.push(registry, new GitignoreOffer(registry, context.workspaceState));

  const fleet = new FleetController(registry);
  const trees = [
    [VIEW_MIGRATIONS, new MigrationsProvider(registry, fleet)],
    [VIEW_SEEDS, new SeedsProvider(registry)],
    [VIEW_BACKUPS, new BackupsProvider(registry)],
  ] as const;
  for (const [id, provider] of trees) {
    context.subscriptions.push(vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: id === VIEW_MIGRATIONS }));
  }

  // Open migration files are linted by the language server (its own process) unless the setting says otherwise.
  const useServer = () => vscode.workspace.getConfiguration('databaseMigration').get<boolean>(SERVER_SETTING, true);
  const diagnostics = new LintDiagnostics(registry, context.extensionUri, t0, !useServer());
  const server = new LintLanguageClient(context.extensionPath, registry.output, t0, (uri) => diagnostics.dropHostCopy(uri));
  // After activation returns: starting the client loads its library and forks the server.
  const serverStart = setTimeout(() => { if (useServer()) server.start(); }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(serverStart) });
  context.subscriptions.push(server, vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(`databaseMigration.${SERVER_SETTING}`)) return;
    if (useServer()) {
      diagnostics.setEditorLint(false);
      server.start();
    } else {
      void server.stop().then(() => diagnostics.setEditorLint(true));
    }
  }));
  const lint = () => diagnostics;
  context.subscriptions.push(diagnostics,
    vscode.languages.registerCodeActionsProvider([{ language: 'sql' }, { pattern: '**/*.sql' }], diagnostics, { providedCodeActionKinds: LintDiagnostics.providedCodeActionKinds }));

  // Completions, hover, definitions and replay errors from the shadow schema (kept warm: an edit replays in milliseconds).
  const schema = new SchemaFeatures(registry, (config) => new ShadowService(config, { keepWarm: true }));
  context.subscriptions.push(schema);
  diagnostics.schemaSource = (uri) => schema.latestSchema(uri);

  const commands: Commands = new Commands(registry, lint, () => panel, context.extensionPath, fleet);
  const panel = new StatusPanel(registry, (pf, id) => commands.restoreConfirmed(pf, id), fleet);
  context.subscriptions.push(panel);
  commands.register(context);
  context.subscriptions.push(vscode.commands.registerCommand('databaseMigration.internal.timings', () => ({
    ...timings, firstDiagnosticsMs: server.timings.firstDiagnosticsMs ?? diagnostics.timings.firstDiagnosticsMs, schema: schema.timings,
  })));

  // Status bar: environment and pending count of the active folder; click for the menu.
  const bar = vscode.window.createStatusBarItem('databaseMigration.environment', vscode.StatusBarAlignment.Left, 50);
  bar.name = 'Database Migration Environment';
  bar.command = COMMAND_IDS.statusBarMenu;
  context.subscriptions.push(bar);
  const updateBar = () => {
    const pf = registry.activeFolder();
    void vscode.commands.executeCommand('setContext', 'databaseMigration.hasProject', !!pf);
    if (!pf) {
      bar.hide();
      return;
    }
    const s = registry.cachedState(pf) ?? registry.state(pf);
    const pending = s.statuses ? s.statuses.filter((x) => isDue(x.state)).length : null;
    bar.text = statusBarText(s.environment, pending, s.isProtected);
    bar.tooltip = `Database Migration: ${pf.name} — environment "${s.environment}" (${s.database})${pending === null ? '' : `, ${pending} pending`}\nClick to switch environment or run pending migrations.`;
    bar.accessibilityInformation = { label: `Migration environment ${s.environment}${pending === null ? '' : `, ${pending} pending`}` };
    const fleetBar = fleetStatusBar(fleet.view(pf), s.isProtected);
    if (fleetBar) Object.assign(bar, { text: fleetBar.text, tooltip: `Database Migration: ${pf.name} — ${fleetBar.tooltip}\nClick to switch environment or run pending migrations.`, accessibilityInformation: { label: fleetBar.tooltip } });
    bar.show();
  };
  context.subscriptions.push(registry.onDidChange(updateBar), vscode.window.onDidChangeActiveTextEditor(updateBar));

  // Files and folders change: re-read from disk (the database is read again only when asked or after a run). A .env
  // may change which database DATABASE_URL or an ${env:VAR} in the config names.
  // The config may have another name (setting databaseMigration.configFile): the watcher follows the setting.
  const configFileSetting = () => vscode.workspace.getConfiguration('databaseMigration').get<string>('configFile', '');
  let watcher: vscode.FileSystemWatcher | undefined;
  let pendingRefresh: NodeJS.Timeout | undefined;
  // A config or .env change can change every environment and directory: everything is read again (issue 17).
  const changed = new Set<string>();
  const onFiles = (uri: vscode.Uri) => {
    changed.add(uri.fsPath);
    if (pendingRefresh) clearTimeout(pendingRefresh);
    pendingRefresh = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      if (refreshScope(files, configFileSetting()) === 'everything') {
        void registry.refreshAll();
        updateBar();
        return;
      }
      for (const pf of registry.folders()) {
        const before = registry.cachedState(pf);
        registry.state(pf);
        // A new or edited migration file changes pending/modified states: read the database again if it was read.
        if (before?.statuses) void registry.refreshStatus(pf, vscode.ProgressLocation.Window);
      }
      updateBar();
      trees.forEach(([, p]) => p.refresh());
    }, 300);
  };
  const watch = () => {
    watcher?.dispose();
    watcher = vscode.workspace.createFileSystemWatcher(watchedFilesGlob(configFileSetting()));
    watcher.onDidCreate(onFiles);
    watcher.onDidDelete(onFiles);
    watcher.onDidChange(onFiles);
  };
  watch();
  context.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(() => void registry.refreshAll()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void registry.refreshAll()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('databaseMigration.configFile')) watch();
      if (e.affectsConfiguration('databaseMigration.configFile') || e.affectsConfiguration('databaseMigration.defaultEnvironment')) void registry.refreshAll();
    }),
    { dispose: () => { watcher?.dispose(); if (pendingRefresh) clearTimeout(pendingRefresh); } });

  // Reading the project (config, migration files, backups) is not needed to activate: the status bar follows a moment later.
  const firstUpdate = setTimeout(updateBar, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(firstUpdate) });
  timings.activateMs = Math.round(performance.now() - t0);
  registry.output.appendLine(`activated in ${timings.activateMs} ms`);
  return { timings };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the registry closes open databases there.
}
