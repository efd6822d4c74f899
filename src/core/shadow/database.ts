/**
 * The shadow's embedded database: an in-memory PGlite started from a stored data-directory snapshot (about a second)
 * rather than from initdb (several seconds); the first start of a machine stores the fresh cluster as the base.
 */
import type { Extensions } from '@electric-sql/pglite';
import { lastRows, type QueryResult, type Session } from '../db/database';
import { pgliteExtensionModules } from './extensions';
import type { ShadowStore } from './store';

interface PGliteHandle {
  waitReady: Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows?: Record<string, unknown>[] }[]>;
  dumpDataDir(compression?: 'gzip' | 'none' | 'auto'): Promise<Blob | File>;
  close(): Promise<void>;
}

export interface ShadowDatabase {
  session: Session;
  serverVersion: string;
  /** Started from initdb (no stored base snapshot). */
  fresh: boolean;
  exec(sql: string): Promise<void>;
  dumpDataDir(): Promise<Buffer>;
  /** PGlite's pg_dump (from @electric-sql/pglite-tools) with `args`: a plain SQL script. Run outside a transaction. */
  pgDump(args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function openShadowDatabase(store: ShadowStore, snapshotKey: string | null, extensionNames: string[]): Promise<ShadowDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const extensions = (await pgliteExtensionModules(extensionNames)) as Extensions;
  const stored = store.readSnapshot(snapshotKey ?? 'base');
  const db = new PGlite(stored ? { loadDataDir: new Blob([stored]), extensions } : { extensions }) as unknown as PGliteHandle;
  await db.waitReady;
  const fresh = !stored && snapshotKey === null;
  if (fresh) store.writeSnapshot('base', Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()), new Set());
  const version = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
  const session: Session = {
    async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const r = await db.query<Row>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      return lastRows(await db.exec(sql));
    },
    async release() { /* one connection, closed with the database */ },
    async resetSettings() {
      await db.exec('RESET ALL');
    },
  };
  return {
    session, serverVersion: version.split(' ')[0]!, fresh,
    async exec(sql: string) { await db.exec(sql); },
    async dumpDataDir() { return Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()); },
    async pgDump(args: string[]) {
      const { pgDump } = (await import('@electric-sql/pglite-tools/pg_dump')) as unknown as {
        pgDump(o: { pg: unknown; args?: string[] }): Promise<{ text(): Promise<string> }>;
      };
      const text = await (await pgDump({ pg: db, args })).text();
      // pg_dump shares the one connection: end its snapshot transaction and drop the settings it left.
      await db.exec('ROLLBACK');
      await db.exec('RESET ALL');
      return text;
    },
    close: () => db.close(),
  };
}
