/**
 * Issue 16: a broken statement costs only itself (recovery at top-level semicolons), PL/pgSQL errors are placed where
 * PostgreSQL places them, and the SQL inside DO blocks and function bodies is linted at its exact place.
 */
import assert from 'node:assert/strict';
import { applyFixes, lintText, lintTextSync } from '../../src/lint/linter';
import { bodyStatements } from '../../src/sql/bodies';
import { clearParseCache, parseScriptSync, positionInScript } from '../../src/sql/parse';
import { loadParser, type Parser } from '../../src/sql/parser';
import type { Finding } from '../../src/lint/types';

let parser: Parser;
before(async () => { parser = await loadParser(); });

const migration = (...up: string[]) => ['-- Up migration', ...up, '-- Down migration', 'SELECT 1;', ''].join('\n');

/** 1-based line and column of the n-th occurrence (0-based) of `needle` in text. */
function at(text: string, needle: string, n = 0): [number, number] {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i !== -1, `${JSON.stringify(needle)} occurs ${n + 1} times`);
  }
  const before = text.slice(0, i).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

const places = (findings: Finding[], rule?: string) =>
  findings.filter((f) => !rule || f.ruleId === rule).map((f) => [f.ruleId, f.line, f.column]);

describe('recovery: an unbalanced parenthesis costs only its own statement', () => {
  const text = [
    'CREATE TABLE a (id bigint);',
    'CREATE TABLE b (id bigint, name text;',
    'CREATE TABLE c (code varchar(3));',
    'ALTER TABLE a ADD COLUMN born timestamp;',
  ].join('\n');

  it('statements 3 and 4 keep their findings; the error is where PostgreSQL puts it (the ";" of line 2)', async () => {
    const findings = await lintText(text, 'script.sql', { only: ['syntax-error', 'prefer-text-field', 'prefer-timestamptz'] });
    assert.deepEqual(places(findings), [
      ['syntax-error', ...at(text, ';', 1)],
      ['prefer-text-field', ...at(text, 'varchar')],
      ['prefer-timestamptz', ...at(text, 'timestamp')],
    ]);
    assert.match(findings[0]!.message, /syntax error at or near ";"/);
  });

  it('the script splits into its four statements, the later ones parsed', () => {
    clearParseCache();
    const statements = parseScriptSync(parser, text);
    assert.deepEqual(statements.map((s) => [s.line, s.kind]), [[1, 'CreateStmt'], [2, null], [3, 'CreateStmt'], [4, 'AlterTableStmt']]);
    assert.equal(statements[1]!.text, 'CREATE TABLE b (id bigint, name text;');
  });

  it('an edit that leaves a parenthesis open gives what a fresh parse gives', () => {
    const clean = text.replace('name text;', 'name text);');
    clearParseCache();
    parseScriptSync(parser, clean);
    const edited = parseScriptSync(parser, text).map((s) => [s.text, s.start, s.line, s.column, s.kind]);
    clearParseCache();
    assert.deepEqual(edited, parseScriptSync(parser, text).map((s) => [s.text, s.start, s.line, s.column, s.kind]));
    assert.equal(edited.length, 4);
  });

  it('valid SQL splits as before: a rule with several actions in parentheses, a BEGIN ATOMIC body', () => {
    const valid = [
      'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;',
      'SELECT 3;',
    ].join('\n');
    assert.deepEqual(parseScriptSync(parser, valid).map((s) => [s.line, s.kind]), [[1, 'RuleStmt'], [2, 'CreateFunctionStmt'], [3, 'SelectStmt']]);
  });

  it('a broken statement inside BEGIN ATOMIC is not cut inside the body', () => {
    const broken = 'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELEC 1; SELECT 2; END;\nSELECT 3;';
    assert.deepEqual(parseScriptSync(parser, broken).map((s) => [s.line, s.kind]), [[1, null], [2, 'SelectStmt']]);
  });
});

