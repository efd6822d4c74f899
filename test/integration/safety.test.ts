import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKENDS, makeProject, migration, missingClientTools, tables, type Backend, type TestProject } from './harness';

const NASA = {
  'migrations/001_create_space_objects.sql': migration(`
CREATE TYPE object_kind AS ENUM ('planet', 'dwarf_planet', 'moon', 'asteroid', 'comet');
CREATE TABLE space_objects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  nasa_id text NOT NULL UNIQUE,
  name text NOT NULL,
  kind object_kind NOT NULL,
  mass_kg double precision CHECK (mass_kg > 0),
  discovered date
);
CREATE INDEX space_objects_kind_idx ON space_objects (kind);
CREATE VIEW planets AS SELECT id, name FROM space_objects WHERE kind = 'planet';`,
  'DROP VIEW planets;\nDROP TABLE space_objects;\nDROP TYPE object_kind;'),
  'migrations/002_create_missions.sql': migration(`
CREATE TABLE missions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  target_id bigint REFERENCES space_objects (id),
  launched date
);
CREATE INDEX missions_target_idx ON missions (target_id);
CREATE FUNCTION mission_count(p_target bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM missions WHERE target_id = p_target $$;`,
  'DROP FUNCTION mission_count(bigint);\nDROP TABLE missions;'),
  'seeds/001_objects.sql': `INSERT INTO space_objects (nasa_id, name, kind, mass_kg, discovered) VALUES
  ('mars', 'Mars', 'planet', 6.417e23, NULL), ('ceres', 'Ceres', 'dwarf_planet', 9.38e20, '1801-01-01'), ('bennu', '101955 Bennu', 'asteroid', 7.329e10, '1999-09-11')
  ON CONFLICT (nasa_id) DO NOTHING;
INSERT INTO missions (name, target_id, launched) SELECT 'OSIRIS-REx', id, '2016-09-08' FROM space_objects WHERE nasa_id = 'bennu' ON CONFLICT (name) DO NOTHING;`,
};

const LATER = {
  'migrations/003_add_observations.sql': migration(`
CREATE TABLE observations (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, object_id bigint NOT NULL REFERENCES space_objects (id), seen_at timestamptz NOT NULL);
ALTER TABLE space_objects ADD COLUMN albedo real;
ALTER TYPE object_kind ADD VALUE 'star';`,
  'DROP TABLE observations;\nALTER TABLE space_objects DROP COLUMN albedo;'),
};

function withBackups(backend: Backend): Record<string, unknown> {
  void backend;
  return { environments: { test: { backups: { enabled: true, keep: 3 } } } };
}

