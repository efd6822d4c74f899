/**
 * Lint diagnostics: migration files are linted as the author types (debounced;
 * the SQL layer caches parses per statement text, so only changed statements
 * are parsed again), quick fixes come from the rules' fixes plus "ignore this
 * rule for this statement", and "lint workspace" fills the Problems panel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openProject } from '../core/engine';
import { lintTextSync, looksLikeMigration, type LintOptions } from '../lint/linter';
import { inMigrationsDir, lintOptionsFromConfig, lintPaths } from '../lint/project';
import type { Finding } from '../lint/types';
import { loadParser, type Parser } from '../sql/parser';
import { warmUpRound } from '../lint/warm-up';
import { schemaLookupsByFile } from '../lint/schema';
import type { ShadowSchema } from '../core/shadow/types';
import { diagnosticMessage, findingRange, fixEdits, ignoreRuleEdit, isMigrationPath, ruleDocLine, severityName, upMarkerLine, type RangeModel } from '../lint/editor-model';
import { configPathFor } from './model/folders';
import { describeError, type ProjectFolder, type ProjectRegistry } from './projects';

export const DIAGNOSTIC_SOURCE = 'database-migration';
/** Background lint rounds on a built-in migration before the first real lint (see warmUp). */
const WARM_UP_ROUNDS = 4;

function toRange(r: RangeModel): vscode.Range {
  return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
}

/** Diagnostics carry their finding so the code actions can find its fix. */
class FindingDiagnostic extends vscode.Diagnostic {
  constructor(range: vscode.Range, readonly finding: Finding) {
    super(range, diagnosticMessage(finding), vscode.DiagnosticSeverity[severityName(finding.severity)]);
  }
}

