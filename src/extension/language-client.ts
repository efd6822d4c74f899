/**
 * The editor lint through the language server (src/lint/lsp, bundled as dist/lsp-server.js): a process of its own
 * started over IPC, so linting never holds up the extension host. Used while the setting
 * `databaseMigration.languageServer` is true (the default); otherwise LintDiagnostics lints in the host as before.
 * The server publishes diagnostics (code = rule id linked to docs/rules.md), quick fixes, rule docs on hover and
 * completions; "Lint workspace" stays in the host.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export const SERVER_SETTING = 'languageServer';

/** The settings the server reads (initializationOptions; later changes come as workspace/didChangeConfiguration). */
function serverSettings(extensionPath: string): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('databaseMigration');
  return {
    configFile: c.get<string>('configFile', ''),
    lintOnType: c.get<boolean>('lintOnType', true),
    lintDebounceMs: c.get<number>('lintDebounceMs', 25),
    rulesDoc: path.join(extensionPath, 'docs', 'rules.md'),
    // The shadow schema (schema-features.ts) completes tables and columns with their types: one list, not two.
    completions: false,
  };
}

export class LintLanguageClient implements vscode.Disposable {
  private client: LanguageClient | null = null;
  private readonly openedAt = new Map<string, number>();
  private firstOpenAt: number | undefined;
  /** Milliseconds from opening the first migration file to its diagnostics (as the host lint measured it). */
  readonly timings: { firstDiagnosticsMs?: number } = {};

  constructor(private readonly extensionPath: string, private readonly output: vscode.OutputChannel, private readonly startedAt: number,
    /** Called when the server shows a document's diagnostics (the host drops its "lint workspace" copy of them). */
    private readonly onServerDiagnostics: (uri: vscode.Uri) => void) {}

  get running(): boolean {
    return this.client !== null;
  }

  /** Starts the server (the client library is loaded here, not at activation: activation stays cheap). */
  start(): void {
    if (this.client) return;
    const { LanguageClient, RevealOutputChannelOn, TransportKind } = require('vscode-languageclient/node') as typeof import('vscode-languageclient/node');
    const module = path.join(this.extensionPath, 'dist', 'lsp-server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc },
    };
    const settings = serverSettings(this.extensionPath);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'sql' }, { scheme: 'untitled', language: 'sql' }, { scheme: 'file', pattern: '**/*.sql' }],
      diagnosticCollectionName: DIAGNOSTIC_SOURCE,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: settings,
      synchronize: { configurationSection: 'databaseMigration' },
      middleware: {
        didOpen: (doc, next) => {
          const now = performance.now();
          this.firstOpenAt ??= now;
          if (!this.openedAt.has(doc.uri.toString())) this.openedAt.set(doc.uri.toString(), now);
          return next(doc);
        },
        handleDiagnostics: (uri, diagnostics, next) => {
          next(uri, diagnostics);
          this.onServerDiagnostics(uri);
          if (this.timings.firstDiagnosticsMs === undefined) {
            const from = this.openedAt.get(uri.toString()) ?? this.firstOpenAt ?? this.startedAt;
            this.timings.firstDiagnosticsMs = Math.round(performance.now() - from);
            this.output.appendLine(`first diagnostics ${this.timings.firstDiagnosticsMs} ms after the first migration file was opened (includes loading the parser; language server)`);
          }
        },
      },
    };
    this.client = new LanguageClient('databaseMigration', 'Database Migration Lint', serverOptions, clientOptions);
    const client = this.client;
    client.start().catch((err: unknown) => {
      this.output.appendLine(`language server failed to start: ${String((err as Error)?.message ?? err)}`);
      void vscode.window.showErrorMessage('Database Migration: the lint language server did not start; set "databaseMigration.languageServer" to false to lint in the extension host.');
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.stop().catch(() => undefined);
  }

  dispose(): void {
    void this.stop();
  }
}
