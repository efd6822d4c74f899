/**
 * Running the PostgreSQL client programs (pg_dump, pg_restore, psql): how they
 * connect without a secret on their command line, and how their output is
 * handled without holding it in memory.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../config';
import { MigrationError } from '../errors';
import { redactText } from '../redact';

/** Connection parameters that are secrets: never on a command line (visible in `ps`). */
const SECRET_PARAMS = ['password', 'sslpassword'];

export interface ClientConnection {
  /** A connection URL with no secret in it, for --dbname. */
  dbname: string;
  /** Environment for the child: PGPASSWORD, and PGSERVICEFILE/PGSERVICE when other secrets need a file. */
  env: NodeJS.ProcessEnv;
  /** Removes the private service file, if one was written. */
  cleanup(): void;
}

/** A private (0600) empty file in a private temporary directory; removed by the returned function. */
export function privateTempFile(name: string): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, name);
  fs.writeFileSync(file, '', { mode: 0o600 });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A libpq service-file value: the file format has no quoting, so a newline cannot be represented. */
function serviceValue(key: string, value: string): string {
  if (/[\r\n]/.test(value)) {
    throw new MigrationError('E_BAD_URL', `the connection's ${key} contains a line break, which the PostgreSQL client programs cannot be given safely`,
      'change that secret, or run with --no-backup to skip the client programs');
  }
  return `${key}=${value}\n`;
}

/**
 * Connection for client programs: the URL with every secret removed (from the user-info part and from
 * `?password=` / `?sslpassword=`). The password travels in PGPASSWORD; any other secret in a 0600
 * service file named by PGSERVICEFILE, removed by `cleanup()`.
 */
export function clientConnection(url: string, settings: EnvironmentConfig, root: string, purpose: string): ClientConnection {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  const secrets: Record<string, string> = {};
  if (u.password) secrets['password'] = decodeURIComponent(u.password);
  u.password = '';
  for (const key of [...u.searchParams.keys()]) {
    const lower = key.toLowerCase();
    if (SECRET_PARAMS.includes(lower)) {
      secrets[lower] = u.searchParams.get(key) ?? '';
      u.searchParams.delete(key);
    }
  }
  // Without one in the URL, an inherited PGPASSWORD (or ~/.pgpass) still applies, as for the engine's own connections.
  if (secrets['password'] !== undefined) env['PGPASSWORD'] = secrets['password'];
  let cleanup = () => {};
  const others = Object.entries(secrets).filter(([k]) => k !== 'password');
  if (others.length > 0) {
    const service = privateTempFile('pg_service.conf');
    fs.writeFileSync(service.file, `[database_migration]\n${others.map(([k, v]) => serviceValue(k, v)).join('')}`, { mode: 0o600 });
    env['PGSERVICEFILE'] = service.file;
    env['PGSERVICE'] = 'database_migration';
    cleanup = service.remove;
  }
  const ssl = settings.ssl;
  if (ssl === true || (typeof ssl === 'object' && ssl.rejectUnauthorized !== false)) env['PGSSLMODE'] = env['PGSSLMODE'] ?? 'require';
  if (typeof ssl === 'object' && ssl.ca) env['PGSSLROOTCERT'] = path.resolve(root, ssl.ca);
  env['PGAPPNAME'] = `${settings.applicationName ?? 'database-migration'} ${purpose}`;
  return { dbname: u.toString(), env, cleanup };
}

/** How much of a tool's stderr is kept for the error message: the end, where the error is. */
const STDERR_KEEP = 64 * 1024;

/** Keeps the last `limit` bytes written to it. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit = STDERR_KEEP) {}

  push(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

export type ToolName = 'pg_dump' | 'pg_restore' | 'psql';

/** Runs a client program with stdout discarded (its output goes to files) and the tail of stderr kept for the error. */
export function runTool(binary: string, args: string[], env: NodeJS.ProcessEnv, name: ToolName): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const err = new TailBuffer();
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new MigrationError(name === 'pg_dump' ? 'E_BACKUP_FAILED' : 'E_RESTORE_FAILED', `could not run ${name}: ${e.message}`,
      'check "backups.pgBinDir" and the PostgreSQL client installation')));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = redactText(err.text().trim().split('\n').slice(-3).join(' '));
      const how = code === null ? `killed by ${signal}` : `exit ${code}`;
      reject(name === 'pg_dump'
        ? new MigrationError('E_BACKUP_FAILED', `${name} failed (${how}): ${tail}`,
          'fix the cause above, or run with --no-backup to skip the backup (not recommended on shared databases)')
        : new MigrationError('E_RESTORE_FAILED', `${name} failed (${how}): ${tail}`,
          'nothing was changed (the restore runs in one transaction); fix the cause above and run --restore again'));
    });
  });
}

/** Flushes a file's data to disk. */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a directory entry change (a rename) to disk, where the platform allows it. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported on every platform (Windows); the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
