/**
 * Secrets: a sequence of every kind of command, with backups on, against a
 * database whose URL has a password. After each command: the password is in no
 * output; at the end: not in the history tables, the log or the backup
 * manifests, and every backup file is mode 0600. (Every other part of the suite
 * runs the same output check on each command and the stored check per trial.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { migration, type Backend } from '../integration/harness';
import { assertNothingStored, reliableProject, report, walk } from './common';

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
      const fs = await import('node:fs');
      const path = await import('node:path');
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
