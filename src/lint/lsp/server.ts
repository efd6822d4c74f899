/**
 * The linter over the Language Server Protocol: diagnostics of open migration files (pushed with
 * textDocument/publishDiagnostics, debounced per document, never older than the document), quick fixes, the rule's
 * documentation on hover, completions of the tables and columns earlier migrations created, and cleanup when files
 * change or go on disk. `database-migration --lsp` (src/cli) and the VS Code extension (src/extension/language-client.ts)
 * start it; it needs no editor API, so any LSP client can use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind, TextDocuments, WatchKind,
  type CodeAction, type CompletionItem, type Connection, type Diagnostic, type Hover, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { packageRoot, packageVersion } from '../../core/package-root';
import { loadParser, type Parser } from '../../sql/parser';
import { lintTextSync, looksLikeMigration } from '../linter';
import type { Finding } from '../types';
import { warmUpRound } from '../warm-up';
import { codeActions, completions, hoverAt, requestedDiagnostics, RuleDocs, rulesDocFile, toDiagnostics } from './convert';
import { Projects } from './projects';

/** Settings (initializationOptions, or workspace/didChangeConfiguration's `databaseMigration` section). */
export interface ServerSettings {
  /** Config file path relative to the workspace folder ('' = database-migration.config.json found above the file). */
  configFile: string;
  /** Lint while typing (otherwise on open and save). */
  lintOnType: boolean;
  /** Wait after the last change (at least twice the file's last lint time, up to a second). */
  lintDebounceMs: number;
  /** docs/rules.md to link diagnostics to (the extension passes its own copy). */
  rulesDoc?: string;
  /**
   * Offer completions (initializationOptions only: capabilities are fixed at initialize). The VS Code extension turns
   * them off: its shadow schema completes with types and definitions.
   */
  completions: boolean;
}

const DEFAULTS: ServerSettings = { configFile: '', lintOnType: true, lintDebounceMs: 25, completions: true };
const WARM_UP_ROUNDS = 4;
/** How long after an edit of one migration the project's other open migrations are linted again. */
const OTHERS_DELAY_MS = 400;

/** The linted state of a document: findings and their diagnostics side by side, for that version of the text. */
interface Linted {
  version: number;
  text: string;
  findings: Finding[];
  diagnostics: Diagnostic[];
}

function safePackageRoot(): string | null {
  try {
    return packageRoot();
  } catch {
    return null;
  }
}

function safeVersion(): string | undefined {
  try {
    return packageVersion();
  } catch {
    return undefined;
  }
}

export function uriToPath(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

function settingsFrom(value: unknown, base: ServerSettings): ServerSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Partial<ServerSettings>;
  return {
    configFile: typeof v.configFile === 'string' ? v.configFile : base.configFile,
    lintOnType: typeof v.lintOnType === 'boolean' ? v.lintOnType : base.lintOnType,
    lintDebounceMs: typeof v.lintDebounceMs === 'number' && v.lintDebounceMs >= 0 ? Math.min(v.lintDebounceMs, 5000) : base.lintDebounceMs,
    rulesDoc: typeof v.rulesDoc === 'string' ? v.rulesDoc : base.rulesDoc,
    completions: typeof v.completions === 'boolean' ? v.completions : base.completions,
  };
}

