/**
 * Fuzzing the pure parts under fast-check: the migration-file parser, the planner,
 * the statement splitter and the linter. None may throw anything but a
 * MigrationError, and none may take long on any input (no hang, no blow-up).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMigrationError } from '../../src/core/errors';
import type { HistoryRow } from '../../src/core/history';
import { parseMigrationFile, type MigrationFile } from '../../src/core/migration-file';
import { computeStatus, planDown, planUp } from '../../src/core/planner';
import { lintTextSync } from '../../src/lint/linter';
import { loadParser } from '../../src/sql/parser';
import { splitStatementsSync } from '../../src/sql/split';
import { report } from './common';

/** Per-case time limit: far above any real case, far below "hangs". */
const SLOW_MS = 2000;

const LINES = [
  '-- Up migration', '-- Down migration', '-- up MIGRATION', '--Down Migration', '-- depends: 001', '-- depends:', '-- transaction: none',
  '-- transaction: maybe', '-- environments: test, production', '-- environments:', '-- environment: prod', '-- note: hello', '',
  'CREATE TABLE t (id bigint PRIMARY KEY);', 'DROP TABLE t;', 'CREATE INDEX CONCURRENTLY i ON t (id);', "SELECT 'it''s; -- not a comment';",
  'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;', '$$ unterminated', '/* open comment', '*/', "'open string",
  'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;', 'ALTER TABLE t ALTER COLUMN c TYPE text;', 'VACUUM t;', 'BEGIN;', 'COMMIT;',
  'CREATE TABLE p (id int) PARTITION BY RANGE (id);', 'SELECT ((((1))));', 'INSERT INTO t VALUES (1), (2);', ';;;', '\ufeff', '\u0000',
];

const sqlishText = fc.array(fc.oneof(fc.constantFrom(...LINES), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 30 })
  .chain((lines) => fc.constantFrom('\n', '\r\n', '\r').map((eol) => lines.join(eol)));

function timed<T>(what: string, input: unknown, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t0;
    assert.ok(ms < SLOW_MS, `${what} took ${ms.toFixed(0)} ms on ${JSON.stringify(input).slice(0, 300)}`);
  }
}

export function fuzzParser(numRuns: number): void {
  let errors = 0;
  const migrationText = fc.oneof(sqlishText, sqlishText.map((t) => `-- Up migration\n${t}`));
  fc.assert(fc.property(migrationText, (text) => {
    try {
      const m = timed('parseMigrationFile', text, () => parseMigrationFile(text, 'migrations/042_fuzz.sql'));
      assert.equal(m.version, '042');
      assert.match(m.checksum, /^[0-9a-f]{64}$/);
      assert.ok(m.upLine >= 2);
      assert.ok(!/^\s*--\s*up\s+migration\s*$/im.test(m.up), 'an up marker inside the up section');
      if (m.down !== null) assert.ok(m.downLine !== null && m.downLine > m.upLine);
    } catch (err) {
      if (!isMigrationError(err)) throw err;
      errors++;
      assert.equal(err.location.file, 'migrations/042_fuzz.sql');
      assert.ok(err.hint.length > 0);
    }
  }), { numRuns });
  report(`fuzz parser: ${numRuns} cases, ${errors} refused with a MigrationError, 0 other exceptions`);
}

export async function fuzzSplitterAndLinter(numRuns: number): Promise<void> {
  const parser = await loadParser();
  let findings = 0;
  fc.assert(fc.property(sqlishText, (text) => {
    const stmts = timed('splitStatements', text, () => splitStatementsSync(parser, text));
    let last = 0;
    for (const s of stmts) {
      assert.ok(s.start >= last && s.end <= text.length && s.start <= s.end, 'statements in order, inside the text');
      assert.equal(text.slice(s.start, s.end), s.text);
      last = s.end;
    }
    const lines = text.split(/\r\n|\n|\r/).length;
    const f = timed('lintText', text, () => lintTextSync(parser, text, 'migrations/042_fuzz.sql'));
    for (const x of f) assert.ok(x.line >= 1 && x.line <= lines + 1, `finding on line ${x.line} of ${lines}: ${x.ruleId}`);
    findings += f.length;
  }), { numRuns });
  report(`fuzz splitter + linter: ${numRuns} cases, ${findings} findings, 0 exceptions`);
}

