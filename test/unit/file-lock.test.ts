import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataDirLock } from '../../src/core/db/file-lock';
import { MigrationError } from '../../src/core/errors';

function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  try { process.kill(pid, 0); } catch { return pid; }
  return deadPid();
}

describe('PGlite data-directory lock (file-lock.ts)', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lock-'));
    dataDir = path.join(dir, 'pglite', 'dev');
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const leftovers = () => fs.readdirSync(path.dirname(dataDir)).filter((f) => f.includes('.lock'));

  it('takes over a lock left by a dead process (old format, no token), leaving no claim behind', async () => {
    fs.writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '2020-01-01T00:00:00Z' }));
    const lock = await DataDirLock.acquire(dataDir, 0);
    assert.equal(JSON.parse(fs.readFileSync(`${dataDir}.lock`, 'utf8')).pid, process.pid);
    assert.deepEqual(leftovers(), ['dev.lock']);
    lock.releaseSync();
    assert.deepEqual(leftovers(), []);
  });

  it('a claim left by a takeover whose process died does not block the next one', async () => {
    const stale = JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '2020-01-01T00:00:00Z' });
    fs.writeFileSync(`${dataDir}.lock`, stale);
    // The claim a takeover creates (named as file-lock.ts names it), left behind by a claimant that died.
    const st = fs.statSync(`${dataDir}.lock`);
    const { createHash } = await import('node:crypto');
    const fp = createHash('sha256').update(`${st.dev}:${st.ino}:${st.mtimeMs}:${stale}`).digest('hex').slice(0, 16);
    fs.writeFileSync(`${dataDir}.lock.takeover-${fp}`, JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '2020-01-01T00:00:00Z' }));
    const lock = await DataDirLock.acquire(dataDir, 2000);
    assert.equal(JSON.parse(fs.readFileSync(`${dataDir}.lock`, 'utf8')).pid, process.pid);
    assert.deepEqual(leftovers(), ['dev.lock']);
    lock.releaseSync();
  });

  it('an empty lock file older than 5 s (writer died before writing) is taken over; a fresh one is waited for', async () => {
    fs.writeFileSync(`${dataDir}.lock`, '');
    await assert.rejects(DataDirLock.acquire(dataDir, 100), (e: unknown) => e instanceof MigrationError && e.code === 'E_DATA_DIR_LOCKED' && e.exitCode === 3);
    const old = new Date(Date.now() - 10000);
    fs.utimesSync(`${dataDir}.lock`, old, old);
    const lock = await DataDirLock.acquire(dataDir, 0);
    lock.releaseSync();
    assert.deepEqual(leftovers(), []);
  });

  it('a live holder is waited for, then E_DATA_DIR_LOCKED (exit 3) naming it', async () => {
    const holder = await DataDirLock.acquire(dataDir, 0);
    try {
      await assert.rejects(DataDirLock.acquire(dataDir, 150), (e: unknown) => e instanceof MigrationError && e.exitCode === 3 && e.message.includes(`in use by process ${process.pid}`));
    } finally {
      holder.releaseSync();
    }
    (await DataDirLock.acquire(dataDir, 0)).releaseSync();
  });

  it('release removes only its own lock file (by token), never one that replaced it', async () => {
    const lock = await DataDirLock.acquire(dataDir, 0);
    const other = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString(), token: 'someone-else' });
    fs.writeFileSync(`${dataDir}.lock`, other);
    lock.releaseSync();
    assert.equal(fs.readFileSync(`${dataDir}.lock`, 'utf8'), other);
  });
});
