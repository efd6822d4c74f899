/**
 * Which project a document belongs to, and what linting it needs from that project: the config's lint options,
 * whether the file is read as --up reads it (asMigration), the whole history of the migrations (so cross-file rules
 * such as foreign-key-without-index see earlier and later migrations, with the open, unsaved text of a migration in
 * place of its file), and the schema the shadow cached. One entry per project root, kept until the config file or
 * the migrations change.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, loadConfig, type Config } from '../../core/config';
import { isMigrationError } from '../../core/errors';
import { parseMigrationFile } from '../../core/migration-file';
import { isMigrationPath } from '../editor-model';
import type { Fact, ProjectHistory } from '../history';
import type { LintOptions } from '../linter';
import { cachedSchemaLookups, inMigrationsDir, lintOptionsFromConfig, migrationsReader, projectHistory } from '../project';
import type { SchemaLookup } from '../schema';

/** The history facts of up sections by the SHA-256 of their text, in memory; entries no build used are dropped. */
class FactsMemo {
  private entries = new Map<string, Fact[]>();
  private used = new Map<string, Fact[]>();

  private key(text: string): string {
    return createHash('sha256').update(text).digest('hex');
  }

  facts(text: string): Fact[] | undefined {
    const k = this.key(text);
    const hit = this.entries.get(k) ?? this.used.get(k);
    if (hit) this.used.set(k, hit);
    return hit;
  }

  setFacts(text: string, facts: Fact[]): void {
    this.used.set(this.key(text), facts);
  }

  /** After a build: keep only what it used (edited-away versions of a file go). */
  settle(): void {
    this.entries = this.used;
    this.used = new Map();
  }
}

export interface ProjectEntry {
  /** The folder the config is read from (config.root when there is one). */
  root: string;
  config: Config | null;
  /** Why the config could not be read (the document is linted with the defaults meanwhile). */
  error: string | null;
  options: LintOptions;
  history: ProjectHistory | null;
  schemaAt: ((file: string) => SchemaLookup | null) | null;
  /** The history must be built again: a migration changed on disk (or the history was never built). */
  stale: boolean;
  /** Open migrations edited since the history was built: their own lint may still use it (a file's view leaves out its own facts). */
  editedSince: Set<string>;
  building: Promise<void> | null;
  memo: FactsMemo;
}

export interface ProjectsHost {
  /** Workspace folders (paths). */
  folders(): string[];
  /** The configFile setting: a path relative to the workspace folder, or ''. */
  configFile(): string;
  /** The open text of a file, when the editor has it open. */
  textOf(file: string): string | undefined;
  log(message: string): void;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function describe(err: unknown): string {
  return isMigrationError(err) ? err.format() : String((err as Error)?.message ?? err);
}

export class Projects {
  private readonly entries = new Map<string, ProjectEntry>();

  constructor(private readonly host: ProjectsHost) {}

  /** The deepest workspace folder holding the file, or null. */
  private folderOf(file: string): string | null {
    let best: string | null = null;
    for (const f of this.host.folders()) if (isInside(file, f) && (!best || f.length > best.length)) best = f;
    return best;
  }