export class LintDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** How long each document's last lint took: a slow lint waits longer after a keystroke (see delayFor). */
  private readonly lintMs = new Map<string, number>();
  private docsText: string | null = null;
  private firstScheduledAt: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private linted = false;
  private disposed = false;
  /** Milliseconds from a change to its diagnostics, last few runs (for the activation/first-diagnostics note). */
  readonly timings: { firstDiagnosticsMs?: number } = {};

  /**
   * `editorLint`: lint open migration files here, in the extension host (the setting databaseMigration.languageServer
   * off). When the language server lints them, this class only keeps "lint workspace" (see setEditorLint).
   */
  constructor(private readonly registry: ProjectRegistry, private readonly extensionUri: vscode.Uri, private readonly startedAt: number,
    private editorLint = true) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (this.lintOnType()) this.schedule(e.document); }),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // Keep problems of files on disk that "lint workspace" found; drop those of untitled buffers.
        if (d.isUntitled) this.collection.delete(d.uri);
        this.lintMs.delete(d.uri.toString());
      }),
      // A deleted or renamed file's problems must not linger in the Problems panel.
      vscode.workspace.onDidDeleteFiles((e) => { for (const uri of e.files) this.forget(uri); }),
      vscode.workspace.onDidRenameFiles((e) => { for (const f of e.files) this.forget(f.oldUri); }),
    );
    // Files deleted outside VS Code (rm, git checkout, a branch switch) fire no onDidDeleteFiles: a watcher of
    // deletions only (a deleted folder comes as one event) drops their problems, and those of anything else gone.
    const gone = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    let sweep: NodeJS.Timeout | undefined;
    this.disposables.push(gone, gone.onDidDelete((uri) => {
      this.forget(uri);
      if (sweep) clearTimeout(sweep);
      sweep = setTimeout(() => this.forgetMissing(), 200);
    }), { dispose: () => clearTimeout(sweep) });
    // After activation returns: start loading the parser (WASM) in the background, then lint the files already open.
    const start = setTimeout(() => this.startEditorLint(), 0);
    this.disposables.push({ dispose: () => clearTimeout(start) });
  }

  private startEditorLint(): void {
    if (!this.editorLint || this.disposed) return;
    void loadParser().then((parser) => this.warmUp(parser), () => undefined); // a failure is reported by the first lint
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /**
   * Switches the lint of open files between the host (true) and the language server (false): the host's diagnostics
   * of open files go when the server takes over, and the host lints them all when it takes them back.
   */
  setEditorLint(on: boolean): void {
    if (this.editorLint === on) return;
    this.editorLint = on;
    if (on) {
      this.startEditorLint();
      return;
    }
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of vscode.workspace.textDocuments) this.collection.delete(d.uri);
  }

  /** The language server shows this file's diagnostics: the host's copy ("lint workspace") would repeat them. */
  dropHostCopy(uri: vscode.Uri): void {
    if (!this.editorLint) this.collection.delete(uri);
  }

  /**
   * Until the first real lint: a few background rounds on a built-in migration (one short round at a time, the
   * extension host free in between), so the first file the author opens is linted with warm code.
   */
  private warmUp(parser: Parser, round = 0): void {
    if (round >= WARM_UP_ROUNDS || this.linted || this.disposed) return;
    const timer = setTimeout(() => {
      if (this.linted || this.disposed) return;
      try {
        warmUpRound(parser);
      } catch {
        return; // warming up is an optimisation only
      }
      this.warmUp(parser, round + 1);
    }, round === 0 ? 0 : 20);
    timer.unref?.();
  }

  /** Drops the problems of files no longer on disk and not open in an editor (whose text is still there to lint). */
  forgetMissing(): void {
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    this.collection.forEach((u) => {
      if (u.scheme === 'file' && !open.has(u.toString()) && !fs.existsSync(u.fsPath)) this.collection.delete(u);
    });
  }

  /** Drops the diagnostics (and a pending re-lint) of a file and anything below it, when it is deleted. */
  private forget(uri: vscode.Uri): void {
    const prefix = uri.toString();
    this.collection.forEach((u) => {
      const key = u.toString();
      if (key === prefix || key.startsWith(`${prefix}/`)) this.collection.delete(u);
    });
    for (const [key, timer] of this.timers) {
      if (key === prefix || key.startsWith(`${prefix}/`)) { clearTimeout(timer); this.timers.delete(key); }
    }
  }

  private lintOnType(): boolean {
    return vscode.workspace.getConfiguration('databaseMigration').get<boolean>('lintOnType', true);
  }

  private debounceMs(): number {
    return Math.max(0, vscode.workspace.getConfiguration('databaseMigration').get<number>('lintDebounceMs', 25));
  }

  /**
   * The wait after a keystroke: the setting, or twice the document's last lint time when that is longer (capped at a
   * second), so a file that lints in 10 ms shows findings at once while a huge one does not lint on every keystroke.
   */
  private delayFor(doc: vscode.TextDocument): number {
    return Math.max(this.debounceMs(), Math.min(1000, 2 * (this.lintMs.get(doc.uri.toString()) ?? 0)));
  }

  /** Is this document a migration the editor should lint? */
  private wanted(doc: vscode.TextDocument): boolean {
    if (doc.languageId !== 'sql' && !doc.fileName.toLowerCase().endsWith('.sql')) return false;
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return false;
    const pf = this.registry.folderFor(doc.uri);
    if (pf) {
      // Only the config is needed here, not the whole folder state (files, backups) the views read.
      if (isMigrationPath(doc.uri.fsPath, [this.registry.cachedState(pf)?.migrationsDir ?? this.migrationsDirOf(pf)])) return true;
    }
    return looksLikeMigration(doc.getText());
  }

  private migrationsDirOf(pf: ProjectFolder): string {
    try {
      return this.registry.open(pf).config.migrationsDir;
    } catch {
      return pf.cwd; // a broken config: as the folder state has it
    }
  }

  private schedule(doc: vscode.TextDocument, delay = this.delayFor(doc)): void {
    if (!this.editorLint || !this.wanted(doc)) return;
    const scheduledAt = performance.now();
    this.firstScheduledAt ??= scheduledAt;
    const key = doc.uri.toString();
    const previous = this.timers.get(key);
    if (previous) clearTimeout(previous);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.lintDocument(doc, scheduledAt, delay);
    }, delay));
  }

  /** Where the lint rules read the schema before a migration (changing-column-type's old type): the editor's shadow. */
  schemaSource: ((uri: vscode.Uri) => ShadowSchema | null) | null = null;
  private readonly lookups = new WeakMap<ShadowSchema, NonNullable<LintOptions['schemaAt']>>();

  private schemaOptions(parser: Parser, uri: vscode.Uri): Pick<LintOptions, 'schemaAt'> {
    const schema = this.schemaSource?.(uri);
    if (!schema) return {};
    let at = this.lookups.get(schema);
    if (!at) this.lookups.set(schema, (at = schemaLookupsByFile(parser, schema, '/')));
    return { schemaAt: at };
  }

  private optionsFor(uri: vscode.Uri): LintOptions {
    const pf = this.registry.folderFor(uri);
    if (!pf) return {};
    try {
      const configFile = vscode.workspace.getConfiguration('databaseMigration').get<string>('configFile', '');
      const { config } = openProject({ cwd: pf.cwd, configPath: configPathFor(configFile) });
      // A file of the migrations directory is read as --up reads it, as "lint workspace" and --lint do.
      const options = lintOptionsFromConfig(config);
      return { ...options, asMigration: inMigrationsDir(uri.fsPath, config.migrationsDir, options.format) };
    } catch {
      return {}; // a broken config is reported by the views; lint with defaults meanwhile
    }
  }

  async lintDocument(doc: vscode.TextDocument, scheduledAt = performance.now(), debounce = 0): Promise<void> {
    this.linted = true;
    const version = doc.version;
    const text = doc.getText();
    let findings: Finding[];
    let lintMs: number;
    try {
      const parser = await loadParser();
      const options = { ...this.optionsFor(doc.uri), ...this.schemaOptions(parser, doc.uri) };
      const started = performance.now();
      findings = lintTextSync(parser, text, doc.uri.fsPath, options);
      lintMs = performance.now() - started;
      // The session's first lint runs on cold code (ten times slower): it would hold up the next keystrokes.
      if (this.timings.firstDiagnosticsMs !== undefined) this.lintMs.set(doc.uri.toString(), lintMs);
    } catch (err) {
      this.registry.output.appendLine(`lint failed for ${doc.uri.fsPath}: ${describeError(err)}`);
      return;
    }
    if (doc.isClosed || doc.version !== version) return; // a newer run is on its way
    const upLine = findings.some((f) => f.section === 'down') ? upMarkerLine(text, doc.uri.fsPath) : null;
    this.collection.set(doc.uri, findings.map((f) => {
      const d = this.toDiagnostic(f, (l) => (l < doc.lineCount ? doc.lineAt(l).text.length : 0));
      // A down-section finding is about undoing the up section: point there too.
      if (f.section === 'down' && upLine !== null) {
        d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, new vscode.Position(upLine - 1, 0)), 'the up section this down section should undo')];
      }
      return d;
    }));
    // DATABASE_MIGRATION_TIMINGS=1 (the e2e test): every lint's time from the change (or open) to its diagnostics.
    if (process.env['DATABASE_MIGRATION_TIMINGS'] === '1') {
      this.registry.output.appendLine(`timing: ${path.basename(doc.uri.fsPath)} v${version}: diagnostics ${Math.round(performance.now() - scheduledAt)} ms after the change (debounce ${debounce} ms), lint ${Math.round(lintMs)} ms`);
    }
    if (this.timings.firstDiagnosticsMs === undefined) {
      this.timings.firstDiagnosticsMs = Math.round(performance.now() - (this.firstScheduledAt ?? this.startedAt));
      this.registry.output.appendLine(`first diagnostics ${this.timings.firstDiagnosticsMs} ms after the first migration file was opened (includes loading the parser)`);
    }
  }

  private ruleDocUri(ruleId: string): vscode.Uri {
    const doc = vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules.md');
    if (this.docsText === null) {
      try {
        this.docsText = fs.readFileSync(doc.fsPath, 'utf8');
      } catch {
        this.docsText = '';
      }
    }
    return doc.with({ fragment: `L${ruleDocLine(this.docsText, ruleId)}` });
  }

  private toDiagnostic(f: Finding, lineLength: (line0: number) => number): vscode.Diagnostic {
    const d = new FindingDiagnostic(toRange(findingRange(f, lineLength)), f);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.ruleId, target: this.ruleDocUri(f.ruleId) };
    return d;
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (!this.editorLint) return actions; // the language server offers them
    const lines = doc.getText().split('\n');
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      // Diagnostics handed back may be copies: find ours by range and code.
      const f = d instanceof FindingDiagnostic ? d.finding
        : (this.collection.get(doc.uri) ?? []).find((x): x is FindingDiagnostic => x instanceof FindingDiagnostic && x.range.isEqual(d.range) && x.finding.ruleId === codeValue(d))?.finding;
      if (!f) continue;
      if (f.fix) {
        const a = new vscode.CodeAction(f.fix.title, vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        for (const e of fixEdits(f)) a.edit.replace(doc.uri, toRange(e.range), e.newText);
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      }
      const ignore = ignoreRuleEdit(f, lines);
      if (ignore) {
        const a = new vscode.CodeAction(`Ignore ${f.ruleId} for this statement`, vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.replace(doc.uri, toRange(ignore.range), ignore.newText);
        a.diagnostics = [d];
        actions.push(a);
      }
    }
    return actions;
  }

  /** Lints every project's migrations directory and fills the Problems panel. */
  async lintWorkspace(): Promise<{ files: number; findings: number }> {
    let files = 0;
    let count = 0;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Linting migrations', cancellable: true }, async (progress, token) => {
      for (const pf of this.registry.folders()) {
        if (token.isCancellationRequested) break;
        progress.report({ message: pf.name });
        const configFile = vscode.workspace.getConfiguration('databaseMigration').get<string>('configFile', '');
        let run;
        let root: string;
        try {
          const { config } = openProject({ cwd: pf.cwd, configPath: configPathFor(configFile) });
          if (!fs.existsSync(config.migrationsDir)) continue;
          root = config.root;
          run = await lintPaths([], config, root);
        } catch (err) {
          this.registry.output.appendLine(`lint ${pf.name}: ${describeError(err)}`);
          void vscode.window.showErrorMessage(`Lint of ${pf.name} failed: ${describeError(err).split('\n')[0]}`);
          continue;
        }
        for (const shown of run.files) {
          const abs = path.resolve(root, shown);
          const uri = vscode.Uri.file(abs);
          const text = run.sources.get(shown) ?? '';
          const lineLengths = text.split('\n').map((l) => l.replace(/\r$/, '').length);
          const found = run.findings.filter((f) => f.file === shown);
          files++;
          count += found.length;
          // An open file's problems are the language server's (from its open text): a copy here would repeat them.
          if (!this.editorLint && vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) continue;
          this.collection.set(uri, found.map((f) => this.toDiagnostic({ ...f, file: abs }, (l) => lineLengths[l] ?? 0)));
        }
      }
    });
    return { files, findings: count };
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
    this.collection.dispose();
  }
}

function codeValue(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}
