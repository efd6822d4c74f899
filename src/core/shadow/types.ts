/**
 * The shadow schema: the migration history replayed into an embedded database (PGlite), giving the catalog
 * PostgreSQL itself reports after each migration. Drift, the schema dump and the editor's knowledge read it.
 */

/** A statement of a migration that failed when replayed on the shadow (positions are in the migration file). */
export interface ShadowStatementError {
  message: string;
  /** SQLSTATE, e.g. 42703 undefined_column. */
  code?: string;
  hint?: string;
  /** 1-based line and column of the start, and of the end (exclusive), of the text the error points at. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The catalog after one migration of the replayed history. */
export interface ShadowPosition {
  version: string;
  name: string;
  /** The migration file (absolute path). */
  file: string;
  checksum: string;
  /** Hash of the chain of (version, checksum) up to and including this migration: the cache key. */
  key: string;
  /** snapshotCatalog() after this migration: object key ("table public.missions", "column public.missions.name") -> definition, sorted by key. */
  catalog: [string, string][];
  /** Statements that failed when replayed (empty when the migration applied cleanly). */
  errors: ShadowStatementError[];
  /** Statements that need a newer PostgreSQL than the configured server's (the shadow accepted them). */
  warnings?: ShadowStatementError[];
}

export interface ShadowSchema {
  /** The embedded database's version, e.g. "18.3". */
  serverVersion: string;
  /** Catalog before the first migration (what PGlite has on its own: usually empty). */
  baseline: [string, string][];
  positions: ShadowPosition[];
}

/** A column as the editor shows it. */
export interface ShadowColumn {
  name: string;
  /** format_type(): "text", "bigint", "timestamp with time zone", "character varying(100)". */
  type: string;
  /** The whole definition as the catalog reports it ("bigint not null generated always as identity"). */
  definition: string;
}

export interface ShadowRelation {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'foreign table' | 'view' | 'materialized view';
  definition: string;
  columns: ShadowColumn[];
}

/** What exists at one point of the history, for completions and hover. */
export interface SchemaObjects {
  schemas: string[];
  relations: ShadowRelation[];
  /** "public.touch_updated_at(...)" -> identity arguments. */
  functions: { schema: string; name: string; args: string; kind: 'function' | 'procedure' }[];
  types: { schema: string; name: string; definition: string }[];
  sequences: { schema: string; name: string; definition: string }[];
  indexes: { schema: string; name: string; definition: string }[];
}

/** Where an object came from: the migration that created it and the last one that changed it. */
export interface ObjectOrigin {
  key: string;
  created: { version: string; name: string; file: string };
  changed: { version: string; name: string; file: string };
}
