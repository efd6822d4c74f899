/**
 * Runs inside a real VS Code extension host (`npm run test:vscode`, @vscode/test-cli; needs
 * internet to download VS Code). The workspace is a fresh copy of examples/nasa-portal
 * (see .vscode-test.mjs). Offline, the same behaviour is covered through the UI by test/e2e.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'nasa-system7-portal.database-migration';

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

describe('extension in VS Code', () => {
  const root = (): string => vscode.workspace.workspaceFolders![0].uri.fsPath;

  it('activates and registers its commands', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['databaseMigration.create', 'databaseMigration.up', 'databaseMigration.down', 'databaseMigration.seed']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('reports a lint finding on a migration file, with the rule id as the code, and its quick fix removes it', async () => {
    const file = path.join(root(), 'migrations', '900_index_without_concurrently.sql');
    fs.writeFileSync(file, [
      '-- transaction: none',
      '-- Up migration',
      'CREATE INDEX idx_missions_agency ON missions (agency);',
      '',
      '-- Down migration',
      'DROP INDEX CONCURRENTLY IF EXISTS idx_missions_agency;',
      '',
    ].join('\n'));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const finding = await until('the require-concurrent-index-creation diagnostic', () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) => codeOf(d) === 'require-concurrent-index-creation'));
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(finding.range.start.line, 2);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, finding.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => /CONCURRENTLY/.test(a.title) && a.edit);
    assert.ok(fix, `no CONCURRENTLY quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.match(doc.getText(), /CREATE INDEX CONCURRENTLY idx_missions_agency/);
    await until('the diagnostic to go away', () =>
      vscode.languages.getDiagnostics(doc.uri).some((d) => codeOf(d) === 'require-concurrent-index-creation') ? undefined : true);
  });
});
