/** Asks once per project, on first use of `.migrations/`, to add it to .gitignore (the embedded database and backups). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { gitignoreOffer, withLocalDirIgnored } from './model/gitignore';
import type { ProjectFolder, ProjectRegistry } from './projects';

const ADD = 'Add to .gitignore';

export class GitignoreOffer implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private readonly asking = new Set<string>();

  constructor(private readonly registry: ProjectRegistry, private readonly state: vscode.Memento) {
    this.subscription = registry.onDidChange((pf) => {
      for (const f of pf ? [pf] : registry.folders()) void this.check(f);
    });
  }

  private key(pf: ProjectFolder): string {
    return `databaseMigration.gitignoreAsked:${pf.key}`;
  }

  private async check(pf: ProjectFolder): Promise<void> {
    if (this.asking.has(pf.key) || this.state.get<boolean>(this.key(pf)) || !vscode.workspace.isTrusted) return;
    const root = this.registry.cachedState(pf)?.root ?? pf.cwd;
    const offer = gitignoreOffer(root, {
      exists: (p) => fs.existsSync(p),
      read: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null),
    });
    if (!offer) return;
    this.asking.add(pf.key);
    try {
      await this.state.update(this.key(pf), true); // once, whatever the answer
      const choice = await vscode.window.showInformationMessage(
        `.migrations/ in ${pf.name} holds the embedded database, backups and caches, and git does not ignore it. Add it to .gitignore so it is never committed?`,
        ADD, 'Not Now');
      if (choice !== ADD) return;
      const text = fs.existsSync(offer.file) ? fs.readFileSync(offer.file, 'utf8') : '';
      fs.writeFileSync(offer.file, withLocalDirIgnored(text));
      this.registry.output.info(`added .migrations/ to ${offer.file}`);
    } catch (err) {
      this.registry.output.error(`could not update .gitignore: ${(err as Error).message}`);
    } finally {
      this.asking.delete(pf.key);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
