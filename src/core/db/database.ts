/**
 * The one small interface the engine talks to. Two implementations:
 * `PostgresDatabase` (node-postgres Pool) and `PGliteDatabase` (embedded).
 */
export interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[];
  rowCount: number;
}

/** One server session: session-level advisory locks and transactions live here. */
export interface Session {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of one or more statements with the simple query protocol; returns the rows of the last statement that returned any. */
  exec(sql: string): Promise<Record<string, unknown>[]>;
  /**
   * Bulk load with COPY ... FROM (text format). `target` is `table (col, ...)`; each string holds one or
   * more complete lines ("\t"-separated, "\N" for NULL, ending in "\n"). Returns the number of rows copied.
   */
  copyFrom?(target: string, lines: Iterable<string> | AsyncIterable<string>): Promise<number>;
  release(): Promise<void>;
  /** Back to the session's starting settings (a migration's SET must not leak into the next one). */
  resetSettings(): Promise<void>;
}

export interface DumpResult {
  /** 'custom' = pg_dump -Fc archive; 'sql' = plain SQL script (PGlite). */
  format: 'custom' | 'sql';
  /** The program that wrote it, e.g. "pg_dump 15.20". */
  tool: string;
}

/** SQL run inside the restore's one transaction: `before` ahead of the wipe, `after` once the dump is loaded. */
export interface RestoreOptions {
  before?: string;
  after?: string;
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** Where it points, safe to print (URLs are redacted). */
  readonly description: string;
  session(): Promise<Session>;
  /** Writes a full dump of the database to `file` (created with mode 0600). */
  dump(file: string, serverMajor: number): Promise<DumpResult>;
  /** Replaces every user object with the dump's contents, in one transaction (with `options`' SQL before and after). */
  restore(file: string, format: DumpResult['format'], serverMajor: number, options?: RestoreOptions): Promise<void>;
  close(): Promise<void>;
}

/** server_version_num as major version and display string. */
export async function serverVersion(session: Session): Promise<{ major: number; text: string }> {
  const r = await session.query<{ num: string; txt: string }>(`SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS txt`);
  const num = Number(r.rows[0]!.num);
  return { major: Math.floor(num / 10000), text: String(r.rows[0]!.txt) };
}

/** A server error as node-postgres and PGlite both report it. */
export interface ServerError {
  message: string;
  code?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

export function asServerError(err: unknown): ServerError | null {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as ServerError & { severity?: string };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return null;
}

/** Rows of the last result that has any (a script's COMMIT returns none). */
export function lastRows(results: { rows?: Record<string, unknown>[] }[]): Record<string, unknown>[] {
  for (let i = results.length - 1; i >= 0; i--) if (results[i]?.rows?.length) return results[i]!.rows!;
  return [];
}
