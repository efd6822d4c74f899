import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RACY_MS, statusCachePath } from '../../src/core/status-cache';
import { BACKENDS, makeProject, migration, type TestProject } from './harness';

interface StatusJson {
  drift: boolean;
  migrations: { version: string; name: string; state: string; checksum: string; appliedChecksum: string | null }[];
}

/** Issue 13: --status reads the files through .migrations/status-cache.json; drift is still found. */
for (const backend of BACKENDS) {
  describe(`--status with the status cache on ${backend}`, function () {
    this.timeout(120000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    const FILES = {
      'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;'),
      'migrations/002_create_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY);', 'DROP TABLE missions;'),
      'migrations/003_create_craft.sql': migration('CREATE TABLE craft (id bigint PRIMARY KEY);', 'DROP TABLE craft;'),
    };
    const states = (s: StatusJson) => s.migrations.map((m) => `${m.version}_${m.name} ${m.state}`);
    async function status(): Promise<{ code: number; json: StatusJson }> {
      const r = await p.cli(['--status', '--json']);
      return { code: r.code, json: JSON.parse(r.stdout) as StatusJson };
    }

    it('uses the cache, and still reports an edited (same size, same mtime), renamed or restored file', async () => {
      p = await makeProject(backend, FILES);
      assert.equal((await p.cli(['--up'])).code, 0);
      const file = path.join(p.dir, 'migrations', '002_create_missions.sql');
      const t = Math.floor(Date.now() / 1000) - 3600; // whole seconds: utimes sets them exactly
      fs.utimesSync(file, t, t);
      // Files changed within RACY_MS of a listing are not recorded: let them age.
      await new Promise((resolve) => setTimeout(resolve, RACY_MS + 300));
      const first = await status();
      assert.equal(first.code, 0);
      const cache = JSON.parse(fs.readFileSync(statusCachePath(p.dir), 'utf8')) as { entries: Record<string, unknown> };
      assert.deepEqual(Object.keys(cache.entries).sort(), ['001_create_agencies.sql', '002_create_missions.sql', '003_create_craft.sql']);
      const warm = await p.cli(['--status']);
      assert.equal(warm.code, 0, warm.stderr);
      assert.match(warm.stdout, /^002\s+create_missions\s+applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/m);
      assert.deepEqual((await status()).json, first.json);

      // Same size, mtime set back: the checksum changes, the status says modified, exit 4.
      const before = fs.statSync(file);
      const original = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, original.replace('missions (id', 'missions (ID'));
      fs.utimesSync(file, t, t);
      assert.equal(fs.statSync(file).size, before.size);
      assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);
      const edited = await status();
      assert.equal(edited.code, 4);
      assert.equal(edited.json.drift, true);
      assert.deepEqual(states(edited.json), ['001_create_agencies applied', '002_create_missions modified', '003_create_craft applied']);
      const text = await p.cli(['--status']);
      assert.equal(text.code, 4);
      assert.match(text.stdout, /drift detected/);

      // --no-cache neither reads nor writes the cache: with a planted checksum for 001 the cached status calls it
      // modified; --no-cache reads the file (applied) and leaves the planted cache as it was.
      const planted = JSON.parse(fs.readFileSync(statusCachePath(p.dir), 'utf8')) as { entries: Record<string, unknown[]> };
      planted.entries['001_create_agencies.sql']![4] = 'planted';
      fs.writeFileSync(statusCachePath(p.dir), JSON.stringify(planted));
      const plantedText = fs.readFileSync(statusCachePath(p.dir), 'utf8');
      assert.equal((await status()).json.migrations[0]!.state, 'modified', 'the cached status should believe the planted checksum');
      const bypass = await p.cli(['--status', '--json', '--no-cache']);
      assert.equal(bypass.code, 4, bypass.stderr);
      assert.deepEqual(states(JSON.parse(bypass.stdout) as StatusJson), ['001_create_agencies applied', '002_create_missions modified', '003_create_craft applied']);
      fs.writeFileSync(statusCachePath(p.dir), plantedText);
      await p.cli(['--status', '--no-cache']);
      assert.equal(fs.readFileSync(statusCachePath(p.dir), 'utf8'), plantedText, '--no-cache wrote the cache');
      fs.rmSync(statusCachePath(p.dir)); // the planted entry goes; the next --status lists afresh

      fs.writeFileSync(file, original);
      assert.deepEqual(await status(), first);

      // A renamed applied file: the old version is missing, the new one pending.
      fs.renameSync(path.join(p.dir, 'migrations', '003_create_craft.sql'), path.join(p.dir, 'migrations', '004_create_craft.sql'));
      const renamed = await status();
      assert.equal(renamed.code, 4);
      assert.deepEqual(states(renamed.json), ['001_create_agencies applied', '002_create_missions applied', '003_create_craft missing', '004_create_craft pending']);
    });

    it('a corrupt cache, or one from another version, gives the same status', async () => {
      p = await makeProject(backend, FILES);
      assert.equal((await p.cli(['--up', '--steps', '2'])).code, 0);
      const expected = await status();
      assert.deepEqual(states(expected.json), ['001_create_agencies applied', '002_create_missions applied', '003_create_craft pending']);
      fs.mkdirSync(path.join(p.dir, '.migrations'), { recursive: true });
      fs.writeFileSync(statusCachePath(p.dir), '{"format": 1, "tool": "0.0.0|1:2|1", "entries": {"002_create_missions.sql": [tru');
      assert.deepEqual(await status(), expected);
      fs.writeFileSync(statusCachePath(p.dir), JSON.stringify({ format: 1, tool: 'an older version', dir: path.join(p.dir, 'migrations'), entries: {
        '002_create_missions.sql': [1, 2, 3, 4, 'not the checksum', 1, 0, 0],
      } }));
      assert.deepEqual(await status(), expected);
    });
  });
}
