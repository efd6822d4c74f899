/**
 * The editor that knows the schema: completions, hover and go-to-definition in migration files from the shadow
 * schema (the history replayed into an embedded database) as it stands at that file's position in the history, and
 * the statements that fail on that replay as diagnostics of their own. A thin shell: the candidates, the hover text
 * and the object lookups are core's (src/core/shadow/editor-model.ts); this file maps them to VS Code's types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Config } from '../core/config';
import {
  completionCandidates, cursorContext, errorMessage, errorRange, hoverMarkdown, migrationView, nameAt, objectKeyAt, shadowFailure, warningMessage,
  type CandidateKind, type MigrationView, type ShadowFailure,
} from '../core/shadow/editor-model';
import { locateObject } from '../core/shadow/objects';
import type { ShadowSchema, ShadowStatementError } from '../core/shadow/types';
import { loadParser } from '../sql/parser';
import { isMigrationPath } from '../lint/editor-model';
import { describeError, type ProjectFolder, type ProjectRegistry } from './projects';

export const SCHEMA_DIAGNOSTIC_SOURCE = 'database-migration (schema)';
/** Saves in quick succession (save all) refresh the shadow once. */
const SAVE_DEBOUNCE_MS = 150;

/** What the editor needs of core's ShadowService (one per project folder). */
export interface ShadowSource {
  refresh(): Promise<ShadowSchema>;
  positionOf(file: string): number;
  close(): Promise<void>;
}

interface ShadowEntry {
  source: ShadowSource;
  /** The config the shadow was made for: another config (file edited, environment switched) makes a new one. */
  signature: string;
  schema: ShadowSchema | null;
  running: Promise<ShadowSchema | null> | null;
  /** A save came in while a refresh ran: refresh again after it. */
  again: boolean;
  /** Files that have schema diagnostics now. */
  files: Set<string>;
  /** The project's root (failures name files relative to it). */
  root: string;
}

const KIND: Record<CandidateKind, vscode.CompletionItemKind> = {
  schema: vscode.CompletionItemKind.Module,
  table: vscode.CompletionItemKind.Class,
  view: vscode.CompletionItemKind.Interface,
  column: vscode.CompletionItemKind.Field,
  type: vscode.CompletionItemKind.TypeParameter,
  function: vscode.CompletionItemKind.Function,
};

export class SchemaFeatures implements vscode.CompletionItemProvider, vscode.HoverProvider, vscode.DefinitionProvider, vscode.Disposable {
  static readonly selector: vscode.DocumentSelector = [{ language: 'sql' }, { pattern: '**/*.sql' }];
  readonly collection = vscode.languages.createDiagnosticCollection(SCHEMA_DIAGNOSTIC_SOURCE);
  private readonly shadows = new Map<string, ShadowEntry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly views = new WeakMap<ShadowSchema, Map<number, MigrationView>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Save → schema diagnostics handed to VS Code (ms), the last one, and the refresh alone. */
  readonly timings: { saveToDiagnosticsMs?: number; refreshMs?: number } = {};

  constructor(private readonly registry: ProjectRegistry, private readonly createShadow: (config: Config) => ShadowSource) {
    this.disposables.push(
      vscode.languages.registerCompletionItemProvider(SchemaFeatures.selector, this, '.'),
      vscode.languages.registerHoverProvider(SchemaFeatures.selector, this),
      vscode.languages.registerDefinitionProvider(SchemaFeatures.selector, this),
      vscode.workspace.onDidSaveTextDocument((d) => this.onSave(d)),
      vscode.workspace.onDidDeleteFiles((e) => { for (const uri of e.files) this.collection.delete(uri); }),
    );
  }

  /** The project folder of a migration file of it (null for any other document). */
  private projectOf(doc: vscode.TextDocument): ProjectFolder | null {
    if (doc.uri.scheme !== 'file' || !doc.fileName.toLowerCase().endsWith('.sql')) return null;
    const pf = this.registry.folderFor(doc.uri);
    if (!pf) return null;
    const dir = this.registry.cachedState(pf)?.migrationsDir ?? this.config(pf)?.migrationsDir;
    return dir && isMigrationPath(doc.uri.fsPath, [dir]) ? pf : null;
  }

