import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../core/config';
import { duplicateVersionError, duplicateVersions, notARegularFile, readSqlBytes, readSqlText, sqlEntriesIn } from '../core/discovery';
import { isMigrationError, MigrationError } from '../core/errors';
import { projectFormatOptions, readProjectMigrations, resolveFormat, type MigrationFormat } from '../core/formats';
import { ShadowService } from '../core/shadow/service';
import { loadParser, type Parser } from '../sql/parser';
import { parseScriptSync } from '../sql/parse';
import { factsOf, ProjectHistory, type Fact } from './history';
import { schemaLookupsByFile, type SchemaLookup } from './schema';
import { entryNames } from '../core/formats/read-dir';
import { parseMigrationFileName } from '../core/migration-file';
import { LintCache } from './cache';
import { invalidMigrationFinding, lineLength, lintText, type LintOptions } from './linter';
import { ALL_RULES } from './rules';
import type { Finding, LintSettings } from './types';

export interface LintRun {
  findings: Finding[];
  files: string[];
  /** File text by displayed name, for code frames. */
  sources: Map<string, string>;
}

/** Lint options from the config's "lint" section; unknown rule ids are an error naming the key. */
export function lintOptionsFromConfig(config: Config): LintOptions {
  const rules = config.lint.rules ?? {};
  const known = new Set(ALL_RULES.map((r) => r.id));
  for (const id of Object.keys(rules)) {
    if (!known.has(id)) {
      throw new MigrationError('E_CONFIG_INVALID', `unknown lint rule "lint.rules.${id}"`,
        `use one of the rule ids listed by --list-rules`, { file: config.file ?? undefined });
    }
  }
  const format = resolveFormat(config.migrationsDir, config.format);
  return {
    postgresVersion: config.lint.postgresVersion, severities: rules, settings: lintSettingsFromConfig(config),
    ...(format.name === 'native' ? {} : { format, formatOptions: projectFormatOptions(config) }),
  };
}

/**
 * The timeouts the tool sets for every migration, per environment a migration can run in: each configured one and the
 * default environment (which runs with no settings when it is not configured). Any non-zero value counts: a value
 * written in the config is a deliberate choice, as a SET in the file is.
 */
export function lintSettingsFromConfig(config: Pick<Config, 'environments' | 'defaultEnvironment'>): LintSettings {
  const names = [...new Set([...Object.keys(config.environments), config.defaultEnvironment])];
  const coverage = (key: 'lockTimeoutMs' | 'statementTimeoutMs') => {
    const isSet = (name: string) => (config.environments[name]?.[key] ?? 0) > 0;
    return { set: names.filter(isSet), unset: names.filter((n) => !isSet(n)) };
  };
  return { timeouts: { lockTimeoutMs: coverage('lockTimeoutMs'), statementTimeoutMs: coverage('statementTimeoutMs') } };
}

/** A file to lint; `problem` is set for a link in the migrations directory that --up cannot follow. */
interface SqlFile {
  path: string;
  problem: MigrationError | null;
}

/**
 * *.sql files under a target (recursively; dot entries and node_modules skipped). In the migrations directory itself
 * the files are the ones --up reads, listed by the same core function (links followed, dot files included).
 */
