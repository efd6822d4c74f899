/**
 * PGlite ships many contrib extensions as separate modules that must be handed to the database when it starts;
 * `CREATE EXTENSION pg_trgm` on a PGlite started without the module fails ("is not available"). These helpers find
 * the extensions a history creates (with the real parser) and load the bundled modules for them.
 */
import { loadParser } from '../../sql/parser';
import { parseScriptSync } from '../../sql/parse';

/** Extensions PGlite 0.5.x bundles, by the name CREATE EXTENSION uses, with the module that provides them. */
const BUNDLED: Record<string, string> = Object.fromEntries([
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance',
  'file_fdw', 'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache',
  'pg_freespacemap', 'pg_stat_statements', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg',
  'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent',
].map((n) => [n, n]).concat([['uuid-ossp', 'uuid_ossp']]));

/** Built into PGlite's server: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

export function isBundledExtension(name: string): boolean {
  return BUILT_IN.has(name) || name in BUNDLED;
}

/** Whether PGlite needs the extension's module loaded at start (bundled, not built in like plpgsql). */
export function needsModule(name: string): boolean {
  return name in BUNDLED;
}

/** The names of the extensions `sql` creates (CREATE EXTENSION statements that parse). */
export async function extensionsCreatedBy(sql: string): Promise<string[]> {
  // Only text that mentions extensions is parsed (the parser decides; most migrations never load it).
  if (!/extension/i.test(sql)) return [];
  const parser = await loadParser();
  const names: string[] = [];
  for (const st of parseScriptSync(parser, sql)) {
    if (st.kind === 'CreateExtensionStmt' && st.node?.['extname']) names.push(String(st.node['extname']));
  }
  return names;
}

/** The extensions among `names` that PGlite does not have, each once, sorted. */
export function unavailableExtensions(names: Iterable<string>): string[] {
  return [...new Set([...names].filter((n) => !isBundledExtension(n)))].sort();
}

/** The bundled modules for `names`, keyed as PGlite's `extensions` option wants them (unknown names are left out). */
export async function pgliteExtensionModules(names: Iterable<string>): Promise<Record<string, unknown>> {
  const modules: Record<string, unknown> = {};
  for (const name of new Set(names)) {
    const module = BUNDLED[name];
    if (!module) continue;
    const loaded = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, unknown>;
    modules[module] = loaded[module];
  }
  return modules;
}

/** The sentence for extensions a history needs that the embedded database cannot provide. */
export function unavailableExtensionsMessage(names: string[], where: string): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  return `${where} creates the extension${names.length > 1 ? 's' : ''} ${list}, which the embedded PostgreSQL (PGlite) does not ship. ` +
    `Bundled: ${Object.keys(BUNDLED).sort().join(', ')}. Run against a PostgreSQL server that has ${names.length > 1 ? 'them' : 'it'} installed (an environment with a "url"), ` +
    `or list ${names.length > 1 ? 'them' : 'it'} in "shadow.skipExtensions" in the config so the shadow skips ${names.length > 1 ? 'those statements' : 'that statement'}.`;
}
