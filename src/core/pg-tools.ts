/**
 * Finding PostgreSQL client programs (pg_dump, pg_restore, psql) whose major
 * version can handle the server: config path, then PATH, then the versioned
 * Debian/Ubuntu locations /usr/lib/postgresql/<major>/bin.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationError } from './errors';

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

export interface FoundTool {
  path: string;
  major: number;
  version: string;
}

// Running each candidate's --version costs a process start; a path's answer does not change within a run.
const versions = new Map<string, FoundTool | null>();

function versionOf(binary: string): FoundTool | null {
  if (!versions.has(binary)) versions.set(binary, readVersion(binary));
  return versions.get(binary)!;
}

function readVersion(binary: string): FoundTool | null {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(out) ?? /(\d+)\.(\d+)/.exec(out);
    if (!m) return null;
    return { path: binary, major: Number(m[1]), version: m[2] ? `${m[1]}.${m[2]}` : m[1]! };
  } catch {
    return null;
  }
}

function candidates(tool: PgTool, configured?: string): string[] {
  const out: string[] = [];
  if (configured) {
    const isDir = fs.existsSync(configured) && fs.statSync(configured).isDirectory();
    out.push(isDir ? path.join(configured, tool) : configured.replace(/pg_dump$/, tool));
  }
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir) out.push(path.join(dir, tool));
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const majors = fs.readdirSync(debian).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
    for (const m of majors) out.push(path.join(debian, m, 'bin', tool));
  }
  return [...new Set(out)].filter((p) => fs.existsSync(p));
}

/**
 * The client tool to use against a server of `serverMajor`: the first found whose
 * major version is at least the server's (pg_dump refuses newer servers).
 */
export function findPgTool(tool: PgTool, serverMajor: number, configured?: string): FoundTool {
  const found = candidates(tool, configured).map(versionOf).filter((t): t is FoundTool => t !== null);
  const suitable = found.filter((t) => t.major >= serverMajor).sort((a, b) => a.major - b.major);
  if (suitable.length > 0) {
    // A configured path wins when it is suitable; otherwise the oldest suitable major (closest to the server).
    const configuredHit = configured ? suitable.find((t) => t.path.startsWith(configured)) : undefined;
    return configuredHit ?? suitable[0]!;
  }
  if (found.length > 0) {
    const newest = found.sort((a, b) => b.major - a.major)[0]!;
    throw new MigrationError('E_BACKUP_FAILED',
      `${tool} ${newest.version} (${newest.path}) is older than the PostgreSQL ${serverMajor} server and cannot back it up`,
      `install the PostgreSQL ${serverMajor} client programs (Debian/Ubuntu: apt-get install postgresql-client-${serverMajor}) and set "backups.pgBinDir" to their bin directory, or run with --no-backup to skip the backup`);
  }
  throw new MigrationError('E_BACKUP_FAILED', `${tool} was not found (looked in "backups.pgBinDir", PATH and /usr/lib/postgresql/*/bin)`,
    `install the PostgreSQL ${serverMajor} client programs (Debian/Ubuntu: apt-get install postgresql-client-${serverMajor}) or set "backups.pgBinDir", or run with --no-backup to skip the backup`);
}
