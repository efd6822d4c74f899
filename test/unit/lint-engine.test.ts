import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../src/cli/main';
import { applyFixes, lintText } from '../../src/lint/linter';
import { formatGcc } from '../../src/lint/reporters/gcc';
import { formatJson } from '../../src/lint/reporters/json';
import { formatSarif } from '../../src/lint/reporters/sarif';
import { formatText } from '../../src/lint/reporters/text';
import { ALL_RULES } from '../../src/lint/rules';
import { clearParseCache, incrementalParseCount, parseCacheStats } from '../../src/sql/parse';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const only = (ids: string[]) => ({ only: ids });

describe('linter', () => {
  it('a syntax error in statement 2 of 5 does not hide findings in statements 1, 3, 4 and 5', async () => {
    const text = [
      '-- Up migration',
      'CREATE TABLE a (code varchar(10));',
      'CREATE TABLE b (id bigint PRIMARY KEY code text);',
      'CREATE TABLE c (code varchar(10));',
      'ALTER TABLE c ADD COLUMN label varchar(20);',
      'CREATE TABLE d (id bigint, code varchar(5));',
      '',
      '-- Down migration',
      'DROP TABLE d, c, b, a;',
    ].join('\n');
    const findings = await lintText(text, 'migrations/004_x.sql', only(['syntax-error', 'prefer-text-field']));
    assert.deepEqual(findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`), [
      '2:22 prefer-text-field',
      '3:39 syntax-error',
      '4:22 prefer-text-field',
      '5:32 prefer-text-field',
      '6:33 prefer-text-field',
    ]);
    assert.match(findings[1]!.message, /syntax error at or near "code"/);
  });

  it('lints up and down separately with positions in the original file, CRLF or not', async () => {
    const lines = ['-- a comment', '-- Up migration', 'CREATE TABLE a (x int);', '', '-- Down migration', 'SELECT FROM WHERE;', 'DROP TABLE a;'];
    for (const eol of ['\n', '\r\n']) {
      const findings = await lintText(lines.join(eol), 'm/001_a.sql', only(['syntax-error']));
      assert.deepEqual(findings.map((f) => [f.line, f.column, f.section]), [[6, 13, 'down']]);
    }
  });

  it('reports a broken migration file (no up marker before SQL) as one error', async () => {
    const findings = await lintText('CREATE TABLE a (x int);\n-- Up migration\nSELECT 1;\n', 'migrations/002_b.sql');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.ruleId, 'invalid-migration-file');
    assert.equal(findings[0]!.line, 1);
  });

  it('asMigration reads the text as --up does: no marker or a bad name is invalid-migration-file, not a script', async () => {
    const noMarker = 'CREATE TABLE a (x int);\n';
    assert.deepEqual((await lintText(noMarker, 'scripts/002_b.sql', only(['syntax-error']))), [], 'elsewhere: a plain script');
    const asMigration = await lintText(noMarker, 'migrations/002_b.sql', { only: ['syntax-error'], asMigration: true });
    assert.deepEqual(asMigration.map((f) => [f.ruleId, f.severity, f.line, f.message]), [['invalid-migration-file', 'error', 1, 'no "-- Up migration" marker found']]);
    const marked = '-- Up migration\nCREATE TABLE a (x int);\n-- Down migration\nDROP TABLE a;\n';
    assert.deepEqual(await lintText(marked, 'scripts/add_a.sql', only(['syntax-error'])), [], 'elsewhere any name will do');
    const badName = await lintText(marked, 'migrations/add_a.sql', { only: ['syntax-error'], asMigration: true });
    assert.deepEqual(badName.map((f) => [f.ruleId, f.line, f.message]), [['invalid-migration-file', 1, '"add_a.sql" is not a migration file name']]);
    assert.match(badName[0]!.help, /name migration files NNN_snake_name\.sql/);
  });

  it('reports PL/pgSQL syntax errors at the line inside the function body', async () => {
    const text = [
      '-- Up migration',
      'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$',
      'BEGIN',
      '  NEW.updated_at := now();',
      '  RETRUN NEW;',
      'END;',
      '$$;',
      '-- Down migration',
      'DROP FUNCTION touch();',
    ].join('\n');
    const findings = await lintText(text, 'migrations/003_t.sql', only(['syntax-error']));
    assert.deepEqual(findings.map((f) => [f.line, f.column]), [[5, 3]]);
    assert.match(findings[0]!.message, /PL\/pgSQL: syntax error at or near "RETRUN"/);
  });

  describe('suppression', () => {
    const body = (prefix: string) => `${prefix}-- Up migration\n-- lint-ignore prefer-text-field\nCREATE TABLE a (x varchar(5));\nCREATE TABLE b (x varchar(5));\n-- Down migration\nDROP TABLE b, a;\n`;
    it('-- lint-ignore on the line before a statement silences that statement only', async () => {
      const findings = await lintText(body(''), 'm/001_a.sql', only(['prefer-text-field']));
      assert.deepEqual(findings.map((f) => f.line), [4]);
    });
    it('-- lint-ignore in the header (above the up marker) silences the whole file', async () => {
      const findings = await lintText(body('-- lint-ignore prefer-text-field, syntax-error\n'), 'm/001_a.sql', only(['prefer-text-field']));
      assert.deepEqual(findings, []);
    });
    it('-- lint-ignore-file anywhere silences the whole file', async () => {
      const text = 'CREATE TABLE a (x varchar(5));\n-- lint-ignore-file prefer-text-field\nCREATE TABLE b (x varchar(5));\n';
      assert.deepEqual(await lintText(text, 'script.sql', only(['prefer-text-field'])), []);
    });
  });

  it('honours per-rule severity overrides, including off', async () => {
    const text = '-- Up migration\nCREATE TABLE a (x varchar(5));\n-- Down migration\nDROP TABLE a;\n';
    const asError = await lintText(text, 'm/001_a.sql', { only: ['prefer-text-field'], severities: { 'prefer-text-field': 'error' } });
    assert.equal(asError[0]!.severity, 'error');
    const off = await lintText(text, 'm/001_a.sql', { only: ['prefer-text-field'], severities: { 'prefer-text-field': 'off' } });
    assert.deepEqual(off, []);
  });

  it('applies quick fixes as text edits', async () => {
    const text = '-- Up migration\nCREATE TABLE a (x varchar(5), y character varying(9)[] NOT NULL);\n-- Down migration\nDROP TABLE a;\n';
    const findings = await lintText(text, 'm/001_a.sql', only(['prefer-text-field']));
    assert.equal(applyFixes(text, findings), '-- Up migration\nCREATE TABLE a (x text, y text[] NOT NULL);\n-- Down migration\nDROP TABLE a;\n');
  });

  it('a file that parses is parsed in one call; with a syntax error, re-linting after an edit parses only that statement again', async () => {
    const statements = Array.from({ length: 1000 }, (_, i) => `CREATE TABLE t${i} (id bigint PRIMARY KEY, label text);`);
    const wrap = (st: string[]) => `-- Up migration\n${st.join('\n')}\n-- Down migration\nSELECT 1;\n`;
    clearParseCache();
    const clean = await lintText(wrap(statements), 'm/001_big.sql');
    assert.deepEqual(clean.filter((f) => f.ruleId === 'syntax-error'), []);
    assert.equal(parseCacheStats().misses, 0, 'a script that parses needs no statement-by-statement parse');

    // While the author types, some statement is usually broken: then statements are parsed one by one, cached by text.
    statements[10] = 'CREATE TABLE t10 (id bigint PRIMARY KEY label text);';
    await lintText(wrap(statements), 'm/001_big.sql');
    // An edit of the text parsed a moment ago: only the edited statement is parsed again (on its own, as it is broken).
    const first = parseCacheStats();
    assert.equal(first.misses, 1, 'only the broken statement, the others are reused from the earlier parse');
    const edits = incrementalParseCount();
    statements[500] = 'CREATE TABLE t500 (id bigint PRIMARY KEY, label varchar(3));';
    const findings = await lintText(wrap(statements), 'm/001_big.sql', only(['prefer-text-field', 'syntax-error']));
    const second = parseCacheStats();
    assert.equal(second.misses - first.misses, 0, 'the edited statement parses: no statement-by-statement parse');
    assert.equal(incrementalParseCount() - edits, 1, 'the up section was parsed as an edit (the unchanged down section is reused whole)');
    assert.deepEqual(findings.map((f) => `${f.line} ${f.ruleId}`), ['12 syntax-error', '502 prefer-text-field']);
  });

  describe('reporters', () => {
    const text = '-- Up migration\nCREATE TABLE a (x varchar(5));\nSELEC 1;\n-- Down migration\nDROP TABLE a;\n';
    let findings: Awaited<ReturnType<typeof lintText>>;
    before(async () => { findings = await lintText(text, 'migrations/001_a.sql', only(['syntax-error', 'prefer-text-field'])); });

    it('gcc: file:line:col: severity: message [rule]', () => {
      assert.equal(formatGcc(findings), [
        'migrations/001_a.sql:2:19: warning: column "x" is varchar(5); raising the limit later locks the table [prefer-text-field]',
        'migrations/001_a.sql:3:1: error: syntax error at or near "SELEC" [syntax-error]',
      ].join('\n'));
    });

    it('text: a code frame with a caret, the help line and a summary', () => {
      const out = formatText(findings, new Map([['migrations/001_a.sql', text]]), 1);
      assert.match(out, /migrations\/001_a\.sql:3:1: error: syntax error at or near "SELEC" \[syntax-error\]/);
      assert.match(out, /  > 3 \| SELEC 1;\n {6}\| \^{5}\n/);
      assert.match(out, /help: use text, with CHECK/);
      // Where a rule is configured is named (issue 16), with a finding's own rule as the example.
      assert.match(out, /Configure rules in database-migration\.config\.json, e\.g\. "lint": \{ "rules": \{ "prefer-text-field": "off" \} \}/);
      assert.match(out, /1 file checked: 1 error, 1 warning\.$/);
    });

    it('text: the caret stays under the spot when tabs come before it (a tab is shown as two spaces)', async () => {
      const tabbed = '-- Up migration\nCREATE TABLE a (\n\tx\tvarchar(5)\n);\n-- Down migration\nDROP TABLE a;\n';
      const found = await lintText(tabbed, 'migrations/001_a.sql', only(['prefer-text-field']));
      const out = formatText(found, new Map([['migrations/001_a.sql', tabbed]]), 1);
      assert.match(out, /  > 3 \|   x  varchar\(5\)\n {6}\| {6}\^{7}\n/);
    });

    it('json: findings and a summary', () => {
      const parsed = JSON.parse(formatJson(findings, 1)) as { summary: { errors: number; warnings: number }; findings: unknown[] };
      assert.deepEqual(parsed.summary, { files: 1, errors: 1, warnings: 1, infos: 0 });
      assert.equal(parsed.findings.length, 2);
    });

    it('sarif: a valid 2.1.0 log with rules, levels, regions and fixes', () => {
      const log = JSON.parse(formatSarif(findings, ALL_RULES, '0.1.0')) as {
        version: string;
        runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { region: { startLine: number } } }[]; fixes?: unknown[] }[] }[];
      };
      assert.equal(log.version, '2.1.0');
      const run = log.runs[0]!;
      assert.equal(run.tool.driver.rules.length, ALL_RULES.length);
      assert.deepEqual(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region.startLine]), [
        ['prefer-text-field', 'warning', 2], ['syntax-error', 'error', 3],
      ]);
      for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
      assert.ok(run.results[0]!.fixes, 'the quick fix travels with the result');
    });
  });

  it('never throws or breaks a rule on mutated fixtures and arbitrary text (fuzz)', async function () {
    this.timeout(120000);
    const fixtureDir = path.join(ROOT, 'test', 'fixtures', 'lint');
    const seeds = fs.readdirSync(fixtureDir).flatMap((d) =>
      ['bad.sql', 'good.sql'].map((f) => path.join(fixtureDir, d, f)).filter((p) => fs.existsSync(p)).map((p) => fs.readFileSync(p, 'utf8')));
    seeds.push(fs.readFileSync(path.join(ROOT, 'examples', 'nasa-portal', 'migrations', '001_create_space_objects.sql'), 'utf8'));
    const tokens = ['(', ')', ';', "'", '$$', '"', '--', '/*', '*/', ',', ' NOT NULL', ' CONCURRENTLY', '\n', 'DROP ', 'ALTER TABLE x ', 'CREATE INDEX ', ' DEFAULT now()', 'BEGIN;', 'COMMIT;', '\u00e9', '\ud83d\ude80'];
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(20), fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 6 }))), { maxLength: 6 }))
      .map(([seed, edits]) => edits.reduce((s, [pos, del, ins]) => {
        const at = s.length ? pos % s.length : 0;
        return s.slice(0, at) + ins + s.slice(at + del);
      }, seed));
    const anyText = fc.string({ unit: 'binary', maxLength: 200 });
    let cases = 0;
    await fc.assert(fc.asyncProperty(fc.oneof({ arbitrary: mutated, weight: 4 }, { arbitrary: anyText, weight: 1 }), async (text) => {
      cases++;
      const started = Date.now();
      const findings = await lintText(text, 'migrations/001_fuzz.sql');
      assert.ok(Date.now() - started < 5000, 'no hang');
      for (const f of findings) {
        assert.doesNotMatch(f.message, /^internal error in rule/, `${f.ruleId} broke on:\n${text}`);
        assert.ok(f.line >= 1 && f.column >= 1, 'positions are 1-based');
      }
    }), { numRuns: 2000 });
    assert.equal(cases, 2000);
  });
});

describe('database-migration --lint', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lint-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { cwd: dir, env: {}, output: { out: (t) => { stdout += `${t}\n`; }, err: (t) => { stderr += `${t}\n`; }, tty: false } });
    return { code, stdout, stderr };
  }

  it('exits 0 with only warnings and 6 when an error remains', async () => {
    fs.writeFileSync(path.join(dir, 'migrations', '001_a.sql'), '-- Up migration\nCREATE TABLE a (x varchar(5));\n-- Down migration\nDROP TABLE a;\n');
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({ lint: { rules: { 'prefer-text-field': 'warning' } } }));
    const ok = await cli(['--lint', '--format', 'gcc']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /migrations\/001_a\.sql:2:19: warning: .*\[prefer-text-field\]/);
    fs.writeFileSync(path.join(dir, 'migrations', '002_b.sql'), '-- Up migration\nCREATE TABLE b (x int;\n-- Down migration\nDROP TABLE b;\n');
    const bad = await cli(['--lint']);
    assert.equal(bad.code, 6);
    assert.match(bad.stdout, /migrations\/002_b\.sql:2:\d+: error: syntax error/);
    const onlyOne = await cli(['--lint', 'migrations/001_a.sql', '--json']);
    const parsed = JSON.parse(onlyOne.stdout) as { summary: { files: number } };
    assert.equal(parsed.summary.files, 1);
    const sarif = await cli(['--lint', '--format', 'sarif']);
    assert.equal(sarif.code, 6);
    assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, '2.1.0');
  });

  it('each report is rendered only when printed, and --json, --format json and the text report agree', async () => {
    fs.writeFileSync(path.join(dir, 'migrations', '001_a.sql'), '-- Up migration\nCREATE TABLE a (x varchar(5));\nSELEC 1;\n-- Down migration\nDROP TABLE a;\n');
    const json = await cli(['--lint', '--json']);
    const formatJson = await cli(['--lint', '--format', 'json']);
    assert.equal(json.code, 6);
    assert.equal(formatJson.stdout, json.stdout);
    // --json wins over --format: the JSON report, not SARIF.
    const both = await cli(['--lint', '--format', 'sarif', '--json']);
    assert.equal(both.stdout, json.stdout);
    const findings = (JSON.parse(json.stdout) as { findings: { file: string; line: number; column: number; ruleId: string }[] }).findings;
    assert.deepEqual(findings.map((f) => f.ruleId), ['prefer-text-field', 'syntax-error']);
    const text = await cli(['--lint']);
    for (const f of findings) assert.ok(text.stdout.includes(`${f.file}:${f.line}:${f.column}: `), `${f.ruleId} in the text report`);
    assert.match(text.stdout, /1 file checked: 1 error, 1 warning\.\n$/);
  });

  describe('a file in the migrations directory is read as --up reads it', () => {
    const good = '-- Up migration\nCREATE TABLE a (id bigint PRIMARY KEY, label text);\n-- Down migration\nDROP TABLE a;\n';
    const write = (rel: string, text: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    const invalid = (stdout: string) => (JSON.parse(stdout) as { findings: { ruleId: string; severity: string; file: string; line: number; message: string; help: string }[] })
      .findings.filter((f) => f.ruleId === 'invalid-migration-file');

    it('a bad file name: exit 6, naming the file and the fix', async () => {
      write('migrations/001_a.sql', good);
      write('migrations/add_rovers.sql', good.replace(/\ba\b/g, 'rovers'));
      const r = await cli(['--lint']);
      assert.equal(r.code, 6, r.stdout + r.stderr);
      assert.match(r.stdout, /^migrations\/add_rovers\.sql:1:1: error: "add_rovers\.sql" is not a migration file name \[invalid-migration-file\]$/m);
      assert.match(r.stdout, /help: name migration files NNN_snake_name\.sql \(for example 004_add_observations\.sql; R_name\.sql for a repeatable one\), or move other files out of the migrations directory/);
      assert.doesNotMatch(r.stdout, /migrations\/001_a\.sql:\d+:\d+: error/);
      assert.equal((await cli(['--lint', 'migrations/add_rovers.sql'])).code, 6, 'the file itself');
      assert.equal((await cli(['--lint', 'migrations'])).code, 6, 'the directory by name');
      assert.equal((await cli(['--lint', '.'])).code, 6, 'a directory above it');
    });

    it('a file without markers: exit 6 (not linted as a plain script)', async () => {
      write('migrations/001_a.sql', good);
      write('migrations/002_b.sql', 'CREATE TABLE b (id bigint PRIMARY KEY);\n');
      const r = await cli(['--lint', '--json']);
      assert.equal(r.code, 6, r.stdout + r.stderr);
      assert.deepEqual(invalid(r.stdout).map((f) => [f.file, f.line, f.severity, f.message]),
        [[path.join('migrations', '002_b.sql'), 1, 'error', 'no "-- Up migration" marker found']]);
      assert.match(invalid(r.stdout)[0]!.help, /add a line "-- Up migration" above the first statement/);
      assert.equal((await cli(['--lint', 'migrations/002_b.sql'])).code, 6);
    });

    it('two files with one version: exit 6, naming both files', async () => {
      write('migrations/001_a.sql', good);
      write('migrations/1_b.sql', good.replace(/\ba\b/g, 'b'));
      const r = await cli(['--lint', '--json']);
      assert.equal(r.code, 6, r.stdout + r.stderr);
      const message = `version 1 is used by two files: ${path.join('migrations', '001_a.sql')} and ${path.join('migrations', '1_b.sql')}`;
      assert.deepEqual(invalid(r.stdout).map((f) => [f.file, f.message]),
        [[path.join('migrations', '001_a.sql'), message], [path.join('migrations', '1_b.sql'), message]]);
      assert.match(invalid(r.stdout)[0]!.help, /give one of them the next free number/);
      assert.equal((await cli(['--lint', 'migrations/001_a.sql'])).code, 6, 'linting one of the two alone');
    });

    it('a file that is not UTF-8: exit 6 with the byte and line', async () => {
      write('migrations/001_a.sql', Buffer.concat([Buffer.from("-- Up migration\nCOMMENT ON TABLE a IS 'Caf"), Buffer.from([0xe9]), Buffer.from("';\n")]));
      const r = await cli(['--lint', '--format', 'gcc']);
      assert.equal(r.code, 6, r.stdout + r.stderr);
      assert.match(r.stdout, /^migrations\/001_a\.sql:2:1: error: byte 0xe9 at offset 42 is not valid UTF-8 \[invalid-migration-file\]$/m);
    });

    it('the same files elsewhere are linted as before: a script, or a migration whatever its name', async () => {
      write('migrations/001_a.sql', good);
      write('sql/002_b.sql', 'CREATE TABLE b (id bigint PRIMARY KEY);\n');
      write('sql/add_rovers.sql', good.replace(/\ba\b/g, 'rovers'));
      write('sql/1_b.sql', good.replace(/\ba\b/g, 'b'));
      write('migrations/archive/old.sql', 'CREATE TABLE old (id bigint PRIMARY KEY);\n');
      for (const target of ['sql', 'migrations/archive/old.sql']) {
        const r = await cli(['--lint', target, '--json']);
        assert.equal(r.code, 0, `${target}: ${r.stdout}${r.stderr}`);
        assert.deepEqual(invalid(r.stdout), []);
      }
      const all = await cli(['--lint', '--json']);
      assert.equal(all.code, 0, 'a subdirectory of the migrations directory is not read by --up');
      assert.equal((JSON.parse(all.stdout) as { summary: { files: number } }).summary.files, 2);
    });

    it('good migrations are unaffected', async () => {
      write('migrations/001_a.sql', good);
      write('migrations/002_b.sql', good.replace(/\ba\b/g, 'b'));
      const r = await cli(['--lint', '--format', 'gcc']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
    });
  });

  it('an unknown rule in the config is a config error naming it', async () => {
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({ lint: { rules: { 'prefer-texts': 'off' } } }));
    const r = await cli(['--lint']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown lint rule "lint\.rules\.prefer-texts"/);
  });
});