  private config(pf: ProjectFolder): Config | null {
    try {
      return this.registry.open(pf).config;
    } catch {
      return null; // a broken config: the views report it
    }
  }

  /** The folder's shadow, made on first use (only in a trusted workspace: the shadow runs the project's SQL). */
  private entry(pf: ProjectFolder): ShadowEntry | null {
    if (!vscode.workspace.isTrusted) return null;
    const config = this.config(pf);
    if (!config) return null;
    const signature = JSON.stringify([config.file, config.migrationsDir, config.root]);
    const existing = this.shadows.get(pf.key);
    if (existing?.signature === signature) return existing;
    if (existing) void this.closeEntry(pf.key);
    const created: ShadowEntry = { source: this.createShadow(config), signature, schema: null, running: null, again: false, files: new Set(), root: config.root };
    this.shadows.set(pf.key, created);
    return created;
  }

  /** The last refreshed schema of the file's project, if any (never starts a build): what the lint rules may read. */
  latestSchema(uri: vscode.Uri): ShadowSchema | null {
    const pf = this.registry.folderFor(uri);
    return pf ? this.shadows.get(pf.key)?.schema ?? null : null;
  }

  /**
   * The last refreshed schema. The first build (the embedded database starting, the history replayed) runs on the
   * extension host's thread: a save or a completion request starts it (and a completion waits for it); a hover or a
   * go-to-definition (the mouse resting on the text while the author types) does not, and shows nothing until then.
   */
  private async schemaOf(pf: ProjectFolder, build: boolean): Promise<{ entry: ShadowEntry; schema: ShadowSchema } | null> {
    const entry = this.entry(pf);
    if (!entry) return null;
    const schema = entry.schema ?? (build ? await this.refresh(pf, entry) : null);
    return schema ? { entry, schema } : null;
  }

  /** Replays what changed; one refresh at a time per folder (a save during one asks for another after it). */
  private refresh(pf: ProjectFolder, entry: ShadowEntry): Promise<ShadowSchema | null> {
    if (entry.running) {
      entry.again = true;
      return entry.running;
    }
    const started = performance.now();
    entry.running = entry.source.refresh().then((schema) => {
      this.timings.refreshMs = Math.round(performance.now() - started);
      entry.schema = schema;
      this.publish(entry, schema);
      return schema;
    }, (err: unknown) => {
      this.registry.output.appendLine(`schema of ${pf.name}: ${describeError(err)}`);
      this.publishFailure(entry, shadowFailure(err, entry.root));
      return entry.schema;
    }).finally(() => {
      entry.running = null;
      if (entry.again && this.shadows.get(pf.key) === entry) {
        entry.again = false;
        void this.refresh(pf, entry);
      }
    });
    return entry.running;
  }

  private onSave(doc: vscode.TextDocument): void {
    const pf = this.projectOf(doc);
    if (!pf) return;
    const savedAt = performance.now();
    const previous = this.timers.get(pf.key);
    if (previous) clearTimeout(previous);
    this.timers.set(pf.key, setTimeout(() => {
      this.timers.delete(pf.key);
      const entry = this.entry(pf);
      if (!entry) return;
      void this.refresh(pf, entry).then(() => {
        this.timings.saveToDiagnosticsMs = Math.round(performance.now() - savedAt);
        if (process.env['DATABASE_MIGRATION_TIMINGS'] === '1') {
          this.registry.output.appendLine(`timing: ${path.basename(doc.fileName)} saved: schema diagnostics ${this.timings.saveToDiagnosticsMs} ms after the save (shadow refresh ${this.timings.refreshMs} ms)`);
        }
      });
    }, SAVE_DEBOUNCE_MS));
  }

