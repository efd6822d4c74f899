/** The status panel: a webview showing applied state, history log, backups and the dependency graph of one folder. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { makeNonce, renderPanelBody, renderPanelHtml, type PanelData } from './model/status-panel-html';
import type { FleetController } from './fleet';
import type { ProjectFolder, ProjectRegistry } from './projects';

export const PANEL_VIEW_TYPE = 'databaseMigration.statusPanel';

export class StatusPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private folder: ProjectFolder | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly registry: ProjectRegistry, private readonly onRestore: (folder: ProjectFolder, backupId: string) => Promise<void>,
    private readonly fleet?: FleetController) {
    // Live: every refresh of the folder (after each run) re-renders the panel.
    this.subscription = registry.onDidChange((pf) => {
      if (this.panel && this.folder && (!pf || pf.key === this.folder.key)) this.update();
    });
  }

  async show(folder: ProjectFolder): Promise<void> {
    this.folder = folder;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Migration Status', vscode.ViewColumn.Active, {
        enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false,
      });
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.webview.onDidReceiveMessage((m: { type?: string; backupId?: string }) => {
        if (!this.folder) return;
        if (m.type === 'ready') this.update();
        else if (m.type === 'refresh') void this.registry.refreshStatus(this.folder, vscode.ProgressLocation.Window);
        else if (m.type === 'restore' && typeof m.backupId === 'string') void this.onRestore(this.folder, m.backupId);
      });
      this.panel.webview.html = renderPanelHtml(this.data(), { nonce: makeNonce((n) => randomBytes(n)), cspSource: this.panel.webview.cspSource });
      this.panel.onDidChangeViewState((e) => { if (e.webviewPanel.visible) this.render(); });
    } else {
      this.panel.reveal();
      this.render();
    }
    this.panel.title = `Migration Status — ${folder.name}`;
    await this.registry.refreshStatus(folder, vscode.ProgressLocation.Window);
  }

  private data(): PanelData {
    const pf = this.folder!;
    const s = this.registry.state(pf);
    const fleet = this.fleet?.view(pf);
    if (fleet) {
      // A fleet: the targets × migrations matrix (the environment's own database is not one of them).
      return {
        folder: pf.name, environment: s.environment, database: `fleet of ${fleet.count ?? 'several'} target(s)`, statuses: [], log: [], backups: [], edges: [],
        canRun: vscode.workspace.isTrusted, fleet: fleet.matrix, updatedAt: new Date(),
        error: s.error ?? (fleet.matrix ? undefined : vscode.workspace.isTrusted ? 'Reading the targets…' : 'The workspace is not trusted, so the targets are not read.'),
      };
    }
    return {
      folder: pf.name, environment: s.environment, database: s.database, statuses: s.statuses ?? [], log: s.log, backups: s.backups, edges: s.edges,
      canRun: vscode.workspace.isTrusted,
      error: s.error ?? (s.statuses === null ? (vscode.workspace.isTrusted ? 'Reading the database…' : 'The workspace is not trusted, so the database is not read.') : undefined),
      updatedAt: new Date(),
    };
  }

  private render(): void {
    if (!this.panel) return;
    this.panel.webview.html = renderPanelHtml(this.data(), { nonce: makeNonce((n) => randomBytes(n)), cspSource: this.panel.webview.cspSource });
  }

  private update(): void {
    if (!this.panel) return;
    void this.panel.webview.postMessage({ type: 'update', html: renderPanelBody(this.data()) });
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
