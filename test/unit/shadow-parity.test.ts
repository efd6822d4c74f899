/** Version parity: statements the shadow's PostgreSQL 18 accepts that an older server does not, found in the parse tree. */
import assert from 'node:assert/strict';
import { loadParser } from '../../src/sql/parser';
import { parseScriptSync } from '../../src/sql/parse';
import { parityWarnings } from '../../src/core/shadow/replay';
import { versionParityWarnings } from '../../src/core/shadow/parity';
import { parseMigrationFile } from '../../src/core/migration-file';

describe('shadow: version parity warnings', () => {
  it('names the feature, the version it needs and what happens on the older server', async () => {
    const parser = await loadParser();
    const sql = [
      'CREATE TABLE orbits (period_days numeric, period_years numeric GENERATED ALWAYS AS (period_days / 365.25));',
      'CREATE UNIQUE INDEX orbits_period ON orbits (period_days) NULLS NOT DISTINCT;',
      'ALTER TABLE orbits ADD CONSTRAINT positive CHECK (period_days > 0) NOT ENFORCED;',
      'SELECT uuidv7();',
    ].join('\n');
    const on15 = versionParityWarnings(parseScriptSync(parser, sql), 15, 18).map((w) => w.message);
    assert.deepEqual(on15, [
      'uses a virtual generated column (GENERATED ALWAYS AS (...) without STORED), which needs PostgreSQL 18: the embedded PostgreSQL 18 accepts it, but on the server\'s PostgreSQL 15 it is a syntax error; add STORED to keep the column computed on write',
      'uses a NOT ENFORCED constraint, which needs PostgreSQL 18: the embedded PostgreSQL 18 accepts it, but on the server\'s PostgreSQL 15 it is a syntax error',
      'uses uuidv7(), which needs PostgreSQL 18: the embedded PostgreSQL 18 accepts it, but on the server\'s PostgreSQL 15 the function does not exist',
    ]);
    // NULLS NOT DISTINCT arrived in 15: only an older server hears about it.
    assert.ok(versionParityWarnings(parseScriptSync(parser, sql), 14, 18).some((w) => /UNIQUE NULLS NOT DISTINCT, which needs PostgreSQL 15/.test(w.message)));
    assert.deepEqual(versionParityWarnings(parseScriptSync(parser, sql), 18, 18), []);
  });

  it('places a warning at the construct in the migration file', async () => {
    const parser = await loadParser();
    const text = '-- Up migration\nCREATE TABLE orbits (\n    period_days numeric,\n    period_years numeric GENERATED ALWAYS AS (period_days / 365.25)\n);\n\n-- Down migration\nDROP TABLE orbits;\n';
    const m = parseMigrationFile(text, 'migrations/004_orbits.sql');
    const [w] = parityWarnings(parser, m, 15, 18);
    assert.equal(w!.line, 4);
    assert.equal(w!.column, 26);
    assert.equal(parityWarnings(parser, m, 18, 18).length, 0);
  });
});
