/**
 * The values the tool writes into its history (down SQL, names, user, environment) can hold anything a
 * file can: dollar quotes ("$dm$", "$$", a section ending in "$dm"), single quotes, backslashes, odd
 * unicode. Up, down, history, log and a rollback from the stored down SQL must all come out exact, on
 * every path that records a migration: one query per migration, statement by statement, one transaction.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotCatalog } from '../../src/core/catalog';
import { dollarTag, HistoryStore, literal } from '../../src/core/history';
import { checksumSql, parseMigrationFile } from '../../src/core/migration-file';
import { makeProject, migration, tables, type Backend, type TestProject } from './harness';

const ODD = 'naïve café — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚀 עִבְרִית \u2028 \u200b \ufeff Z\u0351\u0363';
/** Short enough for a 63-byte identifier. */
const SHORT = 'é🚀\u2028\u200b';

/** Up sections ending in "$dm", holding "$dm$", "$$", quotes and backslashes; down sections the same. */
const FILES: Record<string, string> = {
  // No newline at the end: the down section (stored in the history) ends in "$dm" itself.
  'migrations/001_dollar_end.sql': "-- Up migration\nCREATE TABLE t1 (v text);\nINSERT INTO t1 VALUES ('price in $dm');\n-- the up section ends in $dm\n-- Down migration\nDROP TABLE t1;\n-- ends in $dm",
  'migrations/002_dollar_tags.sql': migration(
    "CREATE TABLE t2 (v text);\nINSERT INTO t2 VALUES ($dm$ $dm0$ it's $$ $dm$), ($$ $dm$ $$), ($dm_x$ \\ $dm_x$);\nCREATE FUNCTION f2() RETURNS text LANGUAGE sql AS $$ SELECT 'x$dm' $$;",
    "DROP FUNCTION f2();\nDO $$ BEGIN PERFORM $dm$ ' \\ $dm$; END $$;\nDROP TABLE t2; SELECT $dm$x$dm$ AS \"$dm\";\nSELECT 1 -- $dm$").replace(/\n$/, ''),
  'migrations/003_quotes_backslashes.sql': migration(
    `CREATE TABLE t3 (v text);\nINSERT INTO t3 VALUES ('it''s'), (E'back\\\\slash \\' quote'), ('C:\\dir\\'), ('${ODD}');`,
    `DELETE FROM t3 WHERE v IN ('it''s', E'back\\\\slash \\' quote', 'C:\\dir\\', '${ODD}');\nDROP TABLE t3;\n-- ${ODD} \\ ' " $\n-- $dm`).replace(/\n$/, ''),
  'migrations/004_unicode.sql': migration(`CREATE TABLE "t4 ${SHORT}" (v text);`, `DROP TABLE "t4 ${SHORT}";\n-- trailing $d`).replace(/\n$/, ''),
};

function expected(file: string): { name: string; checksum: string; down: string | null } {
  const m = parseMigrationFile(FILES[file]!, file);
  return { name: m.name, checksum: checksumSql(m.up), down: m.down };
}

async function assertHistory(p: TestProject, versions: string[]): Promise<void> {
  const rows = await p.query<{ version: string; name: string; checksum: string; down_sql: string | null; environment: string }>(
    'SELECT version, name, checksum, down_sql, environment FROM database_migrations ORDER BY version');
  assert.deepEqual(rows.map((r) => r.version), versions);
  for (const r of rows) {
    const file = Object.keys(FILES).find((f) => path.basename(f).startsWith(`${r.version}_`))!;
    const want = expected(file);
    assert.equal(r.name, want.name);
    assert.equal(r.checksum, want.checksum, `${file}: checksum of the up section`);
    assert.equal(r.down_sql, want.down, `${file}: down SQL stored exactly`);
    assert.equal(r.environment, 'test');
  }
}

async function upDownCycle(backend: Backend, config: Record<string, unknown>, upArgs: string[]): Promise<void> {
  const p = await makeProject(backend, FILES, config);
  try {
    const up = await p.cli(['--up', ...upArgs]);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.deepEqual(await tables(p), ['database_migrations', 'database_migrations_log', 'database_migrations_seeds', 't1', 't2', 't3', `t4 ${SHORT}`]);
    assert.deepEqual((await p.query<{ v: string }>('SELECT v FROM t2 ORDER BY v')).map((r) => r.v).sort(), [' $dm$ ', ' $dm0$ it\'s $$ ', ' \\ '].sort());
    assert.deepEqual((await p.query<{ v: string }>('SELECT v FROM t3 ORDER BY v')).map((r) => r.v).sort(), ['it\'s', 'back\\slash \' quote', 'C:\\dir\\', ODD].sort());
    await assertHistory(p, ['001', '002', '003', '004']);
    const log = await p.query<{ action: string; version: string; name: string; success: boolean }>(
      `SELECT action, version, name, success FROM database_migrations_log WHERE action <> 'slow' ORDER BY id`);
    assert.deepEqual(log.map((l) => `${l.action} ${l.version} ${l.name} ${l.success}`),
      ['up 001 dollar_end true', 'up 002 dollar_tags true', 'up 003 quotes_backslashes true', 'up 004 unicode true']);

    // Down from the files for 004 and 003, then from the stored down SQL alone (files gone) for 002 and 001.
    const down = await p.cli(['--down', '--steps', '2']);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    await assertHistory(p, ['001', '002']);
    p.remove('migrations/002_dollar_tags.sql');
    p.remove('migrations/001_dollar_end.sql');
    const fromHistory = await p.cli(['--down', '--steps', '2']);
    assert.equal(fromHistory.code, 0, fromHistory.stdout + fromHistory.stderr);
    assert.deepEqual(await tables(p), ['database_migrations', 'database_migrations_log', 'database_migrations_seeds']);
    const after = await p.query<{ action: string; version: string; n: string }>(
      `SELECT action, version, count(*) AS n FROM database_migrations_log WHERE success AND action <> 'slow' GROUP BY 1, 2 ORDER BY 1, 2`);
    assert.deepEqual(after.map((l) => `${l.action} ${l.version} ${l.n}`),
      ['down 001 1', 'down 002 1', 'down 003 1', 'down 004 1', 'up 001 1', 'up 002 1', 'up 003 1', 'up 004 1']);
  } finally {
    await p.cleanup();
  }
}