/** Catalog and data fingerprint: every user object's definition plus an md5 of each table's rows. */
async function fingerprint(p: TestProject): Promise<{ objects: string[]; rows: Record<string, string> }> {
  const objects = (await p.query<{ o: string }>(`
    SELECT 'rel ' || c.relkind::text || ' ' || c.relname AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
    UNION ALL SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT 'idx ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'con ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT 'enum ' || e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'object_kind'
    UNION ALL SELECT 'fn ' || p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    ORDER BY 1`)).map((r) => r.o);
  const rows: Record<string, string> = {};
  for (const t of ['space_objects', 'missions', 'database_migrations']) {
    const cols = t === 'database_migrations' ? 'version, checksum' : '*';
    const r = await p.query<{ h: string }>(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM (SELECT ${cols} FROM ${t}) x`);
    rows[t] = r[0]!.h;
  }
  return { objects, rows };
}

for (const backend of BACKENDS) {
  describe(`backups and restore on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('backup → migrate and change data → restore gives back the same catalog and rows', async function () {
      p = await makeProject(backend, { ...NASA, ...LATER }, withBackups(backend));
      const unsupported = await missingClientTools(p, ['pg_dump', 'pg_restore']);
      if (unsupported) { this.test!.title += ` (skipped: ${unsupported})`; this.skip(); }

      assert.equal((await p.cli(['--up', '--to', '002', '--no-backup'])).code, 0);
      assert.equal((await p.cli(['--seed'])).code, 0);
      const before = await fingerprint(p);

      const up = await p.cli(['--up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /⛁ backup \S+_002 /, 'a backup is taken before migrating');
      await p.query(`UPDATE space_objects SET name = 'changed' WHERE nasa_id = 'mars'`);
      await p.query(`DELETE FROM missions`);
      assert.notDeepEqual(await fingerprint(p), before);

      const list = JSON.parse((await p.cli(['--backups', '--json'])).stdout) as { backups: { id: string; reason: string; versionBefore: string; versionAfter: string; sha256: string; sizeBytes: number; database: string }[] };
      assert.equal(list.backups.length, 1);
      const b = list.backups[0]!;
      assert.deepEqual([b.reason, b.versionBefore, b.versionAfter], ['up', '002', '003']);
      assert.match(b.sha256, /^[0-9a-f]{64}$/);
      const file = path.join(p.dir, '.migrations', 'backups', 'test', `${b.id}.dump`);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'backup files are private');
      assert.equal(fs.statSync(file).size, b.sizeBytes);
      assert.doesNotMatch(fs.readFileSync(path.join(p.dir, '.migrations', 'backups', 'test', 'manifest.json'), 'utf8'), /:[^:@/]+@/, 'no password in the manifest');

      const noConfirm = await p.cli(['--restore', 'latest']);
      assert.equal(noConfirm.code, 2, 'restore needs confirmation');
      assert.match(noConfirm.stderr, /needs confirmation/);

      const restored = await p.cli(['--restore', b.id, '--yes']);
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /Restored \S+ on test .*the state before was saved as \S+_003/);
      assert.deepEqual(await fingerprint(p), before, 'catalog and rows are exactly as at backup time');
      assert.ok(!(await tables(p)).includes('observations'), 'objects created after the backup are gone');
      const st = JSON.parse((await p.cli(['--status', '--json'])).stdout) as { migrations: { state: string }[] };
      assert.deepEqual(st.migrations.map((m) => m.state), ['applied', 'applied', 'pending']);
      const log = await p.query<{ action: string }>(`SELECT action FROM database_migrations_log ORDER BY id DESC LIMIT 1`);
      assert.equal(log[0]!.action, 'restore');
    });

    it('refuses to restore a backup whose sha256 does not match, and keeps the newest N', async function () {
      p = await makeProject(backend, NASA, withBackups(backend));
      const unsupported = await missingClientTools(p, ['pg_dump', 'pg_restore']);
      if (unsupported) { this.test!.title += ` (skipped: ${unsupported})`; this.skip(); }
      for (let i = 0; i < 4; i++) assert.equal((await p.cli(['--backup'])).code, 0);
      const list = JSON.parse((await p.cli(['--backups', '--json'])).stdout) as { backups: { id: string; file: string }[] };
      assert.equal(list.backups.length, 3, 'retention keeps the newest 3');
      assert.equal(fs.readdirSync(path.join(p.dir, '.migrations', 'backups', 'test')).filter((f) => f.endsWith('.dump')).length, 3);
      fs.appendFileSync(path.join(p.dir, '.migrations', 'backups', 'test', list.backups[0]!.file), 'tampered');
      const r = await p.cli(['--restore', 'latest', '--yes']);
      assert.equal(r.code, 7);
      assert.match(r.stderr, /backup \S+ is damaged: sha256 .* does not match/);
      const missing = await p.cli(['--restore', 'nope', '--yes']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no backup "nope"/);
    });

    it('--no-backup skips the backup and the log says so', async () => {
      p = await makeProject(backend, NASA, withBackups(backend));
      const r = await p.cli(['--up', '--no-backup']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /no backup taken \(--no-backup\)/);
      const log = await p.query<{ message: string }>(`SELECT message FROM database_migrations_log WHERE action = 'backup'`);
      assert.deepEqual(log.map((l) => l.message), ['skipped before --up: --no-backup']);
    });
  });

  describe(`dry run and verification on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('--up --dry-run reports time, rows and the locks each statement takes, and changes nothing', async () => {
      p = await makeProject(backend, {
        ...NASA,
        'migrations/003_add_albedo.sql': migration(
          "ALTER TABLE space_objects ADD COLUMN albedo real;\nUPDATE space_objects SET albedo = 0.25 WHERE kind = 'planet';",
          'ALTER TABLE space_objects DROP COLUMN albedo;'),
      });
      assert.equal((await p.cli(['--up', '--to', '002'])).code, 0);
      assert.equal((await p.cli(['--seed'])).code, 0);
      const r = await p.cli(['--up', '--dry-run']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Dry run on test .*: everything below was rolled back\./);
      assert.match(r.stdout, /↑ 003_add_albedo\n  line 2  [\d.]+ ms  0 rows  ALTER TABLE space_objects ADD COLUMN albedo real;\n      AccessExclusiveLock on space_objects\n/);
      assert.match(r.stdout, /line 3  [\d.]+ ms  1 row  UPDATE space_objects SET albedo = 0\.25/);
      const json = JSON.parse((await p.cli(['--up', '--dry-run', '--json'])).stdout) as { migrations: { statements: { locks: { mode: string; object: string }[] }[] }[] };
      assert.deepEqual(json.migrations[0]!.statements[0]!.locks[0], { mode: 'AccessExclusiveLock', object: 'space_objects' });
      const cols = await p.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'space_objects' AND column_name = 'albedo'`);
      assert.equal(cols.length, 0, 'the dry run was rolled back');
      const st = JSON.parse((await p.cli(['--status', '--json'])).stdout) as { migrations: { state: string }[] };
      assert.equal(st.migrations[2]!.state, 'pending');
    });

    it('--verify passes good migrations and names the index a down section forgets', async () => {
      p = await makeProject(backend, {
        ...NASA,
        'migrations/003_add_observations.sql': migration(
          'CREATE TABLE observations (id bigint PRIMARY KEY, object_id bigint NOT NULL);\nCREATE INDEX observations_object_idx ON space_objects (name);',
          'DROP TABLE observations;'),
      });
      const r = await p.cli(['--verify']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /✓ 001_create_space_objects: down undoes up/);
      assert.match(r.stdout, /✓ 002_create_missions: down undoes up/);
      assert.match(r.stdout, /✗ 003_add_observations\n      after down: index public\.observations_object_idx is still there \(CREATE INDEX observations_object_idx ON public\.space_objects USING btree \(name\)\)/);
      assert.deepEqual((await tables(p)).filter((t) => !t.startsWith('database_migrations')), [], 'verification changes nothing');

      const up = await p.cli(['--up', '--verify']);
      assert.equal(up.code, 1);
      assert.match(up.stderr, /rollback verification failed:\n  003_add_observations: after down, index public\.observations_object_idx is still there/);
      assert.deepEqual((await tables(p)).filter((t) => !t.startsWith('database_migrations')), [], '--up --verify applied nothing');

      const upTo2 = await p.cli(['--up', '--verify', '--to', '002']);
      assert.equal(upTo2.code, 0, upTo2.stderr);
      assert.ok((await tables(p)).includes('missions'));
    });
  });
}

