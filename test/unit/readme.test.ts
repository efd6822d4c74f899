import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('README', () => {
  it('shows the CLI reference exactly as --help prints it', async () => {
    let help = '';
    const code = await runCli(['--help'], { output: { out: (t) => { help += `${t}\n`; }, err: () => {}, tty: false } });
    assert.equal(code, 0);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- cli-help:start -->\n```text\n([\s\S]*?)\n```\n<!-- cli-help:end -->/.exec(readme);
    assert.ok(block, 'README has the cli-help block');
    assert.equal(block[1], help.trimEnd(), 'run `node scripts/readme-help.mjs` after changing the CLI options');
  });

  it('gives the two fresh-machine commands', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /npm ci && npm run demo/);
    assert.match(readme, /npm ci && npm test/);
  });

  it('.ci/run installs with npm ci and runs npm test', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
  });
});
