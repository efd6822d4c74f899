/**
 * Secrets: a sequence of every kind of command, with backups on, against a
 * database whose URL has a password. After each command: the password is in no
 * output; at the end: not in the history tables, the log or the backup
 * manifests, and every backup file is mode 0600. (Every other part of the suite
 * runs the same output check on each command and the stored check per trial.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { adminQuery, makeProject, migration, postgresServer, withDatabase, type Backend } from '../integration/harness';
import { assertCleanOutput, assertNothingStored, HISTORY_TABLES, reliableProject, report, walk, type ReliableProject } from './common';

function pgDumpMatches(serverMajor: number): boolean {
  try {
    const v = execFileSync('pg_dump', ['--version'], { encoding: 'utf8' });
    return Number(/(\d+)\./.exec(v)?.[1]) >= serverMajor;
  } catch {
    return false;
  }
}

export async function secretsSequence(backend: Backend): Promise<void> {
  const p = await reliableProject(backend, {
    'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text);', 'DROP TABLE agencies;'),
    'migrations/002_bad.sql': migration('CREATE TABLE x (id int);\nSELECT * FROM no_such_table;', 'DROP TABLE x;'),
    'seeds/001_agencies.sql': "INSERT INTO agencies VALUES (1, 'NASA') ON CONFLICT DO NOTHING;",
  });
  try {
    let backups = true;
    if (backend === 'postgres') {
      const v = await p.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
      backups = pgDumpMatches(Math.floor(Number(v[0]!.v) / 10000));
    }
    if (backups) {
      const file = path.join(p.dir, 'database-migration.config.json');
      const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
      cfg.environments.test.backups = { enabled: true, keep: 5 };
      fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
    }
    const commands: [string[], number][] = [
      [['--status'], 0], [['--up', '--to', '001'], 0], [['--up'], 1], [['--status', '--json'], 0], [['--history'], 0], [['--history', '--json'], 0],
      [['--seed'], 0], [['--up', '--dry-run', '--to', '001'], 0], [['--down'], 0], [['--up', '--json', '--to', '001'], 0], [['--backup'], backups ? 0 : 7],
      [['--backups', '--json'], 0], [['--verify'], 1], [['--status', '--graph'], 0], [['--mark-applied', '001'], 2], [['--lint'], 0], [['--up', '--env', 'nope'], 2],
    ];
    for (const [args, code] of commands) {
      const r = await p.run(args);
      assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    }
    await assertNothingStored(p);
    const files = walk(`${p.dir}/.migrations/backups`);
    if (backups) assert.ok(files.some((f) => !f.endsWith('.json')), 'backups were taken');
    report(`secrets on ${backend}: ${commands.length} commands, ${files.length} backup files checked (backups ${backups ? 'on' : 'off: no pg_dump for this server'})`);
  } finally {
    await p.cleanup();
  }
}

/**
 * The config file itself carries passwords: a PGlite project (where the database needs none, so the
 * sequence above cannot fail) whose config also names environments on PostgreSQL with a password in
 * the URL — in the user-info part and as a "password=" parameter — and one that cannot connect. Commands
 * run on all of them; the passwords must be in no output, no history, log or seeds row (PGlite's and the
 * server's), and no file the tool wrote (backups, manifests). The config file holding them is checked
 * first, so the test cannot pass by having no password to leak.
 */
