import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationError } from '../errors';

/**
 * PGlite is one connection inside one process, so a PostgreSQL advisory lock
 * cannot stop a second process from opening the same data directory (which
 * corrupts it). This lock file does: created with O_EXCL, holding our pid and
 * a random token; a lock left by a dead process is taken over.
 *
 * Taking over is where two processes could both end up holding the lock: both
 * judge the same file stale, one removes it and creates its own, and the other
 * then removes that new lock. So a stale file is only ever removed by the one
 * process that created its "claim" file (O_EXCL, named after the exact file
 * judged stale: content, inode and mtime), and only after checking, while it
 * holds the claim, that the lock path still holds that very file. Nobody else
 * can remove that file in the meantime (its owner is dead and every other
 * remover needs the same claim), so the check stays true until the unlink.
 */
export class DataDirLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  private constructor(readonly lockPath: string, private readonly token: string) {
    process.once('exit', this.onExit);
  }

  static async acquire(dataDir: string, waitMs: number): Promise<DataDirLock> {
    const lockPath = `${dataDir}.lock`;
    fs.mkdirSync(path.dirname(lockPath), { recursive: true });
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + waitMs;
    let delay = 50;
    for (;;) {
      if (createExclusive(lockPath, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString(), token }))) {
        return new DataDirLock(lockPath, token);
      }
      const seen = readState(lockPath);
      if (!seen) continue; // released meanwhile: try again at once
      const stale = isStale(seen);
      if (stale && removeStale(lockPath, seen)) continue;
      if (Date.now() >= deadline) {
        const holder = parseHolder(seen.text);
        const who = stale ? 'another process (taking over a lock left by a process that is gone)'
          : holder ? `process ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}` : 'another process';
        throw new MigrationError('E_DATA_DIR_LOCKED',
          `the embedded database ${dataDir} is in use by ${who}`,
          `wait for the other database-migration run (or VS Code window) to finish and try again; raise "lockWaitMs" to wait longer`,
          { file: lockPath });
      }
      // Another process is taking a stale lock over: that takes microseconds, so look again soon.
      await new Promise((r) => setTimeout(r, Math.min(stale ? 5 : delay, Math.max(1, deadline - Date.now()))));
      if (!stale) delay = Math.min(delay * 2, 250);
    }
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      // Only our own file (our token): nobody replaces a live holder's lock, so it is still ours to remove.
      if (parseHolder(fs.readFileSync(this.lockPath, 'utf8'))?.token === this.token) fs.unlinkSync(this.lockPath);
    } catch { /* already gone */ }
  }
}

/** A lock (or claim) file as read once: its text and the identity of the file it came from. */
interface FileState {
  text: string;
  ino: number;
  dev: number;
  mtimeMs: number;
}

/** Creates `file` with `content` unless it exists (O_EXCL); false when it does. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readState(file: string): FileState | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    return { text: fs.readFileSync(fd, 'utf8'), ino: st.ino, dev: st.dev, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

function sameFile(a: FileState, b: FileState): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.mtimeMs === b.mtimeMs && a.text === b.text;
}

/** Left by a dead process on this host, or empty/unreadable for over 5 s (its writer died between create and write). */
function isStale(s: FileState): boolean {
  const holder = parseHolder(s.text);
  if (holder) return holder.host === os.hostname() && !isAlive(holder.pid);
  return Date.now() - s.mtimeMs > 5000;
}

/**
 * Removes `file` if it still is the file `seen` describes, holding the claim `<file>.takeover-<fingerprint>`
 * so that no other process removes it (or a file that replaced it) at the same time. A claim left behind by
 * a claimant that died is itself stale, and is removed the same way (a claim on the claim). False when a
 * live process holds the claim (it is taking the file over right now).
 */
function removeStale(file: string, seen: FileState, depth = 0): boolean {
  const fingerprint = createHash('sha256').update(`${seen.dev}:${seen.ino}:${seen.mtimeMs}:${seen.text}`).digest('hex').slice(0, 16);
  const claim = `${file}.takeover-${fingerprint}`;
  if (!createExclusive(claim, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }))) {
    const other = readState(claim);
    if (!other) return true; // the claimant just finished: look again
    // A live process is taking it over (false: wait a moment); a dead one left its claim behind.
    return depth < 3 && isStale(other) && removeStale(claim, other, depth + 1);
  }
  try {
    const now = readState(file);
    if (now && sameFile(now, seen)) fs.unlinkSync(file);
  } finally {
    try { fs.unlinkSync(claim); } catch { /* gone already */ }
  }
  return true;
}

function parseHolder(text: string): { pid: number; host: string; token?: string } | null {
  try {
    const data = JSON.parse(text) as { pid?: unknown; host?: unknown; token?: unknown };
    if (typeof data.pid === 'number' && typeof data.host === 'string') {
      return { pid: data.pid, host: data.host, ...(typeof data.token === 'string' ? { token: data.token } : {}) };
    }
  } catch { /* empty or partial file */ }
  return null;
}

/** Whether a process with this pid runs on this machine (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
