/**
 * Lazily loads libpg-query (the PostgreSQL parser compiled to WASM) once per
 * process. Callers await `loadParser()` and then use its synchronous API.
 * `preloadParser()` starts the load without waiting: the WebAssembly compiles off the main thread while the caller
 * reads files and connects.
 */
import type * as LibPgQuery from 'libpg-query';

export type Parser = typeof LibPgQuery;

let loading: Promise<Parser> | null = null;

export function loadParser(): Promise<Parser> {
  if (!loading) {
    loading = (async () => {
      // require() loads the package's CommonJS build; a dynamic import() would start Node's ESM loader for it.
      const mod = require('libpg-query') as Parser;
      await mod.loadModule();
      return mod;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/** Starts loading the parser for a later `loadParser()`; a failure is reported there, not here. */
export function preloadParser(): void {
  loadParser().catch(() => {});
}
