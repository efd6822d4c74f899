import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationError } from '../errors';

/**
 * PGlite is one connection inside one process, so a PostgreSQL advisory lock
 * cannot stop a second process from opening the same data directory (which
 * corrupts it). This lock file does: created with O_EXCL, holding our pid;
 * a lock left by a dead process is taken over.
 */
export class DataDirLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  private constructor(readonly lockPath: string) {
    process.once('exit', this.onExit);
  }

  static async acquire(dataDir: string, waitMs: number): Promise<DataDirLock> {
    const lockPath = `${dataDir}.lock`;
    fs.mkdirSync(path.dirname(lockPath), { recursive: true });
    const deadline = Date.now() + waitMs;
    let delay = 50;
    for (;;) {
      try {
        const fd = fs.openSync(lockPath, 'wx', 0o600);
        fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
        fs.closeSync(fd);
        return new DataDirLock(lockPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(lockPath);
      if (holder && holder.host === os.hostname() && !isAlive(holder.pid)) {
        // Stale: the process that held it is gone. Remove and retry at once.
        try { fs.unlinkSync(lockPath); } catch { /* someone else removed it */ }
        continue;
      }
      if (!holder) {
        // Being written right now, or unreadable; give the writer a moment.
        const age = ageMs(lockPath);
        if (age !== null && age > 5000) { try { fs.unlinkSync(lockPath); } catch { /* raced */ } continue; }
      }
      if (Date.now() >= deadline) {
        const who = holder ? `process ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}` : 'another process';
        throw new MigrationError('E_DATA_DIR_LOCKED',
          `the embedded database ${dataDir} is in use by ${who}`,
          `wait for the other database-migration run (or VS Code window) to finish and try again; raise "lockWaitMs" to wait longer`,
          { file: lockPath });
      }
      await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now()))));
      delay = Math.min(delay * 2, 250);
    }
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      const holder = readHolder(this.lockPath);
      if (holder && holder.pid === process.pid) fs.unlinkSync(this.lockPath);
    } catch { /* already gone */ }
  }
}

function readHolder(lockPath: string): { pid: number; host: string } | null {
  try {
    const data = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: unknown; host?: unknown };
    if (typeof data.pid === 'number' && typeof data.host === 'string') return { pid: data.pid, host: data.host };
  } catch { /* empty or partial file */ }
  return null;
}

function ageMs(p: string): number | null {
  try { return Date.now() - fs.statSync(p).mtimeMs; } catch { return null; }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
