import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverMigrations } from '../../src/core/formats';
import { MigrationError } from '../../src/core/errors';
import { compareVersions } from '../../src/core/migration-file';
import type { StatusFile } from '../../src/core/migration-file';
import { normaliseVersion, type MigrationStatus } from '../../src/core/planner';
import { formatTimestamp, plainTable, statusRows } from '../../src/core/report/format';
import { listMigrationsForStatus, RACY_MS, statusCachePath } from '../../src/core/status-cache';

/** Issue 13: --status reads the migration files through .migrations/status-cache.json. */
describe('status cache (.migrations/status-cache.json)', () => {
  let dir: string;
  let migrations: string;
  const later = () => Date.now() + RACY_MS + 10_000; // a listing that begins long after the files were written
  const list = (now = later()) => listMigrationsForStatus(migrations, { displayRoot: dir, cacheRoot: dir, now });
  const cacheFile = () => statusCachePath(dir);
  type Cache = { tool: string; entries: Record<string, unknown[]> };
  const readCache = () => JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as Cache;
  const write = (name: string, up: string, header = '') => fs.writeFileSync(path.join(migrations, name), `${header}-- Up migration\n${up}\n-- Down migration\nSELECT 0;\n`);

  /** Replaces the checksum of every entry with "planted": seeing it proves the listing used the cache. */
  function plant(): void {
    const data = readCache();
    for (const e of Object.values(data.entries)) e[4] = 'planted';
    fs.writeFileSync(cacheFile(), JSON.stringify(data));
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-status-cache-'));
    migrations = path.join(dir, 'migrations');
    fs.mkdirSync(migrations);
    write('001_a.sql', 'CREATE TABLE a (id int);');
    write('002_b.sql', 'CREATE TABLE b (id int);', '-- depends: 001_a\n-- transaction: none\n-- environments: test, ci\n');
    write('010_c.sql', 'CREATE TABLE c (id int);');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What discoverMigrations reads, in the shape a status shows. */
  function expected(): unknown[] {
    return discoverMigrations(migrations, { displayRoot: dir }).map((m) => ({
      version: m.version, name: m.name, file: m.file, checksum: m.checksum, depends: m.depends, transactional: m.transactional, environments: m.environments,
    }));
  }

  it('gives what reading every file gives, cold and warm, and a warm listing opens no file', async () => {
    const cold = await list();
    assert.deepEqual(cold, expected());
    assert.deepEqual(Object.keys(readCache().entries).sort(), ['001_a.sql', '002_b.sql', '010_c.sql']);
    assert.deepEqual(await list(), cold);
    plant();
    assert.deepEqual((await list()).map((m) => m.checksum), ['planted', 'planted', 'planted']);
    // Without the cache every file is read.
    assert.deepEqual(await listMigrationsForStatus(migrations, { displayRoot: dir, cacheRoot: null }), cold);
  });

  it('an edited file is read again, even with the same size and the same mtime (its ctime changed)', async () => {
    const file = path.join(migrations, '002_b.sql');
    const t = Math.floor(Date.now() / 1000) - 3600; // whole seconds: utimes sets them exactly
    fs.utimesSync(file, t, t);
    await list();
    plant();
    const before = fs.statSync(file);
    // The kernel stamps ctime from a clock that ticks every few milliseconds: let one tick pass (a real listing
    // does not record a file changed within RACY_MS, so an edit always lands on a later tick than the entry's).
    await new Promise((resolve) => setTimeout(resolve, 30));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('TABLE b', 'TABLE x'));
    fs.utimesSync(file, t, t);
    const after = fs.statSync(file);
    assert.equal(after.size, before.size);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.notEqual(after.ctimeMs, before.ctimeMs);
    const got = await list();
    const fresh = (expected()[1] as { checksum: string }).checksum;
    assert.deepEqual(got.map((m) => m.checksum), ['planted', fresh, 'planted']);
    assert.match(fs.readFileSync(file, 'utf8'), /TABLE x/);
  });

  it('a renamed file is listed under its new name, and the old entry is dropped', async () => {
    await list();
    plant();
    fs.renameSync(path.join(migrations, '002_b.sql'), path.join(migrations, '003_b.sql'));
    const got = await list();
    assert.deepEqual(got.map((m) => `${m.version}_${m.name}`), ['001_a', '003_b', '010_c']);
    assert.equal(got[1]!.file, path.join('migrations', '003_b.sql'));
    assert.deepEqual(Object.keys(readCache().entries).sort(), ['001_a.sql', '003_b.sql', '010_c.sql']);
  });

  it('files changed within RACY_MS of the listing are read but not recorded', async () => {
    write('011_fresh.sql', 'SELECT 1;');
    const now = fs.statSync(path.join(migrations, '011_fresh.sql')).ctimeMs + 1;
    fs.utimesSync(path.join(migrations, '001_a.sql'), new Date(0), new Date(0)); // mtime far back, but ctime is now
    await list(now);
    assert.deepEqual(Object.keys(readCache().entries), [], 'every file was written just now');
    await list();
    assert.equal(Object.keys(readCache().entries).length, 4);
  });

  it('a corrupt, foreign or unwritable cache is ignored, never an error', async () => {
    const cold = await list();
    for (const bad of ['{"format": 1, "entries": [trunc', 'null', '[]', '{"format":1,"tool":1,"dir":2,"entries":{"001_a.sql":"x"}}']) {
      fs.writeFileSync(cacheFile(), bad);
      assert.deepEqual(await list(), cold, bad);
    }
    // Entries of the right shape but wrong types are not trusted.
    await list();
    const data = readCache();
    data.entries['001_a.sql'] = ['1', 2, 3, 4, 5, 6, 7, 8];
    fs.writeFileSync(cacheFile(), JSON.stringify(data));
    assert.deepEqual(await list(), cold);
    // Another version of the tool, or another migrations directory: nothing is used.
    await list();
    plant();
    const other = readCache();
    fs.writeFileSync(cacheFile(), JSON.stringify({ ...other, tool: `${other.tool}-older` }));
    assert.deepEqual(await list(), cold);
    plant();
    fs.writeFileSync(cacheFile(), JSON.stringify({ ...readCache(), dir: path.join(dir, 'elsewhere') }));
    assert.deepEqual(await list(), cold);
    // .migrations is a file: nothing can be written, the listing is the same.
    fs.rmSync(path.join(dir, '.migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.migrations'), 'not a directory');
    assert.deepEqual(await list(), cold);
  });

  it('refuses what discoverMigrations refuses, cached or not', async () => {
    await list();
    write('010_dup.sql', 'SELECT 1;');
    write('10_dup2.sql', 'SELECT 1;');
    const discovered = (() => { try { discoverMigrations(migrations, { displayRoot: dir }); } catch (e) { return (e as Error).message; } return null; })();
    assert.match(String(discovered), /version 0?10 is used by two files/);
    await assert.rejects(list(), (e: unknown) => e instanceof MigrationError && e.code === 'E_DUPLICATE_VERSION' && e.message === discovered);
    fs.rmSync(path.join(migrations, '10_dup2.sql'));
    fs.rmSync(path.join(migrations, '010_dup.sql'));
    fs.writeFileSync(path.join(migrations, '004_bad.sql'), 'SELECT 1;\n');
    await assert.rejects(list(), (e: unknown) => e instanceof MigrationError && e.code === 'E_MISSING_UP_MARKER');
    fs.rmSync(path.join(migrations, '004_bad.sql'));
    fs.mkdirSync(path.join(migrations, '005_dir.sql'));
    await assert.rejects(list(), (e: unknown) => e instanceof MigrationError && e.code === 'E_NOT_A_FILE');
  });

  it('plainTable lays out rows as before (two spaces between padded columns, the last unpadded, trailing blanks trimmed)', () => {
    const oldTable = (head: string[], rows: string[][]): string => {
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
      return [line(head), ...rows.map(line)].join('\n');
    };
    const head = ['version', 'name', 'state', 'applied at', 'duration'];
    const rows = [['001', 'a', 'applied', '2026-01-01 00:00:00', '3 ms'], ['0002', 'long_name_here', 'pending', '', ''], ['3', 'b', 'missing'], ['4', 'c', 'x', 'y', 'z', 'extra']];
    for (const r of [rows, [], rows.slice(1, 2)]) assert.equal(plainTable(head, r), oldTable(head, r));
    assert.equal(plainTable([], []), oldTable([], []));
  });

  it('statusRows formats each row\'s own applied-at time (rows in one second share the text)', () => {
    const times = [0, 400, 999, 1000, 1000, 61_000, 5, 86_400_000 * 180, 86_400_000 * 180 + 1].map((ms) => new Date(Date.UTC(2026, 0, 1) + ms));
    const statuses: MigrationStatus<StatusFile>[] = times.map((t, i) => ({ version: String(i), name: `m${i}`, state: 'applied' as const, outOfOrder: false, file: null,
      history: { version: String(i), name: `m${i}`, checksum: '', downSql: null, status: 'applied' as const, transactional: true, appliedAt: t, appliedBy: 'x', durationMs: i, environment: null, batch: 1 } }));
    statuses.push({ ...statuses[0]!, history: null });
    assert.deepEqual(statusRows(statuses).map((r) => r[3]), [...times.map((t) => formatTimestamp(t)), '']);
  });

  it('compareVersions and normaliseVersion agree with the regular-expression and BigInt forms they replace', () => {
    const oldCompare = (a: string, b: string): number => {
      const x = a.replace(/^0+(?=\d)/, '');
      const y = b.replace(/^0+(?=\d)/, '');
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      return x < y ? -1 : x > y ? 1 : 0;
    };
    const oldNormalise = (v: string): string => (/^\d+$/.test(v) ? BigInt(v).toString() : v);
    const alphabet = ['0', '0', '0', '1', '9', 'a', '_', 'é'];
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const word = () => Array.from({ length: rnd(6) }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let i = 0; i < 20000; i++) {
      const a = word();
      const b = word();
      assert.equal(compareVersions(a, b), oldCompare(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      assert.equal(normaliseVersion(a), oldNormalise(a), JSON.stringify(a));
    }
  });
});