describe('a failed backup stops the migration before anything runs (postgres)', function () {
  this.timeout(60000);
  let p: TestProject;
  afterEach(async () => { await p?.cleanup(); });

  it('exit 7, nothing applied, the failure logged', async () => {
    p = await makeProject('postgres', NASA);
    const bin = path.join(p.dir, 'fake-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'pg_dump'), '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.0"; exit 0; fi\necho "pg_dump: error: disk full" >&2\nexit 1\n', { mode: 0o755 });
    const cfg = JSON.parse(fs.readFileSync(path.join(p.dir, 'database-migration.config.json'), 'utf8'));
    cfg.environments.test.backups = { enabled: true, pgBinDir: bin };
    p.write('database-migration.config.json', JSON.stringify(cfg));
    const r = await p.cli(['--up']);
    assert.equal(r.code, 7);
    assert.match(r.stderr, /pg_dump failed \(exit 1\): pg_dump: error: disk full/);
    assert.match(r.stderr, /--no-backup/);
    assert.deepEqual((await tables(p)).filter((t) => !t.startsWith('database_migrations')), []);
    const log = await p.query<{ success: boolean; message: string }>(`SELECT success, message FROM database_migrations_log WHERE action = 'backup'`);
    assert.equal(log.length, 1);
    assert.equal(log[0]!.success, false);
    assert.match(log[0]!.message, /nothing was migrated/);
  });
});