  /**
   * Every replayed migration's failing statements as errors, and the statements that need a newer PostgreSQL than the
   * configured server's (the shadow's version accepts them) as warnings; files that no longer have any are cleared.
   */
  private publish(entry: ShadowEntry, schema: ShadowSchema): void {
    const now = new Set<string>();
    const toDiagnostic = (e: ShadowStatementError, severity: vscode.DiagnosticSeverity, message: string): vscode.Diagnostic => {
      const r = errorRange(e);
      const d = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter), message, severity);
      d.source = SCHEMA_DIAGNOSTIC_SOURCE;
      if (e.code) d.code = e.code;
      return d;
    };
    for (const p of schema.positions) {
      const warnings = p.warnings ?? [];
      if (!p.errors.length && !warnings.length) continue;
      now.add(p.file);
      this.collection.set(vscode.Uri.file(p.file), [
        ...p.errors.map((e) => toDiagnostic(e, vscode.DiagnosticSeverity.Error, errorMessage(e))),
        ...warnings.map((w) => toDiagnostic(w, vscode.DiagnosticSeverity.Warning, warningMessage(w))),
      ]);
    }
    for (const file of entry.files) if (!now.has(file)) this.collection.delete(vscode.Uri.file(file));
    entry.files = now;
  }

  /** A build that failed as a whole (an extension the embedded database lacks): shown on the file it names. */
  private publishFailure(entry: ShadowEntry, failure: ShadowFailure | null): void {
    if (!failure) return;
    const at = new vscode.Position(failure.line, failure.character);
    const d = new vscode.Diagnostic(new vscode.Range(at, at.translate(0, 1)), failure.message, vscode.DiagnosticSeverity.Error);
    d.source = SCHEMA_DIAGNOSTIC_SOURCE;
    d.code = failure.code;
    this.collection.set(vscode.Uri.file(failure.file), [d]);
    entry.files.add(failure.file);
  }

  /** The shadow's view at this document's position in the history. */
  private async viewFor(doc: vscode.TextDocument, build: boolean): Promise<MigrationView | null> {
    const pf = this.projectOf(doc);
    if (!pf) return null;
    const found = await this.schemaOf(pf, build);
    if (!found) return null;
    const index = found.entry.source.positionOf(doc.uri.fsPath);
    let byIndex = this.views.get(found.schema);
    if (!byIndex) this.views.set(found.schema, (byIndex = new Map()));
    let view = byIndex.get(index);
    if (!view) byIndex.set(index, (view = migrationView(found.schema, index, await loadParser())));
    return view;
  }

  async provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const view = await this.viewFor(doc, true);
    if (!view) return undefined;
    const parser = await loadParser();
    const ctx = cursorContext(parser, doc.getText(), doc.offsetAt(position));
    if (!ctx) return undefined;
    const range = new vscode.Range(doc.positionAt(ctx.prefixStart), position);
    return completionCandidates(view, ctx).map((c) => {
      const item = new vscode.CompletionItem({ label: c.label, description: c.kind === 'column' ? c.detail.split(' — ')[0] : undefined }, KIND[c.kind]);
      item.detail = c.detail;
      item.sortText = c.sortText;
      item.range = range;
      return item;
    });
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const view = await this.viewFor(doc, false);
    if (!view) return undefined;
    const name = nameAt(await loadParser(), doc.getText(), doc.offsetAt(position));
    const text = name ? hoverMarkdown(view, name) : null;
    return text && name ? new vscode.Hover(new vscode.MarkdownString(text), new vscode.Range(doc.positionAt(name.start), doc.positionAt(name.end))) : undefined;
  }

  async provideDefinition(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location | undefined> {
    const view = await this.viewFor(doc, false);
    if (!view) return undefined;
    const parser = await loadParser();
    const name = nameAt(parser, doc.getText(), doc.offsetAt(position));
    const found = name ? objectKeyAt(view, name) : null;
    const origin = found ? view.origins.get(found.key) : undefined;
    if (!found || !origin) return undefined;
    const file = origin.created.file;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    let text: string;
    try {
      text = open ? open.getText() : fs.readFileSync(file, 'utf8');
    } catch {
      return undefined; // the file is gone since the last refresh
    }
    const at = locateObject(parser, text, found.key);
    return new vscode.Location(vscode.Uri.file(file), new vscode.Position(at ? at.line - 1 : 0, at ? at.column - 1 : 0));
  }

  private async closeEntry(key: string): Promise<void> {
    const entry = this.shadows.get(key);
    if (!entry) return;
    this.shadows.delete(key);
    for (const file of entry.files) this.collection.delete(vscode.Uri.file(file));
    await entry.running?.catch(() => undefined);
    await entry.source.close().catch(() => undefined);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
    for (const key of [...this.shadows.keys()]) void this.closeEntry(key);
    this.collection.dispose();
  }
}
