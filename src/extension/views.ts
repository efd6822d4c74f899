/** The Migrations, Seeds and Backups views: editor tree items made from the models in model/tree-model.ts. */
import * as vscode from 'vscode';
import { backupItems, environmentItem, errorRowText, migrationItems, type MigrationItemModel, type SimpleItemModel } from './model/tree-model';
import { sampleDataItem, seedItems } from './model/seed-items';
import { listViewEmptyMessage } from './model/environments';
import type { FleetController } from './fleet';
import type { FleetTargetInput } from './model/fleet-tree';
import type { FolderState, ProjectFolder, ProjectRegistry } from './projects';

export const VIEW_MIGRATIONS = 'databaseMigration.migrations';
export const VIEW_SEEDS = 'databaseMigration.seeds';
export const VIEW_BACKUPS = 'databaseMigration.backups';

export type Node =
  | { kind: 'folder'; folder: ProjectFolder }
  | { kind: 'environment'; folder: ProjectFolder }
  /** target: the fleet target (its key) the row belongs to, when the environment is a fleet. */
  | { kind: 'migration'; folder: ProjectFolder; model: MigrationItemModel; target?: string }
  | { kind: 'fleetTarget'; folder: ProjectFolder; target: FleetTargetInput; item: vscode.TreeItem }
  /** A seed file, or the sample data set (contextValue "sampleData", `file` its directory). */
  | { kind: 'seed'; folder: ProjectFolder; model: SimpleItemModel; file: string; seedName?: string }
  | { kind: 'backup'; folder: ProjectFolder; model: SimpleItemModel; backupId: string }
  | { kind: 'message'; folder?: ProjectFolder; text: string; detail?: string; icon: string };

function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function markdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.supportHtml = true; // only for <br> in the dependency cell
  return md;
}

abstract class BaseProvider implements vscode.TreeDataProvider<Node> {
  protected readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(protected readonly registry: ProjectRegistry) {
    registry.onDidChange(() => this.emitter.fire(undefined));
  }

  abstract getChildren(node?: Node): Node[];

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${this.constructor.name}|${node.folder.key}`;
        item.iconPath = icon('root-folder');
        item.contextValue = 'folder';
        item.resourceUri = node.folder.folder.uri;
        return item;
      }
      case 'environment': {
        const s = this.registry.cachedState(node.folder) ?? this.registry.state(node.folder);
        const m = environmentItem(s.environment, s.database, s.statuses, s.isProtected);
        const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${node.folder.key}|env`;
        item.description = s.loading ? `reading… — ${s.database}` : m.description;
        item.iconPath = icon(m.icon);
        item.contextValue = m.contextValue;
        item.tooltip = `Environment ${s.environment}${s.isProtected ? ' (protected)' : ''}\n${s.database}\nClick the environment in the status bar to switch.`;
        return item;
      }
      case 'migration': {
        const m = node.model;
        const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.None);
        item.id = m.id;
        item.description = m.description;
        item.iconPath = icon(m.icon, m.color);
        item.tooltip = markdown(m.tooltip);
        item.contextValue = m.contextValue;
        if (m.file) {
          item.resourceUri = vscode.Uri.file(m.file);
          item.command = { command: 'databaseMigration.openFile', title: 'Open File', arguments: [node] };
        }
        item.accessibilityInformation = { label: `${m.label}, ${m.description}` };
        return item;
      }
      case 'seed':
      case 'backup': {
        const m = node.model;
        const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.None);
        item.id = m.id;
        item.description = m.description;
        item.iconPath = icon(m.icon, m.color);
        item.tooltip = markdown(m.tooltip);
        item.contextValue = m.contextValue;
        if (node.kind === 'seed' && node.seedName) item.command = { command: 'vscode.open', title: 'Open Seed', arguments: [vscode.Uri.file(node.file)] };
        if (node.kind === 'seed') item.accessibilityInformation = { label: `${m.label}, ${m.description}` };
        return item;
      }
      case 'fleetTarget': return node.item;
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = icon(node.icon);
        item.tooltip = node.detail ?? node.text;
        item.contextValue = 'message';
        if (node.detail) item.command = { command: 'databaseMigration.showOutput', title: 'Show Output' };
        return item;
      }
    }
  }

  /** One level per folder only in multi-root workspaces with more than one project. */
  /**
   * Children of a per-folder list view (seeds, backups): nothing when no folder has any (so the welcome
   * view shows), the items directly for one folder, a node per folder otherwise.
   */
  protected listChildren(node: Node | undefined, items: (f: ProjectFolder) => Node[]): Node[] {
    if (node) return node.kind === 'folder' ? items(node.folder) : [];
    // Each folder's rows are built once (reading its state): they tell emptiness and, for one folder, are the answer.
    const folders = this.registry.folders();
    const lists = folders.map(items);
    if (lists.every((l) => l.length === 0)) return [];
    return folders.length === 1 ? lists[0]! : folders.map((folder) => ({ kind: 'folder' as const, folder }));
  }

  protected roots(child: (f: ProjectFolder) => Node[]): Node[] {
    const folders = this.registry.folders();
    if (folders.length === 1) return child(folders[0]!);
    return folders.map((folder) => ({ kind: 'folder' as const, folder }));
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }
}

