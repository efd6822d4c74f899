/**
 * Data safety of backups and restore (issue 12): retention never deletes the
 * backup being restored, a restore removes and brings back every kind of user
 * object, the audit log survives a restore, a backup killed mid-dump is never
 * listed, and no secret reaches a client program's command line.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, migration, missingClientTools, skipUnlessClientTools, type TestProject } from './harness';
import { catalogOf, OBJECT_KINDS, type Catalog } from './restore-catalog';

const THREE = {
  'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE agencies;'),
  'migrations/002_create_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id));', 'DROP TABLE missions;'),
  'migrations/003_add_launched.sql': migration('ALTER TABLE missions ADD COLUMN launched date;', 'ALTER TABLE missions DROP COLUMN launched;'),
};

function backupsOn(keep = 10): Record<string, unknown> {
  return { environments: { test: { backups: { enabled: true, keep } } } };
}

interface Listed { id: string; file: string; reason: string; sha256: string }

async function listBackups(p: TestProject): Promise<Listed[]> {
  const r = await p.cli(['--backups', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { backups: Listed[] }).backups;
}

function backupDir(p: TestProject): string {
  return path.join(p.dir, '.migrations', 'backups', 'test');
}

describe('restore and retention (postgres)', function () {
  this.timeout(120000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('restoring the oldest backup with keep=2 works, keeps the restored file and lists the pre-restore backup', async function () {
    p = await makeProject('postgres', THREE, backupsOn(2));
    await skipUnlessClientTools(this, p);
    assert.equal((await p.cli(['--up', '--to', '001', '--no-backup'])).code, 0);
    assert.equal((await p.cli(['--backup'])).code, 0);
    assert.equal((await p.cli(['--up', '--no-backup'])).code, 0);
    assert.equal((await p.cli(['--backup'])).code, 0);
    const [newest, oldest] = await listBackups(p);
    assert.ok(oldest && newest);
    const r = await p.cli(['--restore', oldest.id, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    const after = await listBackups(p);
    assert.ok(after.some((b) => b.id === oldest.id), 'the restored backup is not pruned by its own restore');
    assert.ok(fs.existsSync(path.join(backupDir(p), oldest.file)), 'the restored file is still there');
    const safety = after.find((b) => b.reason === 'pre-restore');
    assert.ok(safety, 'the pre-restore backup is listed');
    assert.equal(after[0]!.id, safety.id, 'the pre-restore backup is the newest');
    const st = JSON.parse((await p.cli(['--status', '--json'])).stdout) as { migrations: { state: string }[] };
    assert.deepEqual(st.migrations.map((m) => m.state), ['applied', 'pending', 'pending']);
    // The next backup applies retention again: the newest 2 stay.
    assert.equal((await p.cli(['--backup'])).code, 0);
    assert.equal((await listBackups(p)).length, 2);
  });
});

for (const backend of BACKENDS) {
  describe(`audit log across a restore on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('the audit log is append-only across a restore: the downs after the backup stay, then the restore row', async function () {
      p = await makeProject(backend, THREE, backupsOn());
      await skipUnlessClientTools(this, p);
      assert.equal((await p.cli(['--up', '--no-backup'])).code, 0);
      const b = await p.cli(['--backup', '--json']);
      assert.equal(b.code, 0, b.stderr);
      const id = (JSON.parse(b.stdout) as { backup: { id: string } }).backup.id;
      const applied = await p.query<{ version: string; checksum: string }>('SELECT version, checksum FROM database_migrations ORDER BY version');
      assert.equal((await p.cli(['--down', '--steps', '2', '--no-backup'])).code, 0);
      const r = await p.cli(['--restore', id, '--yes']);
      assert.equal(r.code, 0, r.stderr);

      const h = await p.cli(['--history', '--json']);
      assert.equal(h.code, 0, h.stderr);
      const log = (JSON.parse(h.stdout) as { log: { id: number; action: string; version: string | null; success: boolean; message: string | null }[] }).log.reverse();
      const actions = log.map((e) => `${e.action}${e.version ? ` ${e.version}` : ''}`);
      const at = log.findIndex((e) => e.action === 'backup' && e.message?.startsWith(`backup ${id} `));
      assert.ok(at >= 0, actions.join(', '));
      assert.deepEqual(actions.slice(at + 1), ['backup 003', 'down 003', 'down 002', 'backup 001', 'restore 003'],
        'the --no-backup note, both downs in order, the pre-restore backup, the restore row');
      assert.match(log.at(-1)!.message!, new RegExp(`restored backup ${id}`));
      assert.deepEqual(log.map((e) => e.id), [...log.map((e) => e.id)].sort((x, y) => x - y), 'ids stay increasing');
      assert.deepEqual(await p.query('SELECT version, checksum FROM database_migrations ORDER BY version'), applied, 'applied state is the backup\'s');
      // New rows keep counting after the carried ones.
      assert.equal((await p.cli(['--down', '--no-backup'])).code, 0);
      const last = await p.query<{ id: string; action: string }>('SELECT id, action FROM database_migrations_log ORDER BY id DESC LIMIT 1');
      assert.equal(last[0]!.action, 'down');
      assert.ok(Number(last[0]!.id) > log.at(-1)!.id);
    });
  });
}

describe('restore removes and brings back every kind of user object (postgres)', function () {
  this.timeout(120000);
  let p: TestProject;
  const snapshots: { backup?: Catalog; afterForward?: Catalog; full?: Catalog; afterReverse?: Catalog; afterSame?: Catalog } = {};
  const failures: string[] = [];
  let skipped: string | null = null;

  before(async function () {
    p = await makeProject('postgres', THREE, backupsOn(20));
    skipped = await missingClientTools(p);
    if (skipped) return;
    assert.equal((await p.cli(['--up', '--no-backup'])).code, 0);
    const b0 = JSON.parse((await p.cli(['--backup', '--json'])).stdout) as { backup: { id: string } };
    snapshots.backup = await catalogOf(p);
    for (const k of OBJECT_KINDS) await p.query(k.create);
    snapshots.full = await catalogOf(p);
    // Forward: everything created after the backup disappears.
    const forward = await p.cli(['--restore', b0.backup.id, '--yes']);
    if (forward.code !== 0) failures.push(`restore after creating: exit ${forward.code} ${forward.stderr}`);
    snapshots.afterForward = await catalogOf(p);
    if (forward.code !== 0) return;
    // Reverse: a backup holding every kind, each dropped afterwards, brings them all back.
    for (const k of OBJECT_KINDS) await p.query(k.create);
    const b1 = JSON.parse((await p.cli(['--backup', '--json'])).stdout) as { backup: { id: string } };
    for (const k of [...OBJECT_KINDS].reverse()) await p.query(k.drop);
    const reverse = await p.cli(['--restore', b1.backup.id, '--yes']);
    if (reverse.code !== 0) failures.push(`restore after dropping: exit ${reverse.code} ${reverse.stderr}`);
    snapshots.afterReverse = await catalogOf(p);
    if (reverse.code !== 0) return;
    // And over itself: every object exists both in the database and in the backup.
    const same = await p.cli(['--restore', b1.backup.id, '--yes']);
    if (same.code !== 0) failures.push(`restore over the same objects: exit ${same.code} ${same.stderr}`);
    snapshots.afterSame = await catalogOf(p);
  });

  after(async () => {
    // A database with a subscription cannot be dropped.
    await p?.query(`DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_subscription WHERE subname = 'dm_sub') THEN
      ALTER SUBSCRIPTION dm_sub DISABLE; ALTER SUBSCRIPTION dm_sub SET (slot_name = NONE); DROP SUBSCRIPTION dm_sub; END IF; END$$`).catch(() => {});
    await p?.cleanup();
  });

  it('every restore succeeded', function () {
    if (skipped) { this.test!.title += ` (skipped: ${skipped})`; this.skip(); }
    assert.deepEqual(failures, []);
    assert.ok(snapshots.afterSame, 'all three restores ran');
  });

  for (const k of OBJECT_KINDS) {
    it(`${k.kind}: gone after restoring a backup without it, back after restoring one with it`, function () {
      if (skipped) { this.test!.title += ` (skipped: ${skipped})`; this.skip(); }
      for (const key of k.check) {
        assert.notDeepEqual(snapshots.full![key], snapshots.backup![key], `${key}: creating ${k.kind} shows in the catalog`);
        assert.deepEqual(snapshots.afterForward![key], snapshots.backup![key], `${key} after restoring the backup taken before`);
        assert.deepEqual(snapshots.afterReverse![key], snapshots.full![key], `${key} after restoring the backup that has it`);
        assert.deepEqual(snapshots.afterSame![key], snapshots.full![key], `${key} after restoring it over itself`);
      }
    });
  }

  it('the whole catalog equals the backup\'s after each restore', function () {
    if (skipped) { this.test!.title += ` (skipped: ${skipped})`; this.skip(); }
    assert.deepEqual(snapshots.afterForward, snapshots.backup);
    assert.deepEqual(snapshots.afterReverse, snapshots.full);
    assert.deepEqual(snapshots.afterSame, snapshots.full);
  });
});