export async function secretsInConfigSequence(): Promise<void> {
  const p = await makeProject('pglite', {
    'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text);', 'DROP TABLE agencies;'),
    'migrations/002_bad.sql': migration('CREATE TABLE x (id int);\nSELECT * FROM no_such_table;', 'DROP TABLE x;'),
    'seeds/001_agencies.sql': "INSERT INTO agencies VALUES (1, 'NASA') ON CONFLICT DO NOTHING;",
  }) as ReliableProject;
  const server = await postgresServer();
  const db = `dm_secrets_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE DATABASE ${db}`);
  try {
    // A trust-auth server ignores the password, so a canary does; a password-auth one needs its real password.
    const admin = new URL(server.adminUrl);
    const password = admin.password ? decodeURIComponent(admin.password) : `canary-cfg-${Math.random().toString(36).slice(2, 10)}`;
    const remote = new URL(withDatabase(server.adminUrl, db));
    remote.password = encodeURIComponent(password);
    const asParam = new URL(withDatabase(server.adminUrl, db));
    asParam.password = '';
    asParam.searchParams.set('password', password);
    const refused = new URL(remote.toString());
    refused.port = '1'; // nothing listens there: a connection error that must not echo the URL
    const v = await adminQuery(`SELECT current_setting('server_version_num') AS v`);
    const remoteBackups = pgDumpMatches(Math.floor(Number(v.rows[0].v) / 10000));
    const file = path.join(p.dir, 'database-migration.config.json');
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    cfg.environments.test.backups = { enabled: true, keep: 5 };
    cfg.environments.remote = { url: remote.toString(), backups: { enabled: remoteBackups, keep: 5 } };
    cfg.environments.remote_param = { url: asParam.toString(), backups: { enabled: false } };
    cfg.environments.refused = { url: refused.toString(), pool: { connectionTimeoutMillis: 2000 } };
    fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
    assert.ok(fs.readFileSync(file, 'utf8').includes(password), 'the config file carries the password (else this test proves nothing)');
    p.secrets = [password, encodeURIComponent(password)];
    p.run = async (args, extraEnv) => {
      const r = await p.spawnCli(args, extraEnv);
      assertCleanOutput(r, p.secrets, args);
      return r;
    };

    const onRemote: [string[], number][] = [
      [['--status'], 0], [['--up', '--to', '001'], 0], [['--up'], 1], [['--status', '--json'], 0], [['--history'], 0], [['--history', '--json'], 0],
      [['--seed'], 0], [['--backup'], remoteBackups ? 0 : 7], [['--backups', '--json'], 0], [['--backups'], 0], [['--down'], 0], [['--up', '--json', '--to', '001'], 0],
      [['--verify'], 1], [['--status', '--graph'], 0], [['--up', '--dry-run', '--to', '001'], 0],
    ];
    const commands: [string[], number][] = [
      [['--status'], 0], [['--up', '--to', '001'], 0], [['--status', '--json'], 0], [['--history', '--json'], 0], [['--backup'], 0], [['--backups', '--json'], 0],
      ...onRemote.map(([args, code]): [string[], number] => [[...args, '--env', 'remote'], code]),
      [['--status', '--json', '--env', 'remote_param'], 0], [['--history', '--env', 'remote_param'], 0],
      [['--status', '--env', 'refused'], 5], [['--up', '--json', '--env', 'refused'], 5], [['--backup', '--env', 'refused'], 5],
      [['--status', '--env', 'nope'], 2], [['--lint'], 0],
    ];
    for (const [args, code] of commands) {
      const r = await p.run(args);
      assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    }
    // Stored on PGlite (the project's own database) and on the server the URL with the password points at.
    await assertNothingStored(p);
    const client = new pg.Client({ connectionString: remote.toString() });
    await client.connect();
    try {
      for (const t of HISTORY_TABLES) {
        const rows = (await client.query(`SELECT row_to_json(x)::text AS j FROM ${t} x`)).rows as { j: string }[];
        assert.ok(rows.length > 0 || t.endsWith('_seeds'), `${t} on the server has rows to check`);
        for (const r of rows) for (const s of p.secrets) assert.ok(!r.j.includes(s), `password stored in ${t} on the server: ${r.j}`);
      }
    } finally {
      await client.end();
    }
    // Every file the tool wrote: backups of both databases (dumps too), manifests, locks.
    const written = walk(path.join(p.dir, '.migrations')).filter((f) => !f.includes(`${path.sep}pglite${path.sep}test${path.sep}`));
    for (const f of written) {
      const bytes = fs.readFileSync(f);
      for (const s of p.secrets) assert.equal(bytes.includes(s), false, `password in ${path.relative(p.dir, f)}`);
    }
    const remoteDumps = walk(path.join(p.dir, '.migrations', 'backups', 'remote')).filter((f) => f.endsWith('.dump'));
    if (remoteBackups) assert.ok(remoteDumps.length > 0, 'the server database was backed up');
    report(`secrets in the config file: ${commands.length} commands on PGlite and PostgreSQL environments, ${written.length} files checked`
      + ` (server backups ${remoteBackups ? 'on' : 'off: no pg_dump for this server'})`);
  } finally {
    await p.cleanup();
    await adminQuery(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
  }
}
