/**
 * A comparable picture of every user object (oid >= 16384, FirstNormalObjectId) of
 * a database, kind by kind, by name (oids change when objects are re-created), and
 * the SQL that creates one object of each kind for the restore tests.
 */
import type { TestProject } from './harness';

/** Kind → a query returning one text column `o` per user object of that kind. */
export const CATALOG_QUERIES: Record<string, string> = {
  schemas: `SELECT nspname FROM pg_namespace WHERE oid >= 16384 AND nspname NOT LIKE 'pg\\_%'`,
  relations: `SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.oid >= 16384 AND n.nspname NOT LIKE 'pg\\_%'`,
  types: `SELECT n.nspname || '.' || t.typname || ' ' || t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.oid >= 16384 AND n.nspname NOT LIKE 'pg\\_%'`,
  procs: `SELECT p.oid::regprocedure::text || ' ' || p.prokind::text FROM pg_proc p WHERE p.oid >= 16384`,
  pg_collation: `SELECT collnamespace::regnamespace::text || '.' || collname FROM pg_collation WHERE oid >= 16384`,
  pg_ts_config: `SELECT cfgnamespace::regnamespace::text || '.' || cfgname FROM pg_ts_config WHERE oid >= 16384`,
  pg_ts_dict: `SELECT dictnamespace::regnamespace::text || '.' || dictname FROM pg_ts_dict WHERE oid >= 16384`,
  pg_ts_parser: `SELECT prsnamespace::regnamespace::text || '.' || prsname FROM pg_ts_parser WHERE oid >= 16384`,
  pg_ts_template: `SELECT tmplnamespace::regnamespace::text || '.' || tmplname FROM pg_ts_template WHERE oid >= 16384`,
  pg_operator: `SELECT oid::regoperator::text FROM pg_operator WHERE oid >= 16384`,
  pg_opclass: `SELECT c.opcnamespace::regnamespace::text || '.' || c.opcname || ' ' || a.amname FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod WHERE c.oid >= 16384`,
  pg_opfamily: `SELECT f.opfnamespace::regnamespace::text || '.' || f.opfname || ' ' || a.amname FROM pg_opfamily f JOIN pg_am a ON a.oid = f.opfmethod WHERE f.oid >= 16384`,
  pg_cast: `SELECT format_type(castsource, NULL) || ' -> ' || format_type(casttarget, NULL) FROM pg_cast WHERE oid >= 16384`,
  pg_event_trigger: `SELECT evtname || ' ' || evtevent FROM pg_event_trigger WHERE oid >= 16384`,
  pg_publication: `SELECT pubname FROM pg_publication WHERE oid >= 16384`,
  pg_subscription: `SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  pg_foreign_data_wrapper: `SELECT fdwname FROM pg_foreign_data_wrapper WHERE oid >= 16384`,
  pg_foreign_server: `SELECT srvname FROM pg_foreign_server WHERE oid >= 16384`,
  pg_user_mapping: `SELECT srvname || ' for ' || usename FROM pg_user_mappings`,
  pg_policy: `SELECT polname || ' on ' || polrelid::regclass::text FROM pg_policy WHERE oid >= 16384`,
  pg_statistic_ext: `SELECT stxnamespace::regnamespace::text || '.' || stxname FROM pg_statistic_ext WHERE oid >= 16384`,
  pg_conversion: `SELECT connamespace::regnamespace::text || '.' || conname FROM pg_conversion WHERE oid >= 16384`,
  pg_language: `SELECT lanname FROM pg_language WHERE oid >= 16384`,
  pg_extension: `SELECT extname FROM pg_extension`,
  pg_am: `SELECT amname FROM pg_am WHERE oid >= 16384`,
  large_objects: `SELECT oid::text FROM pg_largeobject_metadata`,
};

export type Catalog = Record<string, string[]>;

export async function catalogOf(p: TestProject): Promise<Catalog> {
  return p.withSession(async (s) => {
    const out: Catalog = {};
    for (const [kind, sql] of Object.entries(CATALOG_QUERIES)) {
      out[kind] = (await s.query<{ o: string }>(`SELECT o FROM (${sql}) x(o) ORDER BY 1`)).rows.map((r) => r.o);
    }
    return out;
  });
}

/** One object (with what it needs) per kind; `check` names the catalog key that must show it. */
export interface ObjectKind {
  kind: string;
  check: string[];
  create: string;
  drop: string;
}

export const OBJECT_KINDS: ObjectKind[] = [
  { kind: 'collation', check: ['pg_collation'], create: `CREATE COLLATION public.dm_coll FROM "C"`, drop: 'DROP COLLATION public.dm_coll' },
  { kind: 'text search configuration', check: ['pg_ts_config'], create: 'CREATE TEXT SEARCH CONFIGURATION public.dm_tsc (COPY = english)', drop: 'DROP TEXT SEARCH CONFIGURATION public.dm_tsc' },
  { kind: 'text search dictionary', check: ['pg_ts_dict'], create: 'CREATE TEXT SEARCH DICTIONARY public.dm_dict (TEMPLATE = simple)', drop: 'DROP TEXT SEARCH DICTIONARY public.dm_dict' },
  { kind: 'text search parser', check: ['pg_ts_parser'],
    create: 'CREATE TEXT SEARCH PARSER public.dm_prs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype, HEADLINE = prsd_headline)',
    drop: 'DROP TEXT SEARCH PARSER public.dm_prs' },
  { kind: 'text search template', check: ['pg_ts_template'], create: 'CREATE TEXT SEARCH TEMPLATE public.dm_tmpl (INIT = dsimple_init, LEXIZE = dsimple_lexize)', drop: 'DROP TEXT SEARCH TEMPLATE public.dm_tmpl' },
  { kind: 'operator', check: ['pg_operator', 'procs'],
    create: `CREATE FUNCTION public.dm_eq(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
             CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = public.dm_eq)`,
    drop: 'DROP FUNCTION public.dm_eq(int, int) CASCADE' },
  { kind: 'operator class and family', check: ['pg_opclass', 'pg_opfamily'],
    create: `CREATE OPERATOR FAMILY public.dm_fam USING btree;
             CREATE OPERATOR CLASS public.dm_ops FOR TYPE int USING btree FAMILY public.dm_fam AS
               OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int, int)`,
    drop: 'DROP OPERATOR FAMILY public.dm_fam USING btree CASCADE' },
  { kind: 'cast', check: ['pg_cast', 'types', 'procs'],
    create: `CREATE TYPE public.dm_pair AS (a int, b int);
             CREATE FUNCTION public.dm_pair_sum(public.dm_pair) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT ($1).a + ($1).b';
             CREATE CAST (public.dm_pair AS int) WITH FUNCTION public.dm_pair_sum(public.dm_pair)`,
    drop: 'DROP TYPE public.dm_pair CASCADE' },
  { kind: 'event trigger', check: ['pg_event_trigger', 'procs'],
    create: `CREATE FUNCTION public.dm_evt() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
             CREATE EVENT TRIGGER dm_evt ON ddl_command_start EXECUTE FUNCTION public.dm_evt()`,
    drop: 'DROP FUNCTION public.dm_evt() CASCADE' },
  { kind: 'publication', check: ['pg_publication'], create: 'CREATE PUBLICATION dm_pub', drop: 'DROP PUBLICATION dm_pub' },
  { kind: 'subscription', check: ['pg_subscription'],
    create: `CREATE SUBSCRIPTION dm_sub CONNECTION 'host=127.0.0.1 dbname=nowhere' PUBLICATION dm_nothing WITH (connect = false, slot_name = NONE)`,
    drop: 'DROP SUBSCRIPTION dm_sub' },
  { kind: 'foreign data wrapper, server and user mapping', check: ['pg_foreign_data_wrapper', 'pg_foreign_server', 'pg_user_mapping'],
    create: `CREATE FOREIGN DATA WRAPPER dm_fdw; CREATE SERVER dm_srv FOREIGN DATA WRAPPER dm_fdw; CREATE USER MAPPING FOR PUBLIC SERVER dm_srv`,
    drop: 'DROP FOREIGN DATA WRAPPER dm_fdw CASCADE' },
  { kind: 'policy', check: ['pg_policy', 'relations'],
    create: `CREATE TABLE public.dm_secret (id int); ALTER TABLE public.dm_secret ENABLE ROW LEVEL SECURITY; CREATE POLICY dm_pol ON public.dm_secret USING (id > 0)`,
    drop: 'DROP TABLE public.dm_secret' },
  { kind: 'statistics object', check: ['pg_statistic_ext', 'relations'],
    create: 'CREATE TABLE public.dm_stats_t (a int, b int); CREATE STATISTICS public.dm_stx (ndistinct) ON a, b FROM public.dm_stats_t',
    drop: 'DROP TABLE public.dm_stats_t' },
  { kind: 'conversion', check: ['pg_conversion'], create: `CREATE CONVERSION public.dm_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8`, drop: 'DROP CONVERSION public.dm_conv' },
  { kind: 'procedural language', check: ['pg_language', 'procs'],
    create: `CREATE FUNCTION public.dm_lang_handler() RETURNS language_handler LANGUAGE C AS '$libdir/plpgsql', 'plpgsql_call_handler';
             CREATE LANGUAGE dm_lang HANDLER public.dm_lang_handler`,
    drop: 'DROP FUNCTION public.dm_lang_handler() CASCADE' },
  { kind: 'extension', check: ['pg_extension', 'types'], create: 'CREATE EXTENSION citext', drop: 'DROP EXTENSION citext' },
  { kind: 'access method', check: ['pg_am'], create: 'CREATE ACCESS METHOD dm_am TYPE TABLE HANDLER heap_tableam_handler', drop: 'DROP ACCESS METHOD dm_am' },
  { kind: 'types and functions in another schema', check: ['schemas', 'types', 'procs', 'relations'],
    create: `CREATE SCHEMA dm_other; CREATE TYPE dm_other.mood AS ENUM ('calm'); CREATE DOMAIN dm_other.pos AS int CHECK (VALUE > 0);
             CREATE FUNCTION dm_other.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TABLE dm_other.t (m dm_other.mood)`,
    drop: 'DROP SCHEMA dm_other CASCADE' },
  { kind: 'types, functions and views in public', check: ['types', 'procs', 'relations'],
    create: `CREATE TYPE public.dm_range AS RANGE (subtype = int); CREATE TYPE public.dm_enum AS ENUM ('x');
             CREATE FUNCTION public.dm_fn() RETURNS int LANGUAGE sql AS 'SELECT 2'; CREATE VIEW public.dm_view AS SELECT 1 AS one;
             CREATE SEQUENCE public.dm_seq`,
    drop: 'DROP TYPE public.dm_range; DROP TYPE public.dm_enum; DROP FUNCTION public.dm_fn(); DROP VIEW public.dm_view; DROP SEQUENCE public.dm_seq' },
  { kind: 'partitioned table with partitions', check: ['relations'],
    create: `CREATE TABLE public.dm_part (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
             CREATE TABLE public.dm_part_2026 PARTITION OF public.dm_part FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
    drop: 'DROP TABLE public.dm_part' },
  { kind: 'large object', check: ['large_objects'], create: `SELECT lo_from_bytea(424242, 'x')`, drop: 'SELECT lo_unlink(424242)' },
];
