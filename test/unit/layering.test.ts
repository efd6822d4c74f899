import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
const LAYERS = ['sql', 'core', 'lint', 'cli', 'extension', 'api'] as const;
type Layer = (typeof LAYERS)[number];

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []);
}

/** Every module a source names: static imports and re-exports, dynamic import() and require(). */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The src/ layer a relative specifier of `file` lands in, 'vscode' for the editor API, or null (a package or node:). */
function target(file: string, spec: string): Layer | 'vscode' | null {
  if (spec === 'vscode') return 'vscode';
  if (!spec.startsWith('.')) return null;
  const rel = path.relative(SRC, path.resolve(path.dirname(file), spec));
  const top = rel.split(path.sep)[0] as Layer;
  return LAYERS.includes(top) ? top : null;
}

function imports(layer: Layer): { file: string; to: Layer | 'vscode' }[] {
  const found: { file: string; to: Layer | 'vscode' }[] = [];
  for (const f of files(path.join(SRC, layer))) {
    for (const spec of specifiers(fs.readFileSync(f, 'utf8'))) {
      const to = target(f, spec);
      if (to && to !== layer) found.push({ file: path.relative(SRC, f), to });
    }
  }
  return found;
}

/**
 * Which layers each layer may import (DESIGN.md): sql ← core ← lint; the shells (cli, extension and the
 * programmatic api) use all three and never each other.
 */
const ALLOWED: Record<Layer, Layer[]> = {
  sql: [],
  core: ['sql'],
  lint: ['sql', 'core'],
  cli: ['sql', 'core', 'lint'],
  extension: ['sql', 'core', 'lint'],
  api: ['sql', 'core', 'lint'],
};

describe('layering (DESIGN.md)', () => {
  for (const layer of LAYERS) {
    it(`src/${layer} imports only ${ALLOWED[layer].length ? ALLOWED[layer].join(', ') : 'no other layer'}${layer === 'extension' ? ' (and vscode)' : ', never vscode'}`, () => {
      const bad = imports(layer).filter((i) => !(ALLOWED[layer] as string[]).includes(i.to) && !(layer === 'extension' && i.to === 'vscode'));
      assert.deepEqual(bad.map((b) => `${b.file} imports ${b.to}`), []);
    });
  }

  it('the import scanner sees static, type-only, re-export, dynamic and require forms', () => {
    const text = "import * as a from '../core/x';\nimport type { B } from \"../lint/y\";\nexport { c } from '../cli/z';\nconst d = await import('../extension/w');\nconst e = require('vscode');\nimport './side-effect';";
    assert.deepEqual(specifiers(text).sort(), ['../cli/z', '../core/x', '../extension/w', '../lint/y', './side-effect', 'vscode']);
  });

  it('src/sql does no I/O', () => {
    for (const f of files(path.join(SRC, 'sql'))) {
      const text = fs.readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /from\s+['"]node:(fs|child_process|net)['"]/, `${f} does I/O`);
    }
  });
});
