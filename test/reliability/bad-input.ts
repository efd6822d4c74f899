/**
 * The bad-input corpus: broken migration files and configs. Each must give a clear
 * message with its documented exit code, never a stack trace or "internal error",
 * and leave the database exactly as it was (catalog, history and log).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotCatalog } from '../../src/core/catalog';
import { execFileSync, spawn } from 'node:child_process';
import { adminQuery, CLI, embeddedServer, migration, withDatabase, type Backend } from '../integration/harness';
import { assertCleanOutput, assertNothingStored, catalogDiff, inspect, reliableProject, report, type ReliableProject } from './common';

const BASE = { 'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text);', 'DROP TABLE agencies;') };

export interface BadInputCase {
  name: string;
  /** Writes the bad input into the project (after 001 was applied). */
  setup(p: ReliableProject): void | Promise<void>;
  args: string[] | ((p: ReliableProject) => Promise<string[]>);
  code: number;
  message: RegExp;
  /** Valid input (CRLF, BOM): it must apply, and --status must be clean afterwards. */
  applies?: boolean;
  /** Runs the CLI as this uid/gid (for "unreadable": root reads any file). */
  asNobody?: boolean;
  /** Needs a real PostgreSQL server (roles and privileges). */
  postgresOnly?: boolean;
  /** Undoes what setup made outside the project (a role), after the project's database is gone. */
  cleanup?(): Promise<void>;
}

const NOBODY = 65534;

