import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { lintTextSync } from '../../src/lint/linter';
import { clearParseCache, incrementalParseCount, parseScriptSync, type ParsedStatement } from '../../src/sql/parse';
import { loadParser, type Parser } from '../../src/sql/parser';

let parser: Parser;

/** Everything a rule can see of a statement, as plain data. */
function shape(statements: ParsedStatement[]): unknown[] {
  return statements.map((s) => ({
    text: s.text, start: s.start, end: s.end, line: s.line, column: s.column, index: s.index, kind: s.kind, error: s.error,
    node: JSON.stringify(s.node), offsets: [0, 3, s.text.length].map((b) => s.toOffset(b)),
  }));
}

/** The statements of `sql` parsed from scratch (no earlier script to reuse). */
function fresh(sql: string): unknown[] {
  clearParseCache();
  return shape(parseScriptSync(parser, sql));
}

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lint');
function corpus(): string {
  const parts: string[] = [];
  for (const rule of fs.readdirSync(FIXTURES).sort()) {
    const bad = path.join(FIXTURES, rule, 'bad.sql');
    if (fs.existsSync(bad)) parts.push(fs.readFileSync(bad, 'utf8'));
  }
  return parts.join('\n');
}

/** Scripts that parse whole, so that edits of them take the incremental path. */
function parsingScripts(): string[] {
  const tables = Array.from({ length: 12 }, (_, i) => `CREATE TABLE t_${i} (\n  id bigint PRIMARY KEY, -- key; not ';'\n  note text DEFAULT 'a;b'\n);\n`).join('\n');
  const fn = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\nSELECT 1; SELECT 'é'; /* c; */ SELECT 2;\n";
  // The last statement without its ";" (being typed), followed by a comment: typing at its end continues it.
  const out = [tables, fn + tables, tables + fn, `${tables}UPDATE t_1 SET note = 'x' WHERE fal\n\n-- Down migration\n`];
  const c = corpus();
  try { parser.parseSync(c); out.push(c); } catch { /* a fixture with a syntax error: the generated scripts suffice */ }
  return out;
}

const THREE_TABLES = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n';

/** THREE_TABLES parsed from a clean state, then `edited` parsed after it: both results and how many incremental parses that took. */
function parseThenEdit(edited: string): { before: ParsedStatement[]; after: ParsedStatement[]; incremental: number } {
  clearParseCache();
  const before = parseScriptSync(parser, THREE_TABLES);
  const count = incrementalParseCount();
  const after = parseScriptSync(parser, edited);
  return { before, after, incremental: incrementalParseCount() - count };
}

describe('incremental parse of an edited script', () => {
  before(async () => { parser = await loadParser(); });
  after(() => clearParseCache());

  it('re-parses only the edited statement and shifts the others', () => {
    const edited = THREE_TABLES.replace('TABLE b (id int)', 'TABLE bb (id int, x text)');
    const { before, after, incremental } = parseThenEdit(edited);
    assert.equal(incremental, 1, 'the edit was parsed incrementally');
    assert.equal(after[0]!.node, before[0]!.node, 'the statement before the edit is reused');
    assert.equal(after[2]!.node, before[2]!.node, 'the statement after the edit is reused');
    assert.notEqual(after[1]!.node, before[1]!.node);
    assert.deepEqual(shape(after), fresh(edited));
  });

  it('an edit that leaves a syntax error in one statement is still parsed incrementally, the error placed as before', () => {
    let edited = THREE_TABLES.replace('TABLE b (id int)', 'TABLE b (id int,)');
    const { before, after, incremental } = parseThenEdit(edited);
    assert.equal(incremental, 1);
    assert.equal(after[2]!.node, before[2]!.node, 'the statement after the edit is reused');
    assert.ok(after[1]!.error, 'the edited statement has its syntax error');
    assert.deepEqual(shape(after), fresh(edited));
    // The next keystroke, still with the error, builds on that state.
    parseScriptSync(parser, edited);
    edited = edited.replace('(id int,)', '(id int, )');
    assert.deepEqual(shape(parseScriptSync(parser, edited)), fresh(edited));
  });

  it('falls back to a whole parse when an edit carries a statement into the next one', () => {
    const sql = THREE_TABLES;
    const edits = [
      sql.replace('(id int);\nCREATE TABLE b', '(id int)\nCREATE TABLE b'), // the ";" deleted
      sql.replace('(id int);\nCREATE TABLE c', '(id int) --;\nCREATE TABLE c'), // commented out
      sql.replace('TABLE b (id int);', "TABLE b (id int DEFAULT ');"), // a quote opened
      sql.replace('TABLE a (id int);\n', 'TABLE a (id int);\n\nSELECT 1\n'), // a new statement without its ";"
    ];
    for (const edited of edits) {
      clearParseCache();
      parseScriptSync(parser, sql);
      assert.deepEqual(shape(parseScriptSync(parser, edited)), fresh(edited), edited);
    }
  });

  it('gives exactly what a fresh parse gives, whatever the edit (insertions, deletions, quotes, comments, semicolons)', () => {
    const scripts = parsingScripts();
    const inserted = fc.constantFrom(';', "'", '"', '--', '/*', '*/', '$$', '\n', ' ', 'x', '(', ')', 'CREATE TABLE z (id int);', 'SELECT', 'é', '');
    fc.assert(fc.property(fc.nat(scripts.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(12), inserted, fc.nat(3), (which, at, removed, text, times) => {
      const base = scripts[which]!;
      let sql = base;
      clearParseCache();
      parseScriptSync(parser, sql);
      // A few successive keystrokes, each parsed against the previous state, as in the editor.
      for (let k = 0; k <= times; k++) {
        const pos = Math.floor(at * sql.length);
        sql = sql.slice(0, pos) + text + sql.slice(Math.min(sql.length, pos + (k === 0 ? removed : 0)));
        const incremental = shape(parseScriptSync(parser, sql));
        assert.deepEqual(incremental, fresh(sql), `edit at ${pos}`);
        // fresh() cleared the state: parse again so the next keystroke has a base.
        parseScriptSync(parser, sql);
      }
    }), { numRuns: 300, seed: 1313 });
  });

  it('text typed after the last statement, before its ";", continues that statement (not a new one)', () => {
    const head = 'SELECT 1;\nUPDATE missions SET launch_date = NULL WHERE ';
    const tail = '\n\n-- Down migration\n';
    for (const [from, to] of [['fal', 'false;'], ['false ', 'false AND true;']]) {
      clearParseCache();
      parseScriptSync(parser, head + from + tail);
      const edited = head + to + tail;
      assert.deepEqual(shape(parseScriptSync(parser, edited)), fresh(edited), `${from} -> ${to}`);
    }
  });

  it('lint findings after an edit are the same as from a fresh start', () => {
    const sql = `-- Up migration\n${parsingScripts()[1]}CREATE INDEX idx_t_1 ON t_1 (note);\n\n-- Down migration\nDROP TABLE t_1;\n`;
    clearParseCache();
    lintTextSync(parser, sql, 'migrations/001_x.sql');
    const edited = sql.replace('note text', 'note varchar(20)');
    const incremental = lintTextSync(parser, edited, 'migrations/001_x.sql');
    clearParseCache();
    assert.deepEqual(incremental, lintTextSync(parser, edited, 'migrations/001_x.sql'));
    assert.ok(incremental.length > 0);
  });
});
