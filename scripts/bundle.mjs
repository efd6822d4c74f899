// Bundles the CLI and the extension into dist/, and transpiles src/ and test/ into out/ for mocha.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const common = { platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['src/cli/index.ts'],
    outfile: 'dist/cli.js',
    bundle: true,
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild.build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    packages: 'external',
    external: ['vscode'],
  }),
  (async () => {
    rmSync('out', { recursive: true, force: true });
    await esbuild.build({ ...common, entryPoints: [...tsFiles('src'), ...tsFiles('test'), ...tsFiles('bench')], outdir: 'out', outbase: '.', bundle: false });
  })(),
]);
