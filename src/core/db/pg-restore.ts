/**
 * Restoring a backup on a PostgreSQL server without holding the dump in memory:
 * pg_restore writes the archive's SQL to a private file, and psql runs the wipe,
 * that file and the caller's SQL in ONE transaction (--single-transaction with
 * several -f): objects created after the backup disappear, and a failure leaves
 * the database as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MigrationError } from '../errors';
import { runTool, type ClientConnection } from './client-tools';
import type { DumpResult, RestoreOptions } from './database';
import { wipeUserObjectsSql } from './wipe';

export interface RestoreTools {
  pgRestore: string;
  psql: string;
}

/** Extensions installed now, with the schema each lives in. */
export type InstalledExtensions = Map<string, string>;

/** A private working directory next to the backup (same disk as the backups, mode 0700), removed afterwards. */
function workDir(file: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(path.dirname(file), `.restore-${process.pid}-`));
  fs.chmodSync(dir, 0o700);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const TOC_EXTENSION = /^\d+; \d+ \d+ EXTENSION - (\S+)/;
const TOC_EXTENSION_COMMENT = /^\d+; \d+ \d+ COMMENT - EXTENSION (\S+)/;
const TOC_SCHEMA = /^\d+; \d+ \d+ (?:SCHEMA - |(?:COMMENT|ACL) - SCHEMA )(\S+)/;

/**
 * The archive's table of contents without the entries of extensions that stay installed (their CREATE
 * and COMMENT: a role that does not own the extension could not comment on it) and of the schemas
 * those extensions live in (they are kept by the wipe, so CREATE SCHEMA would fail).
 */
export function filterToc(toc: string, installed: InstalledExtensions): { list: string; extensions: string[] } {
  const extensions: string[] = [];
  for (const line of toc.split('\n')) {
    const m = TOC_EXTENSION.exec(line);
    if (m) extensions.push(m[1]!);
  }
  const keptSchemas = new Set(extensions.filter((e) => installed.has(e)).map((e) => installed.get(e)!).filter((s) => s !== 'public' && s !== 'pg_catalog'));
  const kept = (line: string) => {
    const ext = TOC_EXTENSION.exec(line) ?? TOC_EXTENSION_COMMENT.exec(line);
    if (ext) return !installed.has(ext[1]!);
    const schema = TOC_SCHEMA.exec(line);
    return !(schema && keptSchemas.has(schema[1]!));
  };
  return { list: toc.split('\n').filter(kept).join('\n'), extensions };
}

/** Extensions a plain SQL dump creates, read line by line. */
export async function sqlDumpExtensions(file: string): Promise<string[]> {
  const out: string[] = [];
  // Loaded on first use (a restore), not at start-up.
  const readline = require('node:readline') as typeof import('node:readline');
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const m = /^CREATE EXTENSION IF NOT EXISTS "?([^"\s;]+)"?/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

const EDGE = 256 * 1024;

function readAt(fd: number, position: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n).toString('latin1');
}

/**
 * Turns the first `BEGIN;` line and the last `COMMIT;` line of pg_restore's script into comments of the
 * same length, in place: only the script's two ends are read.
 */
export function neutraliseTransaction(script: string): void {
  const fd = fs.openSync(script, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    const head = readAt(fd, 0, Math.min(EDGE, size));
    const tailStart = Math.max(0, size - EDGE);
    const tail = readAt(fd, tailStart, size - tailStart);
    const begin = head.search(/^BEGIN;$/m);
    const commit = tail.lastIndexOf('\nCOMMIT;\n');
    if (begin < 0 || commit < 0) {
      throw new MigrationError('E_RESTORE_FAILED', `pg_restore wrote a script without the expected BEGIN/COMMIT (${script})`,
        'check that pg_restore and psql come from the same PostgreSQL installation ("backups.pgBinDir")');
    }
    fs.writeSync(fd, '------', begin, 'latin1');
    fs.writeSync(fd, '-------', tailStart + commit + 1, 'latin1');
  } finally {
    fs.closeSync(fd);
  }
}

export async function restoreWithTools(tools: RestoreTools, conn: ClientConnection, file: string, format: DumpResult['format'],
  installed: InstalledExtensions, options: RestoreOptions = {}): Promise<void> {
  const work = workDir(file);
  const privateFile = (name: string, text = '') => {
    const f = path.join(work.dir, name);
    fs.writeFileSync(f, text, { mode: 0o600 });
    return f;
  };
  try {
    let script = file;
    let extensions: string[];
    if (format === 'custom') {
      const tocFile = privateFile('toc.list');
      await runTool(tools.pgRestore, ['--list', `--file=${tocFile}`, file], conn.env, 'pg_restore');
      const filtered = filterToc(fs.readFileSync(tocFile, 'utf8'), installed);
      extensions = filtered.extensions;
      const listFile = privateFile('restore.list', filtered.list);
      script = privateFile('restore.sql');
      // Into a file, not through this process: a dump of any size costs no memory here. --single-transaction
      // makes pg_restore write one BEGIN/COMMIT pair instead of its own for large objects; that pair is
      // then commented out, so everything runs in psql's one transaction.
      await runTool(tools.pgRestore, ['--single-transaction', `--use-list=${listFile}`, `--file=${script}`, file], conn.env, 'pg_restore');
      neutraliseTransaction(script);
    } else {
      extensions = await sqlDumpExtensions(file);
    }
    const before = privateFile('before.sql', `${options.before ?? ''}\n${wipeUserObjectsSql(extensions)}`);
    const after = privateFile('after.sql', options.after ?? '');
    await runTool(tools.psql, ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', '--single-transaction',
      '-f', before, '-f', script, '-f', after, `--dbname=${conn.dbname}`], conn.env, 'psql');
  } finally {
    work.remove();
  }
}