export class LintServer {
  readonly documents = new TextDocuments(TextDocument);
  private settings: ServerSettings = DEFAULTS;
  private folders: string[] = [];
  private readonly projects: Projects;
  private docs = new RuleDocs(rulesDocFile(safePackageRoot()));
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; version: number }>();
  private readonly linted = new Map<string, Linted>();
  /** Documents (open or not) this server published non-empty diagnostics for: cleared when the file goes. */
  private readonly published = new Set<string>();
  private readonly lintMs = new Map<string, number>();
  private versionedEdits = false;
  private watchRegistration = false;
  private configurationRegistration = false;
  private folderEvents = false;
  private firstScheduledAt: number | undefined;
  private firstDone = false;
  private readonly timing = process.env['DATABASE_MIGRATION_TIMINGS'] === '1';

  constructor(private readonly connection: Connection) {
    this.projects = new Projects({
      folders: () => this.folders,
      configFile: () => this.settings.configFile,
      textOf: (file) => this.openText(file),
      log: (m) => this.connection.console.log(m),
    });
    this.listen();
    this.documents.listen(connection);
  }

  /** Runs a handler; an exception is logged and answered with `fallback`: the server keeps serving. */
  private guard<A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      try {
        return await fn(...args);
      } catch (err) {
        this.connection.console.error(`${name} failed: ${String((err as Error)?.stack ?? err)}`);
        return fallback;
      }
    };
  }

  private listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(this.guard('initialized', undefined, () => this.initialized()));
    c.onDidChangeConfiguration(this.guard('didChangeConfiguration', undefined, (p) => {
      // VS Code and Neovim send the "databaseMigration" section; Helix sends its language server "config" as it is.
      const settings = p.settings as Record<string, unknown> | null;
      const section = settings?.['databaseMigration'] ?? (settings && Object.keys(DEFAULTS).some((k) => k in settings) ? settings : undefined);
      if (section === undefined) return;
      this.applySettings(section);
    }));
    c.onDidChangeWatchedFiles(this.guard('didChangeWatchedFiles', undefined, (p) => this.filesChanged(p.changes)));
    c.onCodeAction(this.guard('codeAction', [] as CodeAction[], (p) => this.codeActions(p.textDocument.uri, p.range, p.context.diagnostics)));
    c.onHover(this.guard('hover', null as Hover | null, (p) => this.hover(p.textDocument.uri, p.position)));
    c.onCompletion(this.guard('completion', [] as CompletionItem[], (p) => this.complete(p.textDocument.uri, p.position)));
    const d = this.documents;
    d.onDidOpen(this.guard('didOpen', undefined, (e) => this.schedule(e.document, 0)));
    d.onDidChangeContent(this.guard('didChange', undefined, (e) => {
      const pending = this.timers.get(e.document.uri);
      if (pending?.version === e.document.version) return; // the open's own change event
      const file = uriToPath(e.document.uri);
      const project = file ? this.projects.edited(file) : null;
      if (!this.settings.lintOnType) return;
      this.schedule(e.document);
      // The other open migrations of the project see this one's unsaved text once the typing pauses.
      if (project) this.relintProjects([project.root], { except: e.document.uri, delay: OTHERS_DELAY_MS, closed: false });
    }));
    d.onDidSave(this.guard('didSave', undefined, (e) => {
      this.schedule(e.document, 0);
      const file = uriToPath(e.document.uri);
      if (file) this.relintProjects(this.projects.changedOnDisk(file), { except: e.document.uri });
    }));
    d.onDidClose(this.guard('didClose', undefined, (e) => {
      const uri = e.document.uri;
      this.cancel(uri);
      this.lintMs.delete(uri);
      this.linted.delete(uri);
      // Problems of a file on disk stay (as a linter's would); an unsaved buffer's go with it.
      if (!uri.startsWith('file:')) this.clear(uri);
    }));
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p)
      ?? [params.rootUri ? uriToPath(params.rootUri) : params.rootPath ?? null].filter((p): p is string => !!p);
    this.folders = folders;
    this.applySettings(params.initializationOptions, false);
    const caps = params.capabilities;
    this.versionedEdits = !!caps.workspace?.workspaceEdit?.documentChanges;
    this.watchRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.configurationRegistration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    this.folderEvents = !!caps.workspace?.workspaceFolders;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        ...(this.settings.completions ? { completionProvider: { triggerCharacters: ['.'] } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'database-migration', version: safeVersion() },
    };
  }

  private async initialized(): Promise<void> {
    if (this.watchRegistration) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.sql' },
          { globPattern: '**/database-migration.config.json' },
          // A deleted folder comes as one event for the folder: the problems of the files below it must go too.
          { globPattern: '**/*', kind: WatchKind.Delete },
        ],
      });
    }
    if (this.configurationRegistration) await this.connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
    if (this.folderEvents) this.connection.workspace.onDidChangeWorkspaceFolders(this.guard('didChangeWorkspaceFolders', undefined, (e) => {
      const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
      this.folders = [...this.folders.filter((f) => !removed.has(f)), ...e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p)];
      this.projects.clear();
    }));
    // Load the parser (WASM) now and warm the linter up until the first real lint, so the first file opened is fast.
    void loadParser().then((parser) => {
      this.warmUp(parser);
      // The workspace folders' histories too: the first file opened is linted with them at hand.
      for (const folder of this.folders) void this.guard('prepare', undefined, () => this.projects.prepare(folder))();
    }, () => undefined);
  }

  private warmUp(parser: Parser, round = 0): void {
    if (round >= WARM_UP_ROUNDS || this.firstScheduledAt !== undefined) return;
    const timer = setTimeout(() => {
      if (this.firstScheduledAt !== undefined) return;
      try {
        warmUpRound(parser);
      } catch {
        return; // an optimisation only
      }
      this.warmUp(parser, round + 1);
    }, round === 0 ? 0 : 20);
    timer.unref?.();
  }

  private applySettings(value: unknown, relint = true): void {
    const before = this.settings;
    this.settings = settingsFrom(value, before);
    if (this.settings.rulesDoc !== before.rulesDoc && this.settings.rulesDoc) this.docs = new RuleDocs(this.settings.rulesDoc);
    if (this.settings.configFile !== before.configFile) {
      this.projects.clear();
      if (relint) for (const d of this.documents.all()) this.schedule(d, 0);
    }
  }

  private openText(file: string): string | undefined {
    const target = path.resolve(file);
    for (const d of this.documents.all()) if (uriToPath(d.uri) === target) return d.getText();
    return undefined;
  }

  /** Is this document a migration to lint: a .sql file of a migrations directory, or any SQL text with an up marker? */
  private wanted(doc: TextDocument): boolean {
    const file = uriToPath(doc.uri);
    const sql = doc.languageId === 'sql' || doc.uri.toLowerCase().endsWith('.sql');
    if (!sql) return false;
    if (file && this.projects.inMigrations(file)) return true;
    return looksLikeMigration(doc.getText());
  }

  private delayFor(doc: TextDocument): number {
    return Math.max(this.settings.lintDebounceMs, Math.min(1000, 2 * (this.lintMs.get(doc.uri) ?? 0)));
  }

  private cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t.timer);
    this.timers.delete(uri);
  }

  private schedule(doc: TextDocument, delay = this.delayFor(doc)): void {
    if (!this.wanted(doc)) {
      this.clear(doc.uri);
      return;
    }
    const scheduledAt = performance.now();
    this.firstScheduledAt ??= scheduledAt;
    this.cancel(doc.uri);
    const version = doc.version;
    const timer = setTimeout(() => {
      this.timers.delete(doc.uri);
      void this.guard('lint', undefined, () => this.lint(doc.uri, version, scheduledAt, delay))();
    }, delay);
    this.timers.set(doc.uri, { timer, version });
  }

  private clear(uri: string): void {
    this.linted.delete(uri);
    if (this.published.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
    if (diagnostics.length > 0) this.published.add(uri);
    else if (!this.published.has(uri) && version === undefined) return;
    else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /** Lints an open document at the version that was scheduled; a newer version on its way makes this run stop. */
  private async lint(uri: string, version: number, scheduledAt: number, debounce: number): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc || doc.version !== version) return;
    const file = uriToPath(uri);
    const parser = await loadParser();
    const options = file ? await this.projects.optionsFor(file) : {};
    const current = this.documents.get(uri);
    if (!current || current.version !== version) return; // edited meanwhile: the newer run publishes
    const text = current.getText();
    const started = performance.now();
    const findings = lintTextSync(parser, text, file ?? uri, options);
    const lintMs = performance.now() - started;
    // The first lint runs on cold code: it would hold up the next keystrokes.
    if (this.firstDone) this.lintMs.set(uri, lintMs);
    const diagnostics = toDiagnostics(findings, text, uri, this.docs);
    this.linted.set(uri, { version, text, findings, diagnostics });
    this.publish(uri, diagnostics, version);
    if (this.timing) {
      this.connection.console.log(`timing: ${path.basename(file ?? uri)} v${version}: diagnostics ${Math.round(performance.now() - scheduledAt)} ms after the change (debounce ${debounce} ms), lint ${Math.round(lintMs)} ms`);
    }
    if (!this.firstDone) {
      this.firstDone = true;
      this.connection.console.log(`language server: first lint published ${Math.round(performance.now() - (this.firstScheduledAt ?? scheduledAt))} ms after the first migration file was opened (includes loading the parser)`);
    }
  }

  /** Lints a closed file from disk (a file this server showed problems for changed on disk). */
  private async lintClosed(uri: string): Promise<void> {
    const file = uriToPath(uri);
    if (!file || this.documents.get(uri)) return;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      this.clear(uri);
      return;
    }
    const parser = await loadParser();
    const options = await this.projects.optionsFor(file);
    if (this.documents.get(uri)) return;
    const findings = lintTextSync(parser, text, file, options);
    this.publish(uri, toDiagnostics(findings, text, uri, this.docs));
  }

  /**
   * The open migrations of these projects are linted again (but `except`), after `delay` ms at least; with `closed`,
   * also the closed files this server shows problems for (read from disk: they changed there).
   */
  private relintProjects(roots: string[], { except, delay = 50, closed = true }: { except?: string; delay?: number; closed?: boolean } = {}): void {
    if (roots.length === 0) return;
    const inRoots = (uri: string) => {
      const file = uriToPath(uri);
      return !!file && roots.some((r) => this.projects.belongsTo(file, r));
    };
    for (const d of this.documents.all()) if (d.uri !== except && inRoots(d.uri)) this.schedule(d, Math.max(delay, this.delayFor(d)));
    if (!closed) return;
    for (const uri of this.published) {
      if (!this.documents.get(uri) && inRoots(uri)) void this.guard('lint', undefined, () => this.lintClosed(uri))();
    }
  }

  private filesChanged(changes: { uri: string; type: FileChangeType }[]): void {
    const roots = new Set<string>();
    for (const ch of changes) {
      const file = uriToPath(ch.uri);
      if (!file) continue;
      if (ch.type === FileChangeType.Deleted) {
        // A deleted file's problems (and those of every file below a deleted folder) must not stay forever.
        for (const uri of [...this.published]) {
          if (uri === ch.uri || uri.startsWith(`${ch.uri.replace(/\/$/, '')}/`)) this.clear(uri);
        }
      }
      for (const r of this.projects.changedOnDisk(file)) roots.add(r);
    }
    this.relintProjects([...roots]);
  }

  /** The linted state of a document at its current version (linted now when the last lint is older). */
  private async current(uri: string): Promise<Linted | null> {
    const doc = this.documents.get(uri);
    if (!doc) return null;
    const have = this.linted.get(uri);
    if (have && have.version === doc.version) return have;
    if (!this.wanted(doc)) return null;
    this.cancel(uri);
    await this.lint(uri, doc.version, performance.now(), 0);
    const now = this.linted.get(uri);
    return now && now.version === this.documents.get(uri)?.version ? now : null;
  }

  private async codeActions(uri: string, range: Parameters<typeof requestedDiagnostics>[1], sent: Diagnostic[]): Promise<CodeAction[]> {
    const l = await this.current(uri);
    if (!l) return [];
    const chosen = requestedDiagnostics(l.diagnostics, range, sent);
    return codeActions(uri, l.version, l.text, l.findings, l.diagnostics, chosen, this.versionedEdits);
  }

  private async hover(uri: string, position: { line: number; character: number }): Promise<Hover | null> {
    const l = await this.current(uri);
    return l ? hoverAt(l.findings, l.diagnostics, position, this.docs) : null;
  }

  private async complete(uri: string, position: { line: number; character: number }): Promise<CompletionItem[]> {
    const doc = this.documents.get(uri);
    const file = uriToPath(uri);
    if (!doc || !file || !this.wanted(doc)) return [];
    const line = doc.getText({ start: { line: position.line, character: 0 }, end: position });
    return completions(await this.projects.tablesBefore(file), line);
  }
}

/** Serves the linter on a connection until the client says exit. */
export function startServer(connection: Connection): LintServer {
  const server = new LintServer(connection);
  connection.listen();
  return server;
}

