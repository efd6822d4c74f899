import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { functionSpans } from './helpers/function-spans';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

describe('size limits', () => {
  it(`no file in src/ is longer than ${MAX_FILE_LINES} lines`, () => {
    const files = sources(path.join(ROOT, 'src'));
    assert.ok(files.length > 20, 'found the sources');
    const long = files
      .map((f) => ({ file: path.relative(ROOT, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(long, []);
  });

  it(`no function in src/core or src/cli is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const files = [...sources(path.join(ROOT, 'src', 'core')), ...sources(path.join(ROOT, 'src', 'cli'))];
    const long: string[] = [];
    for (const file of files) {
      for (const span of functionSpans(file, fs.readFileSync(file, 'utf8'))) {
        if (span.lines > MAX_FUNCTION_LINES) long.push(`${path.relative(ROOT, file)}:${span.line} ${span.name}: ${span.lines} lines`);
      }
    }
    assert.deepEqual(long, []);
  });

  it('the span scanner measures a function it is given', () => {
    const body = Array.from({ length: 90 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const spans = functionSpans('x.ts', `function big() {\n${body}\n}\nconst small = () => 1;\n`);
    assert.deepEqual(spans.map((s) => [s.name, s.lines]), [['big', 92], ['small', 1]]);
  });
});
