/**
 * One shared test for every lint rule: test/fixtures/lint/<rule-id>/bad.sql must
 * report exactly the lines marked `-- expect: <rule-id>`, good.sql must report
 * nothing for that rule, and bad.fixed.sql (when present) is what the rule's
 * quick fixes turn bad.sql into. bad.expected holds the exact output (`line:col rule message` per finding).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyFixes, lintText } from '../../src/lint/linter';
import { ALL_RULES } from '../../src/lint/rules';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'lint');

function expectedLines(text: string, ruleId: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /--\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/.exec(line);
    if (m && m[1]!.split(',').map((s) => s.trim()).includes(ruleId)) out.push(i + 1);
  });
  return out;
}

describe('lint rules: fixtures', () => {
  it('every rule has a unique kebab-case id, a teaching rationale and a help line', () => {
    const ids = new Set<string>();
    for (const rule of ALL_RULES) {
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(!ids.has(rule.id), `duplicate rule id ${rule.id}`);
      ids.add(rule.id);
      assert.ok(rule.rationale.length >= 80, `${rule.id}: rationale should explain the hazard in plain words`);
      assert.ok(rule.help.length > 5, `${rule.id}: help line`);
      assert.ok(fs.existsSync(path.join(ROOT, 'src', 'lint', 'rules', `${rule.id}.ts`)), `${rule.id}: src/lint/rules/${rule.id}.ts`);
    }
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      const dir = path.join(FIXTURES, rule.id);
      const badPath = path.join(dir, 'bad.sql');
      const goodPath = path.join(dir, 'good.sql');

      it('has bad.sql and good.sql fixtures', () => {
        assert.ok(fs.existsSync(badPath), `missing ${path.relative(ROOT, badPath)}`);
        assert.ok(fs.existsSync(goodPath), `missing ${path.relative(ROOT, goodPath)}`);
      });

      it('reports exactly the marked lines of bad.sql', async function () {
        if (!fs.existsSync(badPath)) this.skip();
        const text = fs.readFileSync(badPath, 'utf8');
        const expected = expectedLines(text, rule.id);
        assert.ok(expected.length > 0, 'bad.sql marks at least one line with -- expect: <rule-id>');
        const findings = (await lintText(text, badPath, { only: [rule.id], postgresVersion: 15 })).filter((f) => f.ruleId === rule.id);
        assert.deepEqual(findings.map((f) => f.line), expected,
          `found:\n${findings.map((f) => `  ${f.line}:${f.column} ${f.message}`).join('\n')}`);
        // The exact output, so every change of a message is seen in review (UPDATE_LINT_EXPECTED=1 rewrites them).
        const expectedPath = path.join(dir, 'bad.expected');
        const output = findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}\n`).join('');
        if (process.env['UPDATE_LINT_EXPECTED'] === '1') fs.writeFileSync(expectedPath, output);
        assert.ok(fs.existsSync(expectedPath), `missing ${path.relative(ROOT, expectedPath)} (write it with UPDATE_LINT_EXPECTED=1)`);
        assert.equal(output, fs.readFileSync(expectedPath, 'utf8'), `${path.relative(ROOT, expectedPath)}: the output changed`);
        for (const f of findings) {
          assert.ok(f.message.length > 10, 'message explains the problem');
          assert.ok(f.help.length > 5, 'help says what to write instead');
        }
        const fixedPath = path.join(dir, 'bad.fixed.sql');
        if (fs.existsSync(fixedPath)) {
          const fixed = applyFixes(text, findings);
          assert.equal(fixed, fs.readFileSync(fixedPath, 'utf8'), 'quick fixes produce bad.fixed.sql');
          // A fix is complete: what it fixed is gone, and it brings no error-severity finding of another rule.
          const again = (await lintText(fixed, badPath, { postgresVersion: 15 }));
          const fixedLines = new Set(findings.filter((f) => f.fix).map((f) => f.line));
          assert.deepEqual(again.filter((f) => f.ruleId === rule.id && fixedLines.has(f.line)).map((f) => `${f.line} ${f.message}`), []);
          const before = new Set((await lintText(text, badPath, { postgresVersion: 15 })).filter((f) => f.severity === 'error').map((f) => f.ruleId));
          const introduced = again.filter((f) => f.severity === 'error' && !before.has(f.ruleId));
          assert.deepEqual(introduced.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`), [], 'the fix brings no new error');
        }
      });

      it('reports nothing in good.sql', async function () {
        if (!fs.existsSync(goodPath)) this.skip();
        const text = fs.readFileSync(goodPath, 'utf8');
        const findings = (await lintText(text, goodPath, { only: [rule.id], postgresVersion: 15 })).filter((f) => f.ruleId === rule.id);
        assert.deepEqual(findings.map((f) => `${f.line}:${f.column} ${f.message}`), []);
      });
    });
  }
});
