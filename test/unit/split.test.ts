import { loadParser } from '../../src/sql/parser';
import { transactionalEquivalent } from '../../src/sql/transactional';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineAt, splitStatements, type SqlStatement } from '../../src/sql/split';

const texts = (xs: SqlStatement[]) => xs.map((s) => s.text);

/** Every statement's text is the slice of the script at [start, end), and line/column match start. */
function assertConsistent(sql: string, stmts: SqlStatement[]): void {
  let prevEnd = 0;
  for (const s of stmts) {
    assert.equal(sql.slice(s.start, s.end), s.text, `slice [${s.start}, ${s.end})`);
    assert.ok(s.start >= prevEnd, 'statements are in order and do not overlap');
    prevEnd = s.end;
    const before = sql.slice(0, s.start);
    assert.equal(s.line, before.split('\n').length, `line of ${JSON.stringify(s.text)}`);
    assert.equal(s.column, s.start - before.lastIndexOf('\n'), `column of ${JSON.stringify(s.text)}`);
  }
}

describe('splitStatements', function () {
  this.timeout(30000);

  before(async () => {
    await splitStatements('SELECT 1;'); // load the WASM parser once
  });

  it('splits at top-level semicolons', async () => {
    const sql = 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSELECT * FROM a;';
    const out = await splitStatements(sql);
    assert.deepEqual(texts(out), ['CREATE TABLE a (id int);', 'INSERT INTO a VALUES (1);', 'SELECT * FROM a;']);
    assertConsistent(sql, out);
    assert.deepEqual(out.map((s) => [s.line, s.column]), [[1, 1], [2, 1], [3, 1]]);
  });

  it('keeps a last statement without a semicolon', async () => {
    const out = await splitStatements('SELECT 1; SELECT 2');
    assert.deepEqual(texts(out), ['SELECT 1;', 'SELECT 2']);
  });

  it('returns nothing for empty or whitespace-only input', async () => {
    assert.deepEqual(await splitStatements(''), []);
    assert.deepEqual(await splitStatements('  \n\t '), []);
  });

  it('drops empty statements made of bare semicolons', async () => {
    const sql = ';;SELECT 1;;\n;';
    const out = await splitStatements(sql);
    assert.deepEqual(texts(out), ['SELECT 1;']);
    assertConsistent(sql, out);
  });

  it('does not split at semicolons inside string literals', async () => {
    const sql = "INSERT INTO t VALUES ('a;b'); SELECT E'it''s; fine', 'x'';y';";
    const out = await splitStatements(sql);
    assert.deepEqual(texts(out), ["INSERT INTO t VALUES ('a;b');", "SELECT E'it''s; fine', 'x'';y';"]);
    assertConsistent(sql, out);
  });

  it('does not split at semicolons inside quoted identifiers', async () => {
    const out = await splitStatements('SELECT "we;ird" FROM x; SELECT 2;');
    assert.deepEqual(texts(out), ['SELECT "we;ird" FROM x;', 'SELECT 2;']);
  });

  it('does not split inside dollar-quoted function bodies', async () => {
    const sql = [
      'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$',
      'BEGIN',
      '  NEW.updated_at := now();',
      '  RETURN NEW;',
      'END;',
      '$$;',
      'SELECT $tag$ a;b $tag$;',
      'DO $body$ BEGIN PERFORM 1; END $body$;',
    ].join('\n');
    const out = await splitStatements(sql);
    assert.equal(out.length, 3);
    assert.ok(out[0]!.text.startsWith('CREATE FUNCTION touch()'));
    assert.ok(out[0]!.text.endsWith('$$;'));
    assert.equal(out[1]!.text, 'SELECT $tag$ a;b $tag$;');
    assert.equal(out[2]!.text, 'DO $body$ BEGIN PERFORM 1; END $body$;');
    assert.deepEqual(out.map((s) => s.line), [1, 7, 8]);
    assertConsistent(sql, out);
  });

  it('does not split at semicolons in line or block comments', async () => {
    const sql = '-- first; comment\nSELECT 1; /* a ; b */ SELECT 2;\n/* multi\n ; line */ SELECT 3;';
    const out = await splitStatements(sql);
    assert.equal(out.length, 3);
    assert.ok(out[0]!.text.endsWith('SELECT 1;'));
    assert.ok(out[1]!.text.endsWith('SELECT 2;'));
    assert.ok(out[2]!.text.endsWith('SELECT 3;'));
    assert.ok(!out.some((s) => s.text.includes('first;') && s.text.includes('SELECT 2')));
    assertConsistent(sql, out);
  });

  it('does not split inside a BEGIN ATOMIC ... END body, including CASE ... END inside it', async () => {
    const sql = [
      'CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql',
      'BEGIN ATOMIC',
      '  SELECT 1;',
      '  SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;',
      'END;',
      'SELECT 3;',
    ].join('\n');
    const out = await splitStatements(sql);
    assert.equal(out.length, 2);
    assert.ok(out[0]!.text.startsWith('CREATE FUNCTION f'));
    assert.ok(out[0]!.text.endsWith('END;'));
    assert.ok(out[0]!.text.includes('ELSE 2 END;'));
    assert.equal(out[1]!.text, 'SELECT 3;');
    assert.equal(out[1]!.line, 6);
    assertConsistent(sql, out);
  });

  it('a CREATE PROCEDURE with BEGIN ATOMIC is one statement', async () => {
    const sql = 'CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END; CALL p();';
    const out = await splitStatements(sql);
    assert.equal(out.length, 2);
    assert.equal(out[1]!.text, 'CALL p();');
  });

  it('a plain transaction BEGIN; ... END; is split normally', async () => {
    const out = await splitStatements('BEGIN; SELECT 1; END;');
    assert.deepEqual(texts(out), ['BEGIN;', 'SELECT 1;', 'END;']);
  });

  it('does not split at semicolons inside parentheses', async () => {
    const out = await splitStatements('CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1;');
    assert.equal(out.length, 2);
    assert.equal(out[1]!.text, 'SELECT 1;');
  });

  it('uses JS string offsets with multibyte characters (accents, CJK, emoji)', async () => {
    const sql = "SELECT 'héllo 😀';\nINSERT INTO t VALUES ('日本語; テキスト'); SELECT 'ü';\n  SELECT '🚀🚀' AS \"naïve\"";
    const out = await splitStatements(sql);
    assert.deepEqual(texts(out), [
      "SELECT 'héllo 😀';",
      "INSERT INTO t VALUES ('日本語; テキスト');",
      "SELECT 'ü';",
      "SELECT '🚀🚀' AS \"naïve\"",
    ]);
    assertConsistent(sql, out);
    assert.equal(out[1]!.start, sql.indexOf('INSERT'));
    assert.deepEqual(out.map((s) => [s.line, s.column]), [[1, 1], [2, 1], [2, sql.split('\n')[1]!.indexOf("SELECT 'ü'") + 1], [3, 3]]);
    assert.equal(out[3]!.end, sql.length);
  });

  it('reports line and column of statements that start mid-line', async () => {
    const sql = 'SELECT 1;   SELECT 2;\n\n    SELECT 3;';
    const out = await splitStatements(sql);
    assert.deepEqual(out.map((s) => [s.line, s.column]), [[1, 1], [1, 13], [3, 5]]);
    assertConsistent(sql, out);
  });

  it('handles CRLF line endings', async () => {
    const sql = 'SELECT 1;\r\nSELECT 2;\r\n';
    const out = await splitStatements(sql);
    assert.deepEqual(texts(out), ['SELECT 1;', 'SELECT 2;']);
    assert.equal(out[1]!.line, 2);
    assert.equal(out[1]!.column, 1);
  });

  it('an unterminated string falls back to one statement holding the whole script', async () => {
    const sql = "SELECT 'abc; SELECT 2;\nSELECT 3;";
    const out = await splitStatements(sql);
    assert.deepEqual(out, [{ text: sql, start: 0, end: sql.length, line: 1, column: 1 }]);
  });

  it('an unterminated block comment or dollar quote also falls back to one statement', async () => {
    for (const sql of ['SELECT 1; /* never closed', 'SELECT 1; DO $$ BEGIN; SELECT 2;']) {
      const out = await splitStatements(sql);
      assert.equal(out.length, 1, sql);
      assert.equal(out[0]!.text, sql);
    }
  });

  it('drops statements that hold only comments', async () => {
    assert.deepEqual(texts(await splitStatements('SELECT 1; -- trailing note\n')), ['SELECT 1;']);
    assert.deepEqual(texts(await splitStatements('SELECT 1;\n/* done */\n')), ['SELECT 1;']);
    assert.deepEqual(await splitStatements('-- only a comment\n'), []);
  });

  it('splits generated scripts consistently (property)', async () => {
    const piece = fc.constantFrom(
      "SELECT 'a;b'", 'SELECT 1', "SELECT 'é😀;'", 'SELECT $$x;y$$', 'SELECT "q;i" FROM t', 'SELECT (1)',
      'INSERT INTO t VALUES (1, \'日本\')', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END',
    );
    const sep = fc.constantFrom(' ', '\n', '\r\n', '\n\n  ', ' /* ; */ ', '\t');
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(piece, sep), { minLength: 1, maxLength: 8 }), async (parts) => {
      const sql = parts.map(([p, s]) => `${p};${s}`).join('');
      const out = await splitStatements(sql);
      assertConsistent(sql, out);
      const code = out.filter((s) => /SELECT|INSERT|CREATE/.test(s.text));
      assert.equal(code.length, parts.length);
      code.forEach((s, i) => assert.ok(s.text.trimStart().replace(/^\/\* ; \*\/ /, '').startsWith(parts[i]![0]), s.text));
    }), { numRuns: 100 });
  });
});

describe('lineAt', () => {
  it('counts newlines before the offset', () => {
    assert.equal(lineAt('a\nb\nc', 0), 1);
    assert.equal(lineAt('a\nb\nc', 2), 2);
    assert.equal(lineAt('a\nb\nc', 4), 3);
    assert.equal(lineAt('a\nb\nc', 99), 3);
  });
});

describe('transactionalEquivalent', () => {
  it('drops CONCURRENTLY and leaves out VACUUM, keeping everything else', async () => {
    const parser = await loadParser();
    const r = transactionalEquivalent(parser, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nVACUUM t;\nDROP INDEX CONCURRENTLY IF EXISTS j;\nALTER TABLE t ADD COLUMN b int;');
    assert.equal(r.sql, 'CREATE INDEX  IF NOT EXISTS i ON t (a);\nDROP INDEX  IF EXISTS j;\nALTER TABLE t ADD COLUMN b int;');
    assert.equal(r.changed, true);
    const blocked = transactionalEquivalent(parser, 'CREATE DATABASE x;');
    assert.equal(blocked.sql, null);
    assert.equal(blocked.blocker, 'CREATE DATABASE');
  });
});