function collectSqlFiles(target: string, migrationsDir: string, shown: (p: string) => string): SqlFile[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [{ path: target, problem: null }];
  if (!stat.isDirectory()) throw notARegularFile(stat, shown(target), 'script', false);
  const out: SqlFile[] = [];
  const isMigrationsDir = sameDirectory(target, migrationsDir);
  if (isMigrationsDir) out.push(...sqlEntriesIn(target, shown).map((e) => ({ path: path.join(target, e.name), problem: e.problem })));
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const p = path.join(target, entry.name);
    if (entry.isDirectory()) out.push(...collectSqlFiles(p, migrationsDir, shown));
    else if (!isMigrationsDir && entry.isFile() && isSql(entry.name)) out.push({ path: p, problem: null });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isSql(name: string): boolean {
  return name.toLowerCase().endsWith('.sql');
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function sameDirectory(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b) || realPath(a) === realPath(b);
}

/**
 * True for a file --up reads: a *.sql directly in the migrations directory (not one in a subdirectory), or, for a
 * format that says which of its files are migration scripts (Flyway's subdirectories, Sqitch's deploy/ and
 * revert/), one it owns. Lint it with asMigration.
 */
export function inMigrationsDir(file: string, migrationsDir: string, format?: MigrationFormat): boolean {
  if (!isSql(file)) return false;
  if (!format?.ownsPath) return sameDirectory(path.dirname(file), migrationsDir);
  for (const [f, dir] of [[path.resolve(file), path.resolve(migrationsDir)], [realPath(file), realPath(migrationsDir)]] as const) {
    const rel = path.relative(dir, f);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return format.ownsPath(rel.split(path.sep).join('/'));
  }
  return false;
}

type Migrations = ReturnType<typeof readProjectMigrations>['migrations'];

/**
 * The project's migrations read at most once, when first asked for: the shadow's lookups and the history both need
 * them, and one directory listing serves both.
 */
export function migrationsReader(config: Config): () => Migrations | null {
  let migrations: Migrations | null | undefined;
  return () => (migrations === undefined ? (migrations = readMigrationsOrNull(config)) : migrations);
}

/** The project's migrations as --up reads them, or null when they cannot be read (each file's error is its finding). */
function readMigrationsOrNull(config: Config): Migrations | null {
  try {
    return readProjectMigrations(config).migrations;
  } catch {
    return null;
  }
}

/**
 * The schema before each migration when the shadow's cache already knows the project's history (after --drift,
 * --schema-dump or the editor): lint never starts the embedded database itself. Null otherwise.
 */
export async function cachedSchemaLookups(config: Config, cwd: string,
  migrations: () => Migrations | null = () => readMigrationsOrNull(config)): Promise<((file: string) => SchemaLookup | null) | null> {
  try {
    const shadow = new ShadowService(config);
    if (!shadow.hasCache) return null; // nothing was ever replayed: no need to read the migrations for it
    const read = migrations();
    const schema = read && shadow.cached(read);
    return schema ? schemaLookupsByFile(await loadParser(), schema, cwd) : null;
  } catch {
    return null; // a migration that cannot be read is reported by the lint itself
  }
}

/**
 * The project's history from the parse trees of its migrations, in the order --up applies them (facts of unchanged
 * files come from the lint cache: the parser is loaded only for files that changed). Null when the migrations
 * cannot be read (each file's own error is its finding).
 */
export async function projectHistory(config: Config, cache: Pick<LintCache, 'facts' | 'setFacts'> | null = null,
  textOf: (file: string) => string | undefined = () => undefined,
  read: () => Migrations | null = () => readMigrationsOrNull(config)): Promise<ProjectHistory | null> {
  const migrations = read();
  if (!migrations) return null;
  let parser: Parser | null = null;
  const files: { file: string; facts: Fact[] }[] = [];
  for (const m of migrations) {
    const file = path.resolve(config.root, m.file);
    const up = textOf(file) ?? m.up;
    let facts = cache?.facts(up);
    if (!facts) {
      parser ??= await loadParser();
      facts = factsOf(parseScriptSync(parser, up));
      cache?.setFacts(up, facts);
    }
    files.push({ file, facts });
  }
  return new ProjectHistory(files);
}

/**
 * Lints files and directories (recursively, *.sql); with no paths, the project's migrations directory.
 * A file directly in the migrations directory is read exactly as --up reads it (strict UTF-8, NNN_name.sql, the
 * "-- Up migration" marker, a version no other file there uses): what --up would refuse is an invalid-migration-file
 * error carrying --up's message and hint. Other files are migrations when they have an up marker, else plain scripts.
 */
export async function lintPaths(paths: string[], config: Config, cwd: string, options: LintOptions = lintOptionsFromConfig(config),
  run: { cache?: boolean } = {}): Promise<LintRun> {
  const targets = paths.length > 0 ? paths.map((p) => path.resolve(cwd, p)) : [config.migrationsDir];
  const shown = (f: string) => path.relative(cwd, f) || f;
  const files: SqlFile[] = [];
  for (const t of targets) {
    if (!fs.existsSync(t)) {
      throw new MigrationError('E_USAGE', `nothing to lint at ${path.relative(cwd, t) || t}: no such file or directory`,
        paths.length ? 'check the path' : 'create a migration first, or pass the files or directories to lint');
    }
    files.push(...collectSqlFiles(t, config.migrationsDir, shown));
  }
  const sources = new Map<string, string>();
  const findings: Finding[] = [];
  // The shadow's lookups and the history both need the migrations: read the directory once.
  const readOnce = migrationsReader(config);
  options = { ...options, schemaAt: options.schemaAt ?? (await cachedSchemaLookups(config, cwd, readOnce)) ?? undefined };
  const cache = run.cache ? LintCache.open(config.root, options) : null;
  if (!options.historyAt && files.some((f) => inMigrationsDir(f.path, config.migrationsDir, options.format))) {
    const history = await projectHistory(config, cache, undefined, readOnce);
    if (history) options = { ...options, historyAt: (file) => history.viewOf(path.resolve(cwd, file)) };
  }
  // Unchanged files come from the cache: the parser is loaded only when some file has to be parsed.
  const lintCached = async (text: string, file: string, asMigration: boolean): Promise<Finding[]> => {
    const formatKey = options.format ? `${options.format.name}${JSON.stringify(options.formatOptions?.placeholders ?? {})}` : 'native';
    // A migration whose down is another file (golang-migrate's .down.sql, Flyway's U file, Sqitch's revert script) is only as fresh as it.
    const downKey = (cache && asMigration && options.format ? companionKey(text, file, options) : '') + (asMigration ? `${options.schemaAt?.(file)?.key ?? ''}\0${options.historyAt?.(file)?.key ?? ''}` : '');
    const key = cache?.key(text, file, asMigration, formatKey + downKey);
    const hit = key === undefined ? undefined : cache!.get(key);
    if (hit) return hit;
    const found = await lintText(text, file, asMigration ? { ...options, asMigration: true } : options);
    if (key !== undefined) cache!.set(key, found);
    return found;
  };
  let duplicates: Map<string, MigrationError[]> | null = null;
  for (const { path: f, problem } of files) {
    const file = shown(f);
    if (sources.has(file)) continue;
    if (!inMigrationsDir(f, config.migrationsDir, options.format)) {
      const text = readSqlBytes(f, file, 'script').toString('utf8');
      sources.set(file, text);
      findings.push(...(await lintCached(text, file, false)));
      continue;
    }
    let text: string | null = null;
    let refused = problem;
    if (!refused) {
      try {
        text = readSqlText(f, file);
      } catch (err) {
        if (!isMigrationError(err)) throw err;
        refused = err;
      }
    }
    if (text !== null) findings.push(...(await lintCached(text, file, true)));
    else {
      text = problem ? '' : readLossy(f);
      findings.push(invalidMigrationFinding(refused!, text, file));
    }
    sources.set(file, text);
    // Two files with one version: --up refuses the directory, so each file of the pair carries its error.
    // Another format's survey reports them (its names are not native ones).
    duplicates ??= options.format?.survey ? new Map() : duplicateVersionsByFile(config.migrationsDir, shown);
    for (const err of duplicates.get(path.basename(f)) ?? []) findings.push(invalidMigrationFinding(err, text, file));
  }
  if (options.format?.survey) {
    const covered = targets.some((t) => sameDirectory(t, config.migrationsDir) || isInside(config.migrationsDir, t));
    findings.push(...surveyFindings(options.format, config.migrationsDir, cwd, sources, covered));
  }
  cache?.save();
  return { findings, files: [...sources.keys()], sources };
}

/** True when `dir` is below `ancestor`. */
function isInside(dir: string, ancestor: string): boolean {
  const rel = path.relative(realPath(ancestor), realPath(dir));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * What the format's survey of the migrations directory says (a name --up refuses, a .down.sql without its
 * .up.sql, a JavaScript migration, a tolerated odd name), each at its file: for the whole directory when it was
 * linted, else for the files that were. A file the survey names that was not read yet (a .js file) joins `sources`.
 */
function surveyFindings(format: MigrationFormat, dir: string, cwd: string, sources: Map<string, string>, covered: boolean): Finding[] {
  const { problems, warnings } = format.survey!(entryNames(dir), dir, { displayRoot: cwd });
  const findings: Finding[] = [];
  const textOf = (file: string): string | null => {
    if (sources.has(file)) return sources.get(file)!;
    if (!covered) return null;
    const text = readLossy(path.resolve(cwd, file));
    sources.set(file, text);
    return text;
  };
  for (const err of problems) {
    const file = err.location.file!;
    const text = textOf(file);
    if (text !== null) findings.push(invalidMigrationFinding(err, text, file));
  }
  for (const w of warnings) {
    const text = textOf(w.file);
    if (text === null) continue;
    const line = w.line ?? 1;
    findings.push({ ruleId: 'invalid-migration-file', severity: 'warning', message: w.message, help: w.hint, file: w.file,
      line, column: 1, endLine: line, endColumn: lineLength(text, line) + 1, section: 'file' });
  }
  return findings;
}

/** The duplicate-version errors --up could stop at, by the name of each file they name in the migrations directory. */
function duplicateVersionsByFile(dir: string, shown: (p: string) => string): Map<string, MigrationError[]> {
  const named: { version: string; name: string; file: string; baseName: string }[] = [];
  for (const e of sqlEntriesIn(dir, shown)) {
    if (e.problem) continue;
    const file = shown(path.join(dir, e.name));
    try {
      named.push({ ...parseMigrationFileName(e.name, file), file, baseName: e.name });
    } catch (err) {
      if (!isMigrationError(err)) throw err; // a bad name is that file's own finding
    }
  }
  const byFile = new Map<string, MigrationError[]>();
  for (const [first, second] of duplicateVersions(named)) {
    const err = duplicateVersionError(first, second);
    for (const m of [first, second]) byFile.set(m.baseName, [...(byFile.get(m.baseName) ?? []), err]);
  }
  return byFile;
}

/** A refused file's text for the code frame, decoded with replacement characters (it is not linted). */
function readLossy(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The down a format reads from another file (golang-migrate's .down.sql, Flyway's U file, Sqitch's revert script): part of a lint cache key. */
function companionKey(text: string, file: string, options: LintOptions): string {
  try {
    const m = options.format!.parseText(text, file, path.basename(file), options.formatOptions ?? {});
    return m?.downFile ? `\0${m.down ?? ''}` : '';
  } catch {
    return ''; // the file's own error is its finding
  }
}
