// The VS Code extension's package.json, derived from the repository's (the npm package's) manifest. VS Code loads an
// extension from "main", which for npm is the programmatic API (dist/index.js): the extension's manifest points it at
// the extension bundle instead, and leaves out what belongs to npm only. Used to pack the .vsix
// (scripts/package-extension.mjs) and to run the extension under development (.vscode-test.mjs).
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Keys of the npm manifest that are not the extension's: scripts, install-time data, the CLI and the API entries. */
const NPM_ONLY = ['scripts', 'dependencies', 'devDependencies', 'optionalDependencies', 'files', 'bin', 'private', 'types', 'exports', 'allowScripts'];

export function extensionManifest(source = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))) {
  const m = structuredClone(source);
  for (const key of NPM_ONLY) delete m[key];
  m.main = './dist/extension.js';
  return m;
}

/**
 * A folder VS Code can load as the extension under development: the extension manifest plus links to the repository's
 * dist/ (the development bundle of `npm run build`), its assets and node_modules (that bundle keeps packages external).
 */
export function stageDevelopmentExtension() {
  const dir = mkdtempSync(join(tmpdir(), 'dm-extension-dev-'));
  for (const name of ['dist', 'node_modules', 'schema', 'migrations-templates', 'syntaxes', 'snippets', 'media', 'docs', 'examples', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (existsSync(join(root, name))) symlinkSync(join(root, name), join(dir, name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(extensionManifest(), null, 2) + '\n');
  return dir;
}
