/**
 * The VS Code shell: translates commands into engine calls and engine results
 * into editor UI. All migration logic lives in src/core.
 */
import * as vscode from 'vscode';
import { listTemplates, createMigration } from '../core/create';
import { connectProject, MigrationEngine, openProject, type EngineEvent } from '../core/engine';
import { isMigrationError } from '../core/errors';
import { redactText } from '../core/redact';
import { formatDuration, plainTable, STATUS_HEAD, statusRows, summariseStatuses } from '../core/report';

let output: vscode.OutputChannel | undefined;

function channel(): vscode.OutputChannel {
  if (!output) output = vscode.window.createOutputChannel('Database Migration');
  return output;
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder with migrations first.');
  return folder.uri.fsPath;
}

function environmentSetting(): string | undefined {
  return vscode.workspace.getConfiguration('databaseMigration').get<string>('environment') || undefined;
}

function logEvent(e: EngineEvent): void {
  const out = channel();
  if (e.type === 'migration-done') out.appendLine(`  ${e.direction === 'up' ? '↑' : '↓'} ${e.id} ${formatDuration(e.durationMs)}`);
  else if (e.type === 'seed-done') out.appendLine(`  • ${e.file} ${formatDuration(e.durationMs)}`);
  else if (e.type === 'lock-wait') out.appendLine(`  … ${e.message}`);
}

async function withEngine<T>(title: string, work: (engine: MigrationEngine) => Promise<T>, confirmedProtected = false): Promise<T | undefined> {
  const out = channel();
  try {
    const project = openProject({ cwd: workspaceRoot(), env: environmentSetting() });
    if (project.environment.settings.protected && !confirmedProtected) {
      const answer = await vscode.window.showWarningMessage(
        `Environment "${project.environment.name}" is protected. ${title}?`, { modal: true }, 'Continue');
      if (answer !== 'Continue') return undefined;
    }
    const engine = new MigrationEngine(project, connectProject(project), { onEvent: logEvent, confirmed: true });
    out.appendLine(`${title} — ${project.environment.name} (${engine.db.description})`);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => work(engine));
    } finally {
      await engine.db.close();
    }
  } catch (err) {
    const text = isMigrationError(err) ? err.format() : redactText(String((err as Error)?.message ?? err));
    out.appendLine(`error: ${text}`);
    out.show(true);
    void vscode.window.showErrorMessage(text.split('\n')[0]!, 'Show Output').then((c) => { if (c) out.show(); });
    return undefined;
  }
}

async function createCommand(): Promise<void> {
  try {
    const project = openProject({ cwd: workspaceRoot(), env: environmentSetting() });
    const name = await vscode.window.showInputBox({
      title: 'Create migration',
      prompt: 'Migration name (snake_case or words)',
      placeHolder: 'create_space_objects',
      validateInput: (v) => (/[A-Za-z0-9]/.test(v) ? undefined : 'Use letters or digits'),
    });
    if (!name) return;
    const template = await vscode.window.showQuickPick(listTemplates(project.config), { title: 'Template', placeHolder: 'blank' });
    if (!template) return;
    const created = createMigration(project.config, name, { template });
    const doc = await vscode.workspace.openTextDocument(created.path);
    await vscode.window.showTextDocument(doc);
  } catch (err) {
    void vscode.window.showErrorMessage(isMigrationError(err) ? err.format() : String((err as Error)?.message ?? err));
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const register = (id: string, fn: () => Promise<unknown>) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register('databaseMigration.create', createCommand);
  register('databaseMigration.up', async () => {
    const run = await withEngine('Apply pending migrations', (e) => e.up());
    if (run) void vscode.window.showInformationMessage(run.migrations.length ? `Applied ${run.migrations.length} migration(s).` : 'Database is up to date.');
  });
  register('databaseMigration.down', async () => {
    const run = await withEngine('Roll back the last migration', (e) => e.down());
    if (run) void vscode.window.showInformationMessage(run.migrations.length ? `Rolled back ${run.migrations.map((m) => `${m.version}_${m.name}`).join(', ')}.` : 'Nothing to roll back.');
  });
  register('databaseMigration.seed', async () => {
    const run = await withEngine('Seed the database', (e) => e.seed());
    if (run) void vscode.window.showInformationMessage(`Seeded from ${run.seeds.length} file(s).`);
  });
  register('databaseMigration.status', async () => {
    const report = await withEngine('Migration status', (e) => e.status());
    if (!report) return;
    const out = channel();
    out.appendLine(plainTable(STATUS_HEAD, statusRows(report.statuses)));
    out.appendLine(summariseStatuses(report.statuses));
    out.show(true);
  });
  if (output) context.subscriptions.push(output);
}

export function deactivate(): void {
  output?.dispose();
  output = undefined;
}