describe('PL/pgSQL errors at the line PostgreSQL reports', () => {
  // Positions as PostgreSQL 15 reports them (test/integration/plpgsql-positions.test.ts checks them against a server).
  it('a misplaced END: the ";" of the END line, not the DECLARE line', async () => {
    const text = 'CREATE FUNCTION f() RETURNS int AS $$\nDECLARE\n  x int := 1;\nBEGIN\n  IF x > 0 THEN RETURN 1; END;\nEND;\n$$ LANGUAGE plpgsql;\n';
    const findings = await lintText(text, 'script.sql', { only: ['syntax-error'] });
    assert.deepEqual(places(findings), [['syntax-error', ...at(text, ';', 2)]]);
  });

  it('an incomplete RETURN expression: just after its last token, on the RETURN line', async () => {
    const text = 'CREATE FUNCTION f() RETURNS int AS $$\nDECLARE\n  x int := 1;\nBEGIN\n  RETURN x + ;\nEND;\n$$ LANGUAGE plpgsql;\n';
    const findings = await lintText(text, 'script.sql', { only: ['syntax-error'] });
    const [line, column] = at(text, '+ ;');
    assert.deepEqual(places(findings), [['syntax-error', line, column + 1]]);
    assert.equal(findings[0]!.message, 'PL/pgSQL: syntax error at end of input');
  });

  it('an unknown variable in a single-quoted body with doubled quotes before it', async () => {
    const text = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS '\nDECLARE s text := ''it''''s'';\nBEGIN\n  y := 2;\n  RETURN 1;\nEND;';\n";
    const findings = await lintText(text, 'script.sql', { only: ['syntax-error'] });
    assert.deepEqual(places(findings), [['syntax-error', ...at(text, 'y :=')]]);
  });
});

describe('statements inside bodies are linted at their place', () => {
  it('DO block: every rule, at the exact line and column (a non-ASCII character before the statement)', async () => {
    const text = migration(
      'DO $$',
      "DECLARE label text := 'Ångström';",
      'BEGIN',
      "  PERFORM 'é'; ALTER TABLE astronauts ADD COLUMN bio varchar(20);",
      'END $$;',
    );
    const findings = await lintText(text, 'migrations/001_a.sql', { only: ['require-lock-timeout', 'prefer-text-field'] });
    assert.deepEqual(places(findings), [
      ['require-lock-timeout', ...at(text, 'astronauts')],
      ['prefer-text-field', ...at(text, 'varchar')],
    ]);
    assert.equal(findings[0]!.statementLine, 5);
  });

  it('single-quoted function body: doubled quotes before the statement on its line', async () => {
    const text = migration(
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS '",
      'BEGIN',
      "  PERFORM ''it''''s é''; CREATE TEMP TABLE scratch (s varchar(5), t timestamp);",
      "END;';",
    );
    const findings = await lintText(text, 'migrations/001_a.sql', { only: ['prefer-text-field', 'prefer-timestamptz'] });
    assert.deepEqual(places(findings), [
      ['prefer-text-field', ...at(text, 'varchar')],
      ['prefer-timestamptz', ...at(text, 'timestamp')],
    ]);
    const [line, column] = at(text, 'varchar');
    assert.deepEqual([findings[0]!.endLine, findings[0]!.endColumn], [line, column + 'varchar'.length]);
    // The fix (no quote in its text) lands in place inside the quoted body.
    assert.match(applyFixes(text, findings), /PERFORM ''it''''s é''; CREATE TEMP TABLE scratch \(s text, t timestamptz\);/);
  });

  it('EXECUTE of a constant string is linted; its doubled quotes are mapped; a built string is not', async () => {
    const text = migration(
      'DO $$',
      'BEGIN',
      "  EXECUTE 'ALTER TABLE missions ADD COLUMN tag text DEFAULT ''n/a'', ADD COLUMN code varchar(9)';",
      "  EXECUTE 'CREATE INDEX missions_tag_idx ON missions (tag)';",
      "  EXECUTE 'CREATE INDEX ' || 'missions_code_idx ON missions (code)';",
      'END $$;',
    );
    const findings = await lintText(text, 'migrations/001_a.sql', { only: ['prefer-text-field', 'require-concurrent-index-creation'] });
    assert.deepEqual(places(findings), [
      ['prefer-text-field', ...at(text, 'varchar')],
      ['require-concurrent-index-creation', ...at(text, 'CREATE INDEX')],
    ]);
    assert.equal(findings[1]!.fix, undefined, 'no text edits inside a quoted body');
  });

  it('a function body runs when called: no migration-time lock findings, but column-type findings', async () => {
    const body = ['BEGIN', '  ALTER TABLE astronauts ADD COLUMN bio varchar(20);', '  CREATE INDEX astronauts_bio_idx ON astronauts (bio);', 'END;'];
    const fn = migration('CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$', ...body, '$$;');
    const rules = ['require-lock-timeout', 'require-concurrent-index-creation', 'prefer-text-field'];
    assert.deepEqual(places(await lintText(fn, 'migrations/001_a.sql', { only: rules })), [['prefer-text-field', ...at(fn, 'varchar')]]);
    const doBlock = migration('DO $$', ...body, '$$;');
    assert.deepEqual(places(await lintText(doBlock, 'migrations/001_a.sql', { only: rules })).map((p) => p[0]).sort(), rules.sort());
  });

  it('order inside a body counts: a table created, or lock_timeout set, earlier in the DO block', async () => {
    const text = migration(
      'DO $$',
      'BEGIN',
      "  SET LOCAL lock_timeout = '5s';",
      '  ALTER TABLE astronauts ADD COLUMN bio text;',
      '  CREATE TABLE crew_notes (id bigint);',
      '  CREATE INDEX crew_notes_id_idx ON crew_notes (id);',
      'END $$;',
    );
    const rules = { only: ['require-lock-timeout', 'require-concurrent-index-creation'] };
    assert.deepEqual(await lintText(text, 'migrations/001_a.sql', rules), []);
    // The same block without the SET, and with the index on a table that exists: both are reported.
    const unsafe = text.replace("  SET LOCAL lock_timeout = '5s';\n", '').replace('ON crew_notes', 'ON astronauts');
    assert.deepEqual(places(await lintText(unsafe, 'migrations/001_a.sql', rules)), [
      ['require-lock-timeout', ...at(unsafe, 'astronauts')],
      ['require-concurrent-index-creation', ...at(unsafe, 'CREATE INDEX')],
    ]);
  });

  it('-- lint-ignore above the containing statement, or above the statement in the body, silences it', async () => {
    const body = ['BEGIN', '  ALTER TABLE astronauts ADD COLUMN bio varchar(20);', '  -- lint-ignore prefer-text-field', '  ALTER TABLE astronauts ADD COLUMN note varchar(9);', 'END $$;'];
    const ignored = migration('-- lint-ignore prefer-text-field', 'DO $$', ...body);
    assert.deepEqual(await lintText(ignored, 'migrations/001_a.sql', { only: ['prefer-text-field'] }), []);
    const inBody = migration('DO $$', ...body);
    assert.deepEqual(places(await lintText(inBody, 'migrations/001_a.sql', { only: ['prefer-text-field'] })), [['prefer-text-field', ...at(inBody, 'varchar')]]);
  });

  it('bodyStatements: the statements of a body, positioned in the script; cached statements are not re-numbered', () => {
    const script = "SELECT 1;\nDO $$ DECLARE r record; n int; BEGIN\n  UPDATE t SET a = 1;\n  PERFORM f('x');\n  FOR r IN SELECT * FROM u LOOP NULL; END LOOP;\n  EXECUTE 'DELETE FROM v';\n  SELECT count(*) INTO n FROM w;\nEND $$;\n";
    clearParseCache();
    const statements = parseScriptSync(parser, script);
    const embedded = bodyStatements(parser, statements[1]!);
    assert.deepEqual(embedded.map((e) => [e.kind, e.line, e.column, e.text, e.runsAt]), [
      ['UpdateStmt', 3, 3, 'UPDATE t SET a = 1', 'migration'],
      ['SelectStmt', 4, 3, "PERFORM f('x')", 'migration'],
      ['SelectStmt', 5, 12, 'SELECT * FROM u', 'migration'],
      ['DeleteStmt', 6, 12, 'DELETE FROM v', 'migration'],
      ['SelectStmt', 7, 3, 'SELECT count(*) INTO n FROM w', 'migration'],
    ]);
    // A node location maps to the file: the relation of the DELETE.
    const del = embedded[3]!;
    assert.deepEqual(positionInScript(del, del.toOffset(del.node!['relation'].location)), { line: 6, column: 24 });
    // PL/pgSQL reads SELECT ... INTO without its INTO clause; the FROM item still maps to its place.
    const into = embedded[4]!;
    const from = into.node!['fromClause'][0]['RangeVar'];
    assert.deepEqual(positionInScript(into, into.toOffset(from.location)), { line: 7, column: 31 });
    lintTextSync(parser, script, 'script.sql');
    assert.deepEqual(statements.map((s) => s.index), [0, 1]);
  });
});
