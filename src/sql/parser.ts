/**
 * Lazily loads libpg-query (the PostgreSQL parser compiled to WASM) once per
 * process. Callers await `loadParser()` and then use its synchronous API.
 */
import type * as LibPgQuery from 'libpg-query';

export type Parser = typeof LibPgQuery;

let loading: Promise<Parser> | null = null;

export function loadParser(): Promise<Parser> {
  if (!loading) {
    loading = (async () => {
      const mod = (await import('libpg-query')) as Parser;
      await mod.loadModule();
      return mod;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}