export class MigrationsProvider extends BaseProvider {
  constructor(registry: ProjectRegistry, private readonly fleet?: FleetController) {
    super(registry);
  }

  override getTreeItem(node: Node): vscode.TreeItem {
    return (node.kind === 'environment' && this.fleet?.environmentTreeItem(node.folder)) || super.getTreeItem(node);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      // Nothing at all: the welcome view ("Create first migration" / "Open example project") shows instead.
      const folders = this.registry.folders();
      if (folders.length === 0) return [];
      if (folders.every((f) => { const s = this.registry.state(f); return s.files.length === 0 && !s.error; })) return [];
      return this.roots((f) => [{ kind: 'environment', folder: f }]);
    }
    if (node.kind === 'folder') return [{ kind: 'environment', folder: node.folder }];
    if (node.kind === 'fleetTarget') {
      return this.fleet!.targetMigrations(node.folder, node.target).map((model) => ({ kind: 'migration', folder: node.folder, model, target: node.target.key }));
    }
    if (node.kind !== 'environment') return [];
    const fleetRows = this.fleetChildren(node.folder);
    if (fleetRows) return fleetRows;
    const pf = node.folder;
    const s = this.registry.state(pf);
    const out: Node[] = [];
    if (s.error) out.push({ kind: 'message', folder: pf, text: errorRowText(s.error), detail: s.error, icon: 'error' });
    if (!vscode.workspace.isTrusted) out.push({ kind: 'message', folder: pf, text: 'Workspace not trusted: states are not read', icon: 'workspace-untrusted' });
    else if (s.statuses === null && !s.loading && !s.error) void this.registry.refreshStatus(pf);
    for (const model of migrationItems({ folderKey: pf.key, environment: s.environment, root: s.root, statuses: s.statuses, files: s.files, edges: s.edges })) {
      out.push({ kind: 'migration', folder: pf, model });
    }
    return out;
  }

  /** A fleet environment's children: its error row, then a row per target (null when the environment is not a fleet). */
  private fleetChildren(pf: ProjectFolder): Node[] | null {
    const rows = this.fleet?.targetRows(pf);
    if (!rows) return null;
    const s = this.registry.state(pf);
    const out: Node[] = [];
    if (s.error) out.push({ kind: 'message', folder: pf, text: errorRowText(s.error), detail: s.error, icon: 'error' });
    if (!vscode.workspace.isTrusted) out.push({ kind: 'message', folder: pf, text: 'Workspace not trusted: states are not read', icon: 'workspace-untrusted' });
    else if (this.fleet!.view(pf)?.targets === null && !s.loading && !s.error) void this.registry.refreshStatus(pf);
    else if (rows.length === 0 && !s.loading && !s.error) out.push({ kind: 'message', folder: pf, text: 'This fleet has no targets', icon: 'info' });
    for (const r of rows) out.push({ kind: 'fleetTarget', folder: pf, target: r.input, item: r.item });
    return out;
  }
}

export class SeedsProvider extends BaseProvider {
  getChildren(node?: Node): Node[] {
    return this.listChildren(node, (f) => this.seeds(f));
  }

  private seeds(pf: ProjectFolder): Node[] {
    const s = this.registry.state(pf);
    const abs = (file: string) => vscode.Uri.joinPath(vscode.Uri.file(s.root), file).fsPath;
    const rows: Node[] = seedItems(pf.key, s.environment, s.seeds, s.seedHistory).map((model, i) => ({ kind: 'seed', folder: pf, model, file: abs(s.seeds[i]!.file), seedName: s.seeds[i]!.name }));
    const data = sampleDataItem(pf.key, s.sampleDataDir, s.seedHistory?.sampleData ?? null);
    if (data) rows.unshift({ kind: 'seed', folder: pf, model: data, file: abs(s.sampleDataDir!) });
    return rows.length ? rows : emptyMessage(pf, 'seeds', s);
  }
}

export class BackupsProvider extends BaseProvider {
  getChildren(node?: Node): Node[] {
    return this.listChildren(node, (f) => this.backups(f));
  }

  private backups(pf: ProjectFolder): Node[] {
    const s = this.registry.state(pf);
    const rows: Node[] = backupItems(pf.key, s.backups).map((model, i) => ({ kind: 'backup', folder: pf, model, backupId: s.backups[i]!.id }));
    return rows.length ? rows : emptyMessage(pf, 'backups', s);
  }
}

/** Instead of the welcome text ("No backups for this environment yet.") when that would be wrong: the config or environment is broken. */
function emptyMessage(pf: ProjectFolder, view: 'seeds' | 'backups', s: FolderState): Node[] {
  const text = listViewEmptyMessage(view, s.environment, s.openError);
  return text ? [{ kind: 'message', folder: pf, text, detail: s.openError!.text, icon: 'warning' }] : [];
}
