/**
 * A partition about to be dropped is saved first: a plain SQL file (CREATE TABLE, then COPY ... FROM stdin
 * with the rows in COPY's text format) that `psql -f` restores, and so does restorePartitionBackup here.
 * It is read through the maintenance session, inside its transaction after DETACH, so it holds exactly the
 * rows that are dropped (pg_dump, from another connection, would wait for that transaction's lock).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Session } from './db/database';
import { fsyncDir, fsyncFile } from './db/client-tools';
import { MigrationError } from './errors';
import { quoteIdent } from './history';
import type { BoundedPartition, TableFacts } from './partition-facts';

const FETCH = 5000;
const CURSOR = 'database_migration_partition_backup';

/** Writes the backup of `part` (detached from facts' table) under `dir`/partitions; returns the file. */
export async function backUpPartition(session: Session, facts: TableFacts, part: BoundedPartition, dir: string): Promise<string> {
  const qualified = `${quoteIdent(facts.schema)}.${quoteIdent(part.name)}`;
  const cols = (await session.query<{ c: string; t: string; nn: boolean }>(
    `SELECT quote_ident(attname) AS c, format_type(atttypid, atttypmod) AS t, attnotnull AS nn
       FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [qualified])).rows;
  // Each value in COPY text format: backslash, tab, newline and carriage return escaped, NULL as \N.
  const esc = (c: string) => `coalesce(replace(replace(replace(replace(${c}::text, E'\\\\', E'\\\\\\\\'), E'\\t', E'\\\\t'), E'\\n', E'\\\\n'), E'\\r', E'\\\\r'), E'\\\\N')`;
  const line = cols.map((c) => esc(c.c)).join(` || E'\\t' || `);
  const outDir = path.join(dir, 'partitions');
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const file = path.join(outDir, `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}_${facts.schema}.${part.name}.sql`);
  const fd = fs.openSync(file, 'w', 0o600);
  let rows = 0;
  try {
    fs.writeSync(fd, [
      `-- database-migration: partition ${facts.schema}.${part.name} of ${facts.schema}.${facts.name} (${part.bound}), saved before DROP.`,
      `-- Restore: psql -f <this file>; to put it back in the table afterwards:`,
      `--   ALTER TABLE ${facts.parent} ATTACH PARTITION ${qualified} ${part.bound};`,
      `CREATE TABLE ${qualified} (${cols.map((c) => `${c.c} ${c.t}${c.nn ? ' NOT NULL' : ''}`).join(', ')});`,
      `COPY ${qualified} (${cols.map((c) => c.c).join(', ')}) FROM stdin;`, ''].join('\n'));
    await session.exec(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT ${line || "''"} AS line FROM ${qualified}`);
    for (;;) {
      const got = await session.query<{ line: string }>(`FETCH ${FETCH} FROM ${CURSOR}`);
      if (got.rows.length === 0) break;
      fs.writeSync(fd, got.rows.map((r) => `${r.line}\n`).join(''));
      rows += got.rows.length;
    }
    await session.exec(`CLOSE ${CURSOR}`);
    fs.writeSync(fd, `\\.\n-- ${rows} rows\n`);
  } finally {
    fs.closeSync(fd);
  }
  fsyncFile(file);
  fsyncDir(outDir);
  return file;
}

/** Loads a partition backup written by backUpPartition: the table is created and its rows copied in. Returns the rows. */
export async function restorePartitionBackup(session: Session, file: string): Promise<number> {
  const text = fs.readFileSync(file, 'utf8');
  const m = /^(COPY (.+) FROM stdin;)\n/m.exec(text);
  const end = m ? text.indexOf('\n\\.\n', m.index) : -1;
  if (!m || end < 0) throw new MigrationError('E_USAGE', `${file} is not a partition backup written by database-migration`, 'restore it with psql -f');
  if (!session.copyFrom) throw new MigrationError('E_USAGE', 'this database connection cannot COPY', 'restore it with psql -f');
  await session.exec(text.slice(0, m.index));
  const data = text.slice(m.index + m[0].length, end + 1);
  return data ? session.copyFrom(m[2]!, [data]) : 0;
}
