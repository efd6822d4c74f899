// Production build of the VS Code extension: one self-contained dist/extension.js (all runtime
// packages bundled, only `vscode` external) plus the WASM assets the bundled packages load from the
// bundle's own folder. Used by scripts/package-extension.mjs; the default `npm run build`
// (scripts/bundle.mjs: packages external, for development and tests) is unchanged.
//
//   node scripts/bundle-extension.mjs [outDir]     (default: dist/, replacing the development bundle)
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** Files the bundled packages read next to the bundle at run time (ENOENT without them). */
export function wasmAssets() {
  const pglite = dirname(require.resolve('@electric-sql/pglite'));
  const tools = dirname(require.resolve('@electric-sql/pglite-tools/pg_dump'));
  const libpgQuery = dirname(require.resolve('libpg-query'));
  return [
    join(libpgQuery, 'libpg-query.wasm'), // parser: located from the bundle's folder
    join(pglite, 'pglite.wasm'),          // embedded PostgreSQL
    join(pglite, 'pglite.data'),          // its file system image (share/, lib/)
    join(pglite, 'initdb.wasm'),          // creates a fresh data directory
    join(tools, 'pg_dump.wasm'),          // backups of PGlite databases
  ];
}

export async function bundleExtension(outDir = join(root, 'dist')) {
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/extension/extension.ts'],
    outfile: join(outDir, 'extension.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    // pg-native is pg's optional native binding, loaded only when asked for; we never ask.
    external: ['vscode', 'pg-native'],
    // The packages' ESM builds find their assets with new URL('./x.wasm', import.meta.url); in a CJS
    // bundle import.meta is empty, so point it at the bundle file itself (assets sit next to it).
    define: { 'import.meta.url': '__bundleFileUrl' },
    banner: { js: 'const __bundleFileUrl = require("url").pathToFileURL(__filename).href;' },
    metafile: true,
    logLevel: 'warning',
  });
  for (const file of wasmAssets()) {
    if (!existsSync(file)) throw new Error(`bundle-extension: asset ${file} is missing; run npm ci`);
    copyFileSync(file, join(outDir, file.split(/[\\/]/).pop()));
  }
  return result.metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  await bundleExtension(outDir);
}
