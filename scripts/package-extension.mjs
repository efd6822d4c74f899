// Builds the .vsix: a production bundle (scripts/bundle-extension.mjs) and the extension's assets
// are staged in a temporary folder with a trimmed package.json (no scripts, no dependencies: they
// are bundled), packed there with @vscode/vsce, and the result is checked: it must hold the bundle
// and its WASM assets and nothing from src/, test/, bench/ or node_modules.
//
//   node scripts/package-extension.mjs [--out file.vsix] [--keep-stage]
// Prints the .vsix path on the last line. With --list: stages, prints the files the .vsix would hold (`vsce ls`),
// and packs nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleExtension, VENDOR, wasmAssets } from './bundle-extension.mjs';
import { extensionManifest } from './extension-manifest.mjs';
import { checkOfflineImages, stageImages } from './extension-pages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const vsixPath = resolve(outArg >= 0 ? args[outArg + 1] : join(root, `${manifest.name}-${manifest.version}.vsix`));
const keepStage = args.includes('--keep-stage');
const listOnly = args.includes('--list');

// Folders the extension reads at run time or the manifest points into (whichever exist).
const ASSET_DIRS = ['schema', 'migrations-templates', 'syntaxes', 'snippets', 'media', 'resources', 'images', 'icons'];
const ASSET_FILES = ['README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md'];

/** Every string in the manifest that names a file of the repository (icons, grammars, snippets, schemas). */
function referencedFiles(value, found = new Set()) {
  if (typeof value === 'string') {
    const rel = value.replace(/^\.\//, '');
    if (/^[\w.-]+(\/[\w.-]+)*\.\w+$/.test(rel) && !rel.startsWith('..') && existsSync(join(root, rel)) && statSync(join(root, rel)).isFile()) found.add(rel);
  } else if (Array.isArray(value)) value.forEach((v) => referencedFiles(v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => referencedFiles(v, found));
  return found;
}


function listVsix(file) {
  const py = 'import sys, zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(f"{i.file_size}\\t{i.filename}")';
  return execFileSync('python3', ['-c', py, file], { encoding: 'utf8' })
    .trim().split('\n').map((line) => { const [size, name] = line.split('\t'); return { name, size: Number(size) }; });
}

/** Throws unless the package holds what an installed extension needs and none of the sources. */
export function checkVsixEntries(entries) {
  const names = new Set(entries.map((e) => e.name));
  const required = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/lsp-server.js', 'extension/LICENSE.txt', 'extension/changelog.md', 'extension/dist/config-validator.js', 'extension/schema/config.schema.json',
    ...Object.values(VENDOR).map((f) => `extension/dist/${f}`),
    ...wasmAssets().map((f) => `extension/dist/${f.split(/[\\/]/).pop()}`)];
  const missing = required.filter((n) => !names.has(n));
  // The CLI bundle and the API's bundle and types are the npm package's: the extension loads none of them.
  const forbidden = [...names].filter((n) => /^extension\/(src|test|bench|out|scratch|node_modules|dist\/types|examples\/[^/]+\/\.migrations)\//.test(n)
    || /^extension\/dist\/(cli|index)\.js$/.test(n) || /\.(ts|map)$/.test(n));
  if (missing.length || forbidden.length) {
    throw new Error(`package-extension: bad .vsix content${missing.length ? `; missing: ${missing.join(', ')}` : ''}${forbidden.length ? `; must not contain: ${forbidden.slice(0, 10).join(', ')}` : ''}`);
  }
}

const stage = mkdtempSync(join(tmpdir(), 'database-migration-vsix-'));
try {
  await bundleExtension(join(stage, 'dist'));
  rmSync(join(stage, 'dist', 'extension.js.map'), { force: true });
  for (const dir of ASSET_DIRS) if (existsSync(join(root, dir))) cpSync(join(root, dir), join(stage, dir), { recursive: true });
  for (const file of [...ASSET_FILES, ...referencedFiles(extensionManifest(manifest))]) {
    if (existsSync(join(root, file)) && !existsSync(join(stage, file))) cpSync(join(root, file), join(stage, file));
  }
  // Rule explanations: diagnostics link their code to docs/rules.md inside the extension (screenshots stay out
  // unless a page of the extension shows them, below).
  if (existsSync(join(root, 'docs'))) cpSync(join(root, 'docs'), join(stage, 'docs'), { recursive: true, filter: (src) => statSync(src).isDirectory() || src.endsWith('.md') });
  // The marketplace page is the extension's own README (how to use the extension first), not the repository's.
  if (existsSync(join(root, 'docs', 'extension.md'))) cpSync(join(root, 'docs', 'extension.md'), join(stage, 'README.md'));
  stageImages(root, stage);
  checkOfflineImages(stage);
  // "Open example project" copies the example from the installed extension.
  if (existsSync(join(root, 'examples'))) {
    cpSync(join(root, 'examples'), join(stage, 'examples'), { recursive: true, filter: (src) => !/[\\/]\.migrations$/.test(src) });
  }
  writeFileSync(join(stage, 'package.json'), JSON.stringify(extensionManifest(manifest), null, 2) + '\n');
  writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n**/*.ts\n.vscodeignore\n');

  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  if (listOnly) {
    // What the .vsix would hold, without packing it: `vsce ls` in the stage (paths relative to the extension folder).
    process.stdout.write(execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: stage, encoding: 'utf8' }));
    process.exit(0);
  }
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsixPath], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });

  const entries = listVsix(vsixPath);
  checkVsixEntries(entries);
  const total = entries.reduce((s, e) => s + e.size, 0);
  console.log(`${relative(process.cwd(), vsixPath) || vsixPath}: ${entries.length} files, ${(total / 1e6).toFixed(1)} MB unpacked, ${(statSync(vsixPath).size / 1e6).toFixed(1)} MB packed`);
  for (const e of entries) if (!e.name.startsWith('extension/examples/') && !e.name.startsWith('extension/migrations-templates/')) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
  console.log(vsixPath);
} finally {
  if (keepStage) console.error(`stage kept at ${stage}`);
  else rmSync(stage, { recursive: true, force: true });
}
