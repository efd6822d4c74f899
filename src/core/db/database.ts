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
  /** Runs a script of one or more statements with the simple query protocol. */
  exec(sql: string): Promise<void>;
  release(): Promise<void>;
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** Where it points, safe to print (URLs are redacted). */
  readonly description: string;
  session(): Promise<Session>;
  close(): Promise<void>;
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