describe('history values survive any file content (quoting)', function () {
  this.timeout(60000);

  it('postgres: one query per migration — up, history, log, down from files and from the stored down SQL', async () => {
    await upDownCycle('postgres', {}, []);
  });
  it('postgres: statement by statement ("slowStatementMs": 0)', async () => {
    await upDownCycle('postgres', { slowStatementMs: 0 }, []);
  });
  it('postgres: --single-transaction', async () => {
    await upDownCycle('postgres', {}, ['--single-transaction']);
  });
  it('pglite: one query per migration', async () => {
    await upDownCycle('pglite', {}, []);
  });

  it('postgres: the recorded row holds any text exactly, quotes and tags included (names, user, environment too)', async () => {
    const p = await makeProject('postgres', {});
    try {
      await p.withSession(async (s) => {
        const store = new HistoryStore({ schema: 'public', table: 'database_migrations' });
        await store.ensure(s);
        // One tag serves the whole process (dollarTag): values that hold it, end in it or close it get others.
        const tag = dollarTag('');
        const nasty = ["o'brien", "x$dm", '$dm$', '$$', 'a\\', "\\'", '$dm_', `${ODD}$dm`, '"', "'; DROP TABLE x; --",
          `$${tag}$`, `x$${tag}`, `$${tag}$'); DROP TABLE x; --`, `${tag}$`, `$${tag}$$${dollarTag(`$${tag}`)}$`];
        const alphabet = fc.constantFrom('$', 'd', 'm', '_', "'", '\\', '"', 'a', ';', '-', '\n', '0', 'é', '🚀');
        const values = [...nasty, ...fc.sample(fc.array(alphabet, { maxLength: 12 }).map((a) => a.join('')), 300)];
        for (let i = 0; i < values.length; i += 50) {
          const chunk = values.slice(i, i + 50);
          // Each value both before and after a migration's statements (which here end in an open-looking "$dm").
          const sql = chunk.map((v, k) => {
            const r = store.batchRecordSql({ version: `${i + k}`, name: v, checksum: v, downSql: v, status: 'applied',
              transactional: true, appliedBy: v, durationMs: null, environment: v, batch: 1 }, 'up', { commit: false });
            return `${r.before}SELECT 1 AS "$dm";\n${r.after}`;
          }).join('\n');
          await s.exec(`BEGIN;\n${sql}\nCOMMIT`);
          const rows = (await s.query<{ version: string; name: string; checksum: string; down_sql: string; applied_by: string; environment: string }>(
            `SELECT version, name, checksum, down_sql, applied_by, environment FROM database_migrations WHERE version::int >= $1 AND version::int < $2 ORDER BY version::int`,
            [i, i + chunk.length])).rows;
          assert.deepEqual(rows.map((r) => [r.name, r.checksum, r.down_sql, r.applied_by, r.environment]), chunk.map((v) => [v, v, v, v, v]));
          const log = (await s.query<{ name: string; environment: string; performed_by: string }>(
            `SELECT name, environment, performed_by FROM database_migrations_log WHERE version::int >= $1 AND version::int < $2 ORDER BY version::int`, [i, i + chunk.length])).rows;
          assert.deepEqual(log.map((r) => [r.name, r.environment, r.performed_by]), chunk.map((v) => [v, v, v]));
        }
        // The literal itself, on its own: every value comes back as it went in.
        const r = (await s.query<{ v: string }>(`SELECT unnest(ARRAY[${values.map(literal).join(', ')}]::text[]) AS v`)).rows;
        assert.deepEqual(r.map((x) => x.v), values);
      });
    } finally {
      await p.cleanup();
    }
  });

  for (const backend of ['postgres'] as const) {
    it(`${backend}: the catalog snapshot leaves out history tables of any name, whatever standard_conforming_strings says`, async () => {
      const p = await makeProject(backend, {});
      try {
        const odd = "hist'ory\\";
        await p.withSession(async (s) => {
          await s.exec(`CREATE TABLE ${'"' + odd.replace(/"/g, '""') + '"'} (id int); CREATE TABLE kept (id int)`);
          for (const scs of ['on', 'off']) {
            await s.exec(`SET standard_conforming_strings = ${scs}`);
            const snap = await snapshotCatalog(s, [odd]);
            assert.ok(snap.has('table public.kept'), `scs ${scs}: other tables are in the snapshot`);
            assert.deepEqual([...snap.keys()].filter((k) => k.includes('hist')), [], `scs ${scs}: the excluded table and its columns are left out`);
          }
          await s.exec('RESET standard_conforming_strings');
        });
      } finally {
        await p.cleanup();
      }
    });
  }
});
