/**
 * PL/pgSQL errors are placed where PostgreSQL places them (issue 16). The PL/pgSQL parser used for linting reports
 * only a message; the server reports a position. Each broken body here is sent to a real server and the lint finding
 * must land on the line and column the server names.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { lintText } from '../../src/lint/linter';
import { postgresServer } from './harness';

/** Broken bodies: functions (dollar- and single-quoted) and DO blocks. */
export const BROKEN_BODIES: string[] = [
  // The old placement searched the body for the quoted token and found the DECLARE line's ";".
  'CREATE FUNCTION f1() RETURNS int AS $$\nDECLARE\n  x int := 1;\nBEGIN\n  IF x > 0 THEN RETURN 1; END;\nEND;\n$$ LANGUAGE plpgsql;',
  // An SQL expression that ends too early: PostgreSQL points just after its last token.
  'CREATE FUNCTION f2() RETURNS int AS $$\nDECLARE\n  x int := 1;\nBEGIN\n  x := x + 1;\n  RETURN x + ;\nEND;\n$$ LANGUAGE plpgsql;',
  // A missing ";": the body ends inside the RETURN expression.
  'CREATE FUNCTION f3() RETURNS int AS $$\nDECLARE\n  x int := 1;\nBEGIN\n  RETURN x\nEND;\n$$ LANGUAGE plpgsql;',
  // An unknown variable, named by the message; "y" also appears earlier as a word in a comment.
  'CREATE FUNCTION f4() RETURNS int AS $$\n-- y is set below\nDECLARE x int := 1;\nBEGIN\n  y := 2;\n  RETURN x;\nEND;\n$$ LANGUAGE plpgsql;',
  // Error inside an embedded SQL statement, after a non-ASCII character.
  "CREATE FUNCTION f5() RETURNS int AS $$\nDECLARE n text := 'é';\nBEGIN\n  UPDATE t SET a = 1 WHER id = 2;\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;",
  // A single-quoted body: quotes doubled before the error.
  "CREATE FUNCTION f6() RETURNS int LANGUAGE plpgsql AS '\nDECLARE s text := ''it''''s'';\nBEGIN\n  SELECT 1 INTO s FROM FROM t;\n  RETURN 1;\nEND;';",
  // A DO block.
  'DO $$\nDECLARE x int;\nBEGIN\n  x := 1;\n  SELEC 1;\nEND $$;',
  // END IF where END LOOP belongs.
  'DO $body$\nBEGIN\n  LOOP\n    EXIT;\n  END IF;\nEND\n$body$;',
  // Mismatched parentheses in an assignment.
  'CREATE FUNCTION f7() RETURNS int AS $$\nDECLARE x int;\nBEGIN\n  x := (1)) + 2;\n  RETURN x;\nEND;\n$$ LANGUAGE plpgsql;',
];

/** 1-based line and column of a 1-based character position in text. */
function lineColumn(text: string, position: number): [number, number] {
  const before = text.slice(0, position - 1);
  const lines = before.split('\n');
  return [lines.length, lines[lines.length - 1]!.length + 1];
}

describe('PL/pgSQL error positions match PostgreSQL (postgres)', function () {
  this.timeout(60000);
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: (await postgresServer()).adminUrl });
    await client.connect();
  });
  after(async () => { await client?.end(); });

  for (const [i, sql] of BROKEN_BODIES.entries()) {
    it(`body ${i + 1}: ${sql.split('\n')[0]}`, async () => {
      const script = `SELECT 1;\n\n${sql}\n`;
      let server: { message: string; position: number } | null = null;
      await client.query('BEGIN');
      try {
        await client.query(sql);
      } catch (err) {
        server = { message: (err as Error).message, position: Number((err as { position?: string }).position) };
      } finally {
        await client.query('ROLLBACK');
      }
      assert.ok(server && server.position > 0, 'the server rejects the body and reports a position');
      const [line, column] = lineColumn(sql, server.position);
      const findings = await lintText(script, 'script.sql', { only: ['syntax-error'] });
      assert.deepEqual(findings.map((f) => [f.line, f.column, f.message]), [[line + 2, column, `PL/pgSQL: ${server.message}`]]);
    });
  }
});