export function badInputCorpus(options: { bigFileBytes: number; statements: number }): BadInputCase[] {
  const w = (name: string, text: string | Buffer) => (p: ReliableProject) => {
    fs.writeFileSync(path.join(p.dir, 'migrations', name), text);
  };
  const bigLiteral = 'x'.repeat(options.bigFileBytes);
  const manyStatements = Array.from({ length: options.statements - 1 }, (_, i) => `INSERT INTO agencies VALUES (${i + 1000}, 'agency ${i}');`);
  return [
    { name: 'no markers', setup: w('002_no_markers.sql', 'ALTER TABLE agencies ADD COLUMN country text;\n'), args: ['--up'], code: 2,
      message: /002_no_markers\.sql:1: no "-- Up migration" marker found\n {2}fix: add a line "-- Up migration"/ },
    { name: 'up marker twice', setup: w('002_twice.sql', '-- Up migration\nSELECT 1;\n-- Up migration\nSELECT 2;\n'), args: ['--up'], code: 2,
      message: /002_twice\.sql:3: second "-- Up migration" marker \(the first is on line 1\)/ },
    { name: 'down marker before up', setup: w('002_order.sql', '-- Down migration\nDROP TABLE x;\n-- Up migration\nCREATE TABLE x ();\n'), args: ['--up'], code: 2,
      message: /002_order\.sql:1: "-- Down migration" appears before any "-- Up migration" marker/ },
    { name: 'non-UTF-8 bytes', setup: w('002_latin1.sql', Buffer.concat([Buffer.from("-- Up migration\nINSERT INTO agencies VALUES (2, 'Agence spatiale europ"), Buffer.from([0xe9]), Buffer.from("enne');\n")])),
      args: ['--up'], code: 2, message: /002_latin1\.sql:2: .*not valid UTF-8/ },
    { name: 'NUL byte', setup: w('002_nul.sql', '-- Up migration\nCREATE TABLE n1 (id int);\u0000CREATE TABLE n2 (id int);\n'), args: ['--up'], code: 2,
      message: /002_nul\.sql:2: .*NUL/ },
    { name: `${(options.bigFileBytes / 1e6).toFixed(0)} MB file ending in a syntax error`,
      setup: w('002_big.sql', `-- Up migration\nCREATE TABLE blobs (body text);\nINSERT INTO blobs VALUES ('${bigLiteral}');\nSELEC 1;\n\n-- Down migration\nDROP TABLE blobs;\n`),
      args: ['--up'], code: 2, message: /002_big\.sql:4:1: syntax error in 002_big \(up section\): syntax error at or near "SELEC"; nothing was run/ },
    { name: `${options.statements} statements, the last one broken`,
      setup: w('002_many.sql', `-- Up migration\n${manyStatements.join('\n')}\nINSERT INTO agencies VALUES (1000, 'duplicate key');\n`), args: ['--up'], code: 1,
      message: new RegExp(`002_many\\.sql:${options.statements + 1}(:\\d+)?: 002_many failed \\(up\\): duplicate key value`) },
    { name: 'deeply nested parentheses', setup: w('002_deep.sql', `-- Up migration\nSELECT ${'('.repeat(20000)}1${')'.repeat(20000)};\n`), args: ['--up'], code: 2,
      message: /002_deep\.sql:2(:\d+)?: syntax error in 002_deep \(up section\): (memory exhausted|stack depth limit exceeded)/ },
    { name: 'deeply nested parentheses (lint)', setup: w('002_deep.sql', `-- Up migration\nSELECT ${'('.repeat(20000)}1${')'.repeat(20000)};\n`), args: ['--lint'], code: 6,
      message: /002_deep\.sql:2:\d+: error: memory exhausted/ },
    { name: 'unterminated dollar quote', setup: w('002_dollar.sql', '-- Up migration\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1;\n'), args: ['--up'], code: 2,
      message: /002_dollar\.sql:2:\d+: syntax error in 002_dollar \(up section\): unterminated dollar-quoted string/ },
    { name: 'CRLF line endings (valid)', setup: w('002_crlf.sql', '-- Up migration\r\nCREATE TABLE crlf (id int);\r\n\r\n-- Down migration\r\nDROP TABLE crlf;\r\n'), args: ['--up'], code: 0,
      message: /002_crlf/, applies: true },
    { name: 'byte-order mark (valid)', setup: w('002_bom.sql', '\ufeff-- Up migration\nCREATE TABLE bom (id int);\n\n-- Down migration\nDROP TABLE bom;\n'), args: ['--up'], code: 0,
      message: /002_bom/, applies: true },
    { name: 'empty file', setup: w('002_empty.sql', ''), args: ['--up'], code: 2, message: /002_empty\.sql:1: no "-- Up migration" marker found/ },
    { name: 'symlink loop', setup: (p) => fs.symlinkSync('002_loop.sql', path.join(p.dir, 'migrations', '002_loop.sql')), args: ['--up'], code: 2,
      message: /002_loop\.sql: .*(symbolic link|cannot be read)/ },
    { name: 'unreadable file (run as nobody, since root reads mode 000 files)', asNobody: true,
      setup: (p) => { w('002_secret.sql', '-- Up migration\nCREATE TABLE s (id int);\n')(p); fs.chmodSync(path.join(p.dir, 'migrations', '002_secret.sql'), 0o000); },
      args: ['--up'], code: 2, message: /002_secret\.sql: .*cannot be read.*permission denied/i },
    { name: 'duplicate versions', setup: w('1_again.sql', '-- Up migration\nSELECT 1;\n'), args: ['--up'], code: 2,
      message: /version 0*1 is used by two files: migrations\/(001_create_agencies|1_again)\.sql and migrations\/(001_create_agencies|1_again)\.sql/ },
    { name: 'unknown directive value', setup: w('002_directive.sql', '-- transaction: maybe\n-- Up migration\nSELECT 1;\n'), args: ['--up'], code: 2,
      message: /002_directive\.sql:1: "-- transaction: maybe" is not understood/ },
    { name: 'misspelled directive', setup: w('002_env.sql', '-- environment: production\n-- Up migration\nCREATE TABLE prod_only (id int);\n'), args: ['--up'], code: 2,
      message: /002_env\.sql:1: .*"-- environment:".*environments/ },
    { name: 'config with wrong types', setup: (p) => rewriteConfig(p, (c) => { c['lockWaitMs'] = 'soon'; (c['environments'] as Record<string, Record<string, unknown>>)['test']!['protected'] = 'yes'; }),
      args: ['--up'], code: 2, message: /"lockWaitMs" must be an integer|"environments\.test\.protected" must be/ },
    { name: 'config that is not JSON', setup: (p) => fs.appendFileSync(path.join(p.dir, 'database-migration.config.json'), ',,'), args: ['--up'], code: 2,
      message: /config is not valid JSON/ },
    { name: 'unknown environment', setup: () => {}, args: ['--up', '--env', 'prodution'], code: 2, message: /unknown environment "prodution".*\n {2}fix: .*test/ },
    ...notAFileCases(),
    ...pathCases(),
    ...privilegeCases(),
    { name: 'URL with a bad password', setup: () => {}, code: 5, message: /authentication failed|password/i,
      args: async () => {
        const server = await embeddedServer();
        const u = new URL(withDatabase(server.adminUrl, 'postgres'));
        u.password = 'not-the-password';
        return ['--up', '--url', u.toString()];
      } },
  ];
}

