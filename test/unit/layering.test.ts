import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []);
}

describe('layering (DESIGN.md)', () => {
  for (const layer of ['sql', 'core', 'lint']) {
    it(`src/${layer} never imports vscode, the CLI or the extension`, () => {
      for (const f of files(path.join(SRC, layer))) {
        const text = fs.readFileSync(f, 'utf8');
        assert.doesNotMatch(text, /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/, `${f} imports vscode`);
        assert.doesNotMatch(text, /from\s+['"](\.\.\/)+(cli|extension)\//, `${f} imports a shell`);
      }
    });
  }

  it('src/sql does no I/O and knows nothing of core', () => {
    for (const f of files(path.join(SRC, 'sql'))) {
      const text = fs.readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /from\s+['"]node:(fs|child_process|net)['"]/, `${f} does I/O`);
      assert.doesNotMatch(text, /from\s+['"]\.\.\/core\//, `${f} imports core`);
    }
  });
});