  /**
   * Where a file's config is read from: with the configFile setting, its workspace folder; else the nearest folder
   * above the file with a database-migration.config.json; else its workspace folder; else the folder above a
   * `migrations` directory it is in, else its own folder.
   */
  rootOf(file: string): { root: string; configPath?: string } {
    const folder = this.folderOf(file);
    const setting = this.host.configFile();
    if (setting && folder) return { root: folder, configPath: path.resolve(folder, setting) };
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, CONFIG_FILE_NAME))) return { root: dir };
      if (dir === path.dirname(dir)) break;
    }
    if (folder) return { root: folder };
    const dir = path.dirname(file);
    return { root: path.basename(dir) === 'migrations' ? path.dirname(dir) : dir };
  }

  entryFor(file: string): ProjectEntry {
    const { root, configPath } = this.rootOf(file);
    const key = `${root}\0${configPath ?? ''}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { root, config: null, error: null, options: {}, history: null, schemaAt: null, stale: true, editedSince: new Set(), building: null, memo: new FactsMemo() };
      try {
        entry.config = loadConfig({ cwd: root, configPath });
        entry.options = lintOptionsFromConfig(entry.config);
      } catch (err) {
        entry.error = describe(err);
        this.host.log(`config of ${root}: ${entry.error.split('\n')[0]} (linting with the defaults)`);
      }
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Is this file one the editor lints as a migration: a .sql file in its project's migrations directory? */
  inMigrations(file: string): boolean {
    const e = this.entryFor(file);
    return !!e.config && isMigrationPath(file, [e.config.migrationsDir]);
  }

  /**
   * Builds the history again when it is stale (one build at a time per project). `file`: the file about to be
   * linted (null: none, when the server prepares a project before any file is opened).
   */
  private async refresh(e: ProjectEntry, file: string | null): Promise<void> {
    const own = file === null ? null : path.resolve(file);
    const edited = [...e.editedSince].filter((f) => f !== own);
    if (!e.config || (!e.stale && edited.length === 0)) return;
    if (e.building) return e.building;
    const config = e.config;
    e.building = (async () => {
      e.stale = false;
      e.editedSince.clear();
      // The file being linted is read as empty: its view leaves its own facts out, so parsing it (a large file on
      // open) would only serve the other files' views. It counts as edited: the next lint of another file reads it.
      if (own !== null) e.editedSince.add(own);
      try {
        const read = migrationsReader(config);
        e.history = await projectHistory(config, e.memo, (f) => (path.resolve(f) === own ? '' : this.openUpSection(e, f)), read);
        e.memo.settle();
        e.schemaAt = await cachedSchemaLookups(config, config.root, read);
      } catch (err) {
        e.history = null;
        this.host.log(`history of ${e.root}: ${describe(err)}`);
      }
    })().finally(() => { e.building = null; });
    return e.building;
  }

  /**
   * The up section of a migration open in the editor (the history reads up sections), as --up would read the open
   * text; undefined when it is not open, or when its text is not a readable migration right now (the file on disk counts then).
   */
  private openUpSection(e: ProjectEntry, file: string): string | undefined {
    const text = this.host.textOf(file);
    if (text === undefined) return undefined;
    try {
      const base = path.basename(file);
      const format = e.options.format;
      const m = format && format.name !== 'native' ? format.parseText(text, file, base, e.options.formatOptions ?? {}) : parseMigrationFile(text, file, base);
      return m?.up;
    } catch {
      return undefined;
    }
  }

  /** Reads the history of the project a folder holds ahead of the first lint (the server's warm-up). */
  async prepare(folder: string): Promise<void> {
    const e = this.entryFor(path.join(folder, 'migration.sql'));
    await this.refresh(e, null);
  }

  /** The lint options of a file: the config's, read as --up reads it when it is in the migrations directory, with the history. */
  async optionsFor(file: string): Promise<LintOptions> {
    const e = this.entryFor(file);
    if (!e.config) return e.options;
    const asMigration = inMigrationsDir(file, e.config.migrationsDir, e.options.format);
    if (!asMigration) return e.options;
    await this.refresh(e, file);
    const history = e.history;
    const schemaAt = e.schemaAt;
    return {
      ...e.options, asMigration,
      ...(history ? { historyAt: (f: string) => history.viewOf(f) } : {}),
      ...(schemaAt ? { schemaAt } : {}),
    };
  }

  /** The tables (and columns) the migrations before a file created, for completions. */
  async tablesBefore(file: string): Promise<{ name: { schema: string | null; name: string }; columns: string[] }[]> {
    const e = this.entryFor(file);
    if (!e.config) return [];
    await this.refresh(e, file);
    return e.history?.tablesBefore(file) ?? [];
  }

  /** An open migration's text changed (unsaved): the other files' views must see it. Returns its project's entry, if any. */
  edited(file: string): ProjectEntry | null {
    const e = this.entryFor(file);
    if (!e.config || !inMigrationsDir(file, e.config.migrationsDir, e.options.format)) return null;
    e.editedSince.add(path.resolve(file));
    return e;
  }

  /**
   * A file changed on disk (created, changed or deleted): a config file drops the projects it may configure, a file
   * in a migrations directory makes that project's history stale. Returns the roots whose open files should be linted again.
   */
  changedOnDisk(file: string): string[] {
    const roots: string[] = [];
    const isConfig = path.basename(file) === CONFIG_FILE_NAME || [...this.entries.values()].some((e) => e.config?.file && path.resolve(e.config.file) === path.resolve(file));
    for (const [key, e] of this.entries) {
      if (isConfig && (isInside(e.root, path.dirname(file)) || e.config?.file === file || e.error)) {
        this.entries.delete(key);
        roots.push(e.root);
      } else if (e.config && (isInside(file, e.config.migrationsDir) || isInside(e.config.migrationsDir, file))) {
        e.stale = true;
        roots.push(e.root);
      }
    }
    return roots;
  }

  /** Forget every project (the configFile setting or the workspace folders changed). */
  clear(): void {
    this.entries.clear();
  }

  /** Is a file part of the project at `root` (for linting its open files again)? */
  belongsTo(file: string, root: string): boolean {
    return this.rootOf(file).root === root;
  }
}