/** Issue 12: entries named *.sql that are not files are refused by name, never skipped, never opened (a FIFO would block). */
function notAFileCases(): BadInputCase[] {
  const at = (p: ReliableProject, ...rel: string[]) => path.join(p.dir, ...rel);
  return [
    { name: 'a directory named 002_x.sql', setup: (p) => fs.mkdirSync(at(p, 'migrations', '002_dir.sql')), args: ['--up'], code: 2,
      message: /migrations\/002_dir\.sql: is a directory, not a migration file\n {2}fix: move it out of the migrations directory/ },
    { name: 'a FIFO named 002_x.sql (must not hang)', setup: (p) => { execFileSync('mkfifo', [at(p, 'migrations', '002_fifo.sql')]); }, args: ['--up'], code: 2,
      message: /migrations\/002_fifo\.sql: is a FIFO \(named pipe\), not a migration file/ },
    { name: 'a symlink to a directory named 002_x.sql', setup: (p) => fs.symlinkSync(p.dir, at(p, 'migrations', '002_link.sql')), args: ['--up'], code: 2,
      message: /migrations\/002_link\.sql: is a symbolic link to a directory, not a migration file/ },
    { name: 'a directory named 001_x.sql in seeds/', setup: (p) => fs.mkdirSync(at(p, 'seeds', '001_planets.sql'), { recursive: true }), args: ['--seed'], code: 2,
      message: /seeds\/001_planets\.sql: is a directory, not a seed file/ },
  ];
}

/** Issue 12: config values and paths that used to end in a stack trace. */
function pathCases(): BadInputCase[] {
  const migrations = (p: ReliableProject) => path.join(p.dir, 'migrations');
  return [
    { name: 'history schema pg_temp', setup: (p) => rewriteConfig(p, (c) => { c['history'] = { schema: 'pg_temp' }; }), args: ['--up'], code: 2,
      message: /database-migration\.config\.json:\d+: "history\.schema" is a system schema \("pg_temp"\)/ },
    { name: 'unreadable migrations directory (run as nobody)', asNobody: true, setup: (p) => fs.chmodSync(migrations(p), 0o000), args: ['--up'], code: 2,
      message: /migrations: the migrations directory cannot be read \(EACCES: permission denied\)/ },
    { name: 'unreadable config file (run as nobody)', asNobody: true, setup: (p) => fs.chmodSync(path.join(p.dir, 'database-migration.config.json'), 0o600),
      args: ['--status'], code: 2, message: /database-migration\.config\.json: the config file cannot be read \(EACCES: permission denied\)/ },
    { name: '--create with a 300-character name', setup: () => {}, args: ['a'.repeat(300), '--create'], code: 2,
      message: /the migration name is too long: .* would be 308 bytes, and file names are limited to 255 bytes\n {2}fix: use a shorter name: at most 247 bytes/ },
    { name: '--create into a read-only migrations directory (run as nobody)', asNobody: true, setup: (p) => fs.chmodSync(migrations(p), 0o555),
      args: ['create_rovers', '--create'], code: 2,
      message: /migrations: the migrations directory is not writable, so the new migration cannot be created \(EACCES: permission denied\)\n {2}fix: give the user .* write permission on \S*migrations/ },
    { name: '--create with a file in place of the migrations directory',
      setup: (p) => { fs.renameSync(migrations(p), `${migrations(p)}.moved`); fs.writeFileSync(migrations(p), 'not a directory'); },
      args: ['create_rovers', '--create'], code: 2, message: /migrations: the migrations directory is a file, not a directory/ },
  ];
}

/**
 * Issue 12: a LOGIN role that neither owns the database nor may create in "public" (the PostgreSQL 15 default)
 * runs --up against a history table that does not exist yet: refused up front, naming schema, role and GRANT.
 */
