// @vscode/test-cli configuration for `npm run test:vscode`: downloads VS Code (needs internet),
// loads this folder as the extension under development (dist/extension.js from `npm run build`, through a staged
// manifest whose "main" is the extension: the repository's own "main" is the npm package's API)
// and runs out/test/vscode/*.test.js inside its extension host, on a fresh copy of the example project.
// Offline machines use `npm run test:e2e` (code-server + the packed .vsix) instead.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageDevelopmentExtension } from './scripts/extension-manifest.mjs';

const workspace = join(mkdtempSync(join(tmpdir(), 'dm-vscode-test-')), 'nasa-portal');
cpSync('examples/nasa-portal', workspace, { recursive: true, filter: (src) => !/[\\/]\.migrations$/.test(src) });

export default defineConfig({
  files: 'out/test/vscode/**/*.test.js',
  extensionDevelopmentPath: stageDevelopmentExtension(),
  version: process.env.VSCODE_TEST_VERSION ?? 'stable',
  workspaceFolder: workspace,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60000 },
});