const fileArb = (version: number): fc.Arbitrary<MigrationFile> => fc.record({
  depends: fc.array(fc.constantFrom('1', '2', '3', '5', '8', '13', 'nope'), { maxLength: 2 }),
  transactional: fc.boolean(),
  environments: fc.option(fc.subarray(['test', 'production']), { nil: null }),
  down: fc.option(fc.constantFrom('', 'DROP TABLE t;', '-- nothing'), { nil: null }),
  checksum: fc.constantFrom('a', 'b'),
}).map((r) => ({
  version: String(version).padStart(3, '0'), name: `m${version}`, file: `migrations/${version}_m.sql`, up: 'SELECT 1;', down: r.down,
  upLine: 2, downLine: r.down === null ? null : 4, depends: r.depends, transactional: r.transactional, environments: r.environments, checksum: r.checksum,
}));

export function fuzzPlanner(numRuns: number): void {
  let plans = 0;
  let refused = 0;
  const scenario = fc.record({
    versions: fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { maxLength: 10 }),
    historyVersions: fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { maxLength: 8 }),
    seed: fc.integer(),
    to: fc.option(fc.constantFrom('3', '007', 'm5', '0', 'x'), { nil: undefined }),
    steps: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    allowOutOfOrder: fc.boolean(),
    allowDrift: fc.boolean(),
  }).chain((s) => fc.tuple(fc.constant(s), fc.tuple(...s.versions.map(fileArb)),
    fc.array(fc.record({ status: fc.constantFrom('applied', 'applied', 'running'), checksum: fc.constantFrom('a', 'b'), down: fc.option(fc.constant('DROP TABLE t;'), { nil: null }) }),
      { minLength: s.historyVersions.length, maxLength: s.historyVersions.length })));
  fc.assert(fc.property(scenario, ([s, files, rows]) => {
    const history: HistoryRow[] = s.historyVersions.map((v, i) => ({
      version: String(v).padStart(i % 2 ? 3 : 1, '0'), name: `m${v}`, checksum: rows[i]!.checksum, downSql: rows[i]!.down, status: rows[i]!.status as 'applied' | 'running',
      transactional: true, appliedAt: new Date(0), appliedBy: 'fuzz', durationMs: 1, environment: 'test', batch: 1,
    }));
    const statuses = timed('computeStatus', s, () => computeStatus(files, history, { environment: 'test' }));
    assert.equal(new Set(statuses.map((x) => BigInt(x.version))).size, statuses.length, 'one status per version');
    for (const [fn, run] of [['planUp', () => planUp(statuses, { to: s.to, steps: s.steps, allowOutOfOrder: s.allowOutOfOrder, allowDrift: s.allowDrift })],
      ['planDown', () => planDown(statuses, { to: s.to, steps: s.steps })]] as const) {
      try {
        const plan = timed<{ migration?: MigrationFile; version?: string }[]>(fn, s, run);
        plans++;
        const versions = plan.map((p) => BigInt(p.migration?.version ?? p.version!));
        const sorted = [...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (fn === 'planDown') sorted.reverse();
        assert.deepEqual(versions, sorted, `${fn} order`);
        if (fn === 'planUp') {
          for (const p of plan) assert.equal(statuses.find((x) => x.version === p.migration!.version)!.state, 'pending', 'planUp plans only pending migrations');
          assert.ok(!statuses.some((x) => x.state === 'dirty'), 'planUp must refuse while one is dirty');
        }
      } catch (err) {
        if (!isMigrationError(err)) throw err;
        refused++;
      }
    }
  }), { numRuns });
  report(`fuzz planner: ${numRuns} scenarios, ${plans} plans, ${refused} refusals (MigrationError), 0 other exceptions`);
}