function privilegeCases(): BadInputCase[] {
  const make = (name: string, history: Record<string, string>, code: number, message: (role: string) => RegExp): BadInputCase => {
    let role = '';
    const password = `role-pw-${Math.random().toString(36).slice(2, 10)}`;
    return {
      name, postgresOnly: true, code,
      get message() { return message(role); },
      setup: async (p) => {
        role = `dm_role_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
        // Servers before 15 let everyone create in "public": take that away as 15 does.
        await adminQuery('REVOKE CREATE ON SCHEMA public FROM PUBLIC', p.url!);
        p.secrets.push(password);
        rewriteConfig(p, (c) => { c['history'] = history; });
      },
      args: async (p) => {
        const u = new URL(p.url!);
        u.username = role;
        u.password = password;
        return ['--up', '--url', u.toString()];
      },
      cleanup: async () => { if (role) await adminQuery(`DROP ROLE IF EXISTS ${role}`); },
    };
  };
  return [
    make('role without CREATE on schema public, new history table', { table: 'role_history' }, 2,
      (role) => new RegExp(`role "${role}" may not create the history tables in schema "public" .*\n {2}fix: as the schema owner run GRANT CREATE ON SCHEMA public TO ${role}; or set "history\.schema"`)),
    make('role without CREATE on the database, history schema missing', { schema: 'audit_history' }, 2,
      (role) => new RegExp(`history schema "audit_history" does not exist, and role "${role}" may not create it .*\n {2}fix: .*CREATE SCHEMA audit_history AUTHORIZATION ${role}`)),
  ];
}

function rewriteConfig(p: ReliableProject, edit: (c: Record<string, unknown>) => void): void {
  const file = path.join(p.dir, 'database-migration.config.json');
  const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(c);
  fs.writeFileSync(file, JSON.stringify(c, null, 2));
}

/** Everything in the database a command could change: the full catalog (history tables included), the history rows and the log (a failure's own log entry aside). */
async function fingerprint(p: ReliableProject): Promise<{ catalog: Map<string, string>; rows: string }> {
  const i = await inspect(p);
  try {
    const catalog = await snapshotCatalog(i.session);
    const rows = await i.query<{ j: string }>(`SELECT json_build_object(
      'history', (SELECT json_agg(h ORDER BY version) FROM database_migrations h),
      'log', (SELECT count(*) FROM database_migrations_log WHERE action <> 'failed'),
      'agencies', (SELECT count(*) FROM agencies))::text AS j`);
    return { catalog, rows: rows[0]!.j };
  } finally {
    await i.close();
  }
}

export async function runBadInput(backend: Backend, c: BadInputCase): Promise<{ code: number; firstLine: string }> {
  const p = await reliableProject(backend, BASE);
  try {
    const first = await p.run(['--up']);
    assert.equal(first.code, 0, first.stderr);
    const before = await fingerprint(p);
    if (c.postgresOnly && backend !== 'postgres') return { code: -1, firstLine: 'skipped: needs a PostgreSQL server (roles)' };
    await c.setup(p);
    const args = typeof c.args === 'function' ? await c.args(p) : c.args;
    let r;
    if (c.asNobody) {
      if (backend === 'pglite') return { code: -1, firstLine: 'skipped: the PGlite data directory is root\'s' };
      if (process.getuid?.() !== 0) return { code: -1, firstLine: 'skipped: running the CLI as nobody needs root' };
      r = await spawnAs(p, args, NOBODY);
      assertCleanOutput(r, p.secrets, args);
    } else {
      r = await p.run(args);
    }
    const all = `${r.stdout}${r.stderr}`;
    if (args.includes('--url')) assert.ok(!all.includes('not-the-password'), `bad password printed:\n${all}`);
    assert.equal(r.code, c.code, `${c.name} on ${backend}: exit ${r.code}, expected ${c.code}:\n${all}`);
    assert.match(all, c.message, `${c.name} on ${backend}: message`);
    if (c.code !== 0 && c.code !== 6) assert.match(r.stderr, /\n {2}fix: \S/, `${c.name}: the error has a fix line:\n${r.stderr}`);
    if (c.applies) {
      const st = await p.run(['--status']);
      assert.equal(st.code, 0, `${c.name}: --status after applying it:\n${st.stdout}${st.stderr}`);
    } else {
      const after = await fingerprint(p);
      assert.equal(catalogDiff(before.catalog, after.catalog), '', `${c.name} on ${backend}: the catalog changed`);
      assert.equal(after.rows, before.rows, `${c.name} on ${backend}: history, log or data changed`);
    }
    await assertNothingStored(p);
    return { code: r.code, firstLine: (r.stderr || r.stdout).trim().split('\n')[0]!.slice(0, 160) };
  } finally {
    const dir = path.join(p.dir, 'migrations');
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) {
      fs.chmodSync(dir, 0o755);
      for (const f of fs.readdirSync(dir)) {
        try { fs.chmodSync(path.join(dir, f), 0o644); } catch { /* symlink loop */ }
      }
    }
    await p.cleanup();
    await c.cleanup?.();
  }
}

async function spawnAs(p: ReliableProject, args: string[], uid: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: p.dir, uid, gid: uid, env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '', HOME: '/tmp' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function badInputSuite(backend: Backend, cases: BadInputCase[]): Promise<void> {
  for (const c of cases) {
    const r = await runBadInput(backend, c);
    report(`bad input on ${backend}: ${c.name} -> exit ${r.code}: ${r.firstLine}`);
  }
}
