/**
 * SQL that removes every user object (oid >= 16384, FirstNormalObjectId) of the
 * current database so a restore leaves exactly what the backup held — including
 * dropping what was created after the backup. Runs inside the restore's
 * transaction, so a failed restore changes nothing.
 *
 * Database-level objects: event triggers (dropped first, so none fires during the
 * wipe), subscriptions, publications, extensions, casts, procedural languages,
 * foreign-data wrappers and servers (with their user mappings), access methods,
 * transforms, large objects. Schema-level objects: every schema other than
 * public is dropped whole; in public (and in a schema holding an extension that
 * stays) relations, routines, types, collations, conversions, operators,
 * operator classes and families, text search configurations, dictionaries,
 * parsers and templates, and statistics objects are dropped one by one.
 * Policies, triggers, rules and indexes go with their tables.
 *
 * Objects that belong to an extension are left to the extension. Extensions the
 * backup also has are kept in place (`keepExtensions`; the restore skips their
 * CREATE/COMMENT): a role that does not own an extension installed by a
 * superuser can restore, and nothing has to re-install it. plpgsql always stays.
 */
import { literal } from '../history';

/**
 * Neither an extension's member nor part of another object (an internal dependency: a range type's
 * constructor functions, an identity column's sequence, an array type): those go with their owner.
 * A partitioned table's internal dependency on its own key columns does not count.
 */
function notMember(cat: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${cat}'::regclass AND d.objid = ${oid} AND d.deptype IN ('e', 'i')
                                   AND NOT (d.refclassid = d.classid AND d.refobjid = d.objid))`;
}

/** One loop: `select` yields the rows, `stmt` the format() call that builds the DROP for row `r`. */
function loop(select: string, stmt: string, guard?: string): string {
  const run = `EXECUTE ${stmt};`;
  return `  FOR r IN ${select}\n  LOOP ${guard ? `IF ${guard} THEN ${run} END IF;` : run} END LOOP;`;
}

function databaseLevel(): string[] {
  return [
    loop(`SELECT evtname FROM pg_event_trigger e WHERE e.oid >= 16384 AND ${notMember('pg_event_trigger', 'e.oid')}`,
      `format('DROP EVENT TRIGGER IF EXISTS %I CASCADE', r.evtname)`),
    // A subscription is detached from its replication slot first: DROP SUBSCRIPTION may then run in a transaction.
    `  FOR r IN SELECT subname FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  LOOP EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', r.subname); EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', r.subname);
    EXECUTE format('DROP SUBSCRIPTION %I', r.subname); END LOOP;`,
    loop(`SELECT pubname FROM pg_publication p WHERE p.oid >= 16384`, `format('DROP PUBLICATION IF EXISTS %I', r.pubname)`),
  ];
}

function extensionsAndSchemas(): string[] {
  return [
    // An extension the backup does not have goes; one this role may not drop stops the restore with the fix.
    `  FOR r IN SELECT e.extname, o.rolname FROM pg_extension e JOIN pg_roles o ON o.oid = e.extowner WHERE e.extname <> ALL (keep)
  LOOP
    IF NOT pg_has_role(current_user, r.rolname, 'USAGE') AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      RAISE EXCEPTION 'cannot remove extension % (not in the backup): it belongs to role %, not to %', r.extname, r.rolname, current_user
        USING HINT = format('ask %s or a superuser to run DROP EXTENSION %I, or restore as a role that owns it', r.rolname, r.extname);
    END IF;
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
  END LOOP;`,
    loop(`SELECT nspname FROM pg_namespace n WHERE n.oid <> ALL (kept_schemas) AND nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'
           AND ${notMember('pg_namespace', 'n.oid')}`,
    `format('DROP SCHEMA IF EXISTS %I CASCADE', r.nspname)`),
  ];
}

/** Objects in the schemas that stay (public, and those holding a kept extension). */
function inKeptSchemas(): string[] {
  const rel = (kinds: string, extra = '') => `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relnamespace = ANY (kept_schemas) AND c.oid >= 16384 AND c.relkind IN (${kinds}) ${extra} AND ${notMember('pg_class', 'c.oid')}`;
  const named = (cat: string, nsCol: string, nameCol: string, what: string, extra = '') =>
    loop(`SELECT n.nspname, x.${nameCol} AS name FROM ${cat} x JOIN pg_namespace n ON n.oid = x.${nsCol}
           WHERE x.${nsCol} = ANY (kept_schemas) AND x.oid >= 16384 ${extra} AND ${notMember(cat, 'x.oid')}`,
    `format('DROP ${what} IF EXISTS %I.%I CASCADE', r.nspname, r.name)`);
  const byAm = (cat: string, nsCol: string, nameCol: string, amCol: string, what: string) =>
    loop(`SELECT n.nspname, x.${nameCol} AS name, a.amname FROM ${cat} x JOIN pg_namespace n ON n.oid = x.${nsCol} JOIN pg_am a ON a.oid = x.${amCol}
           WHERE x.${nsCol} = ANY (kept_schemas) AND x.oid >= 16384 AND ${notMember(cat, 'x.oid')}`,
    `format('DROP ${what} IF EXISTS %I.%I USING %I CASCADE', r.nspname, r.name, r.amname)`);
  return [
    loop(rel(`'v', 'm'`), `format(CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I.%I CASCADE' ELSE 'DROP MATERIALIZED VIEW IF EXISTS %I.%I CASCADE' END, r.nspname, r.relname)`),
    loop(rel(`'r', 'p', 'f'`, 'AND NOT c.relispartition'),
      `format(CASE r.relkind WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS %I.%I CASCADE' ELSE 'DROP TABLE IF EXISTS %I.%I CASCADE' END, r.nspname, r.relname)`),
    loop(rel(`'S'`), `format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', r.nspname, r.relname)`),
    named('pg_statistic_ext', 'stxnamespace', 'stxname', 'STATISTICS'),
    byAm('pg_opfamily', 'opfnamespace', 'opfname', 'opfmethod', 'OPERATOR FAMILY'),
    byAm('pg_opclass', 'opcnamespace', 'opcname', 'opcmethod', 'OPERATOR CLASS'),
    loop(`SELECT o.oid FROM pg_operator o WHERE o.oprnamespace = ANY (kept_schemas) AND o.oid >= 16384 AND ${notMember('pg_operator', 'o.oid')}`,
      `format('DROP OPERATOR IF EXISTS %s CASCADE', r.oid::regoperator)`, `EXISTS (SELECT 1 FROM pg_operator WHERE oid = r.oid)`),
    loop(`SELECT p.oid, p.prokind FROM pg_proc p WHERE p.pronamespace = ANY (kept_schemas) AND p.oid >= 16384 AND ${notMember('pg_proc', 'p.oid')}`,
      `format(CASE r.prokind WHEN 'a' THEN 'DROP AGGREGATE IF EXISTS %s CASCADE' WHEN 'p' THEN 'DROP PROCEDURE IF EXISTS %s CASCADE' ELSE 'DROP FUNCTION IF EXISTS %s CASCADE' END, r.oid::regprocedure)`,
      `EXISTS (SELECT 1 FROM pg_proc WHERE oid = r.oid)`),
    named('pg_ts_config', 'cfgnamespace', 'cfgname', 'TEXT SEARCH CONFIGURATION'),
    named('pg_ts_dict', 'dictnamespace', 'dictname', 'TEXT SEARCH DICTIONARY'),
    named('pg_ts_parser', 'prsnamespace', 'prsname', 'TEXT SEARCH PARSER'),
    named('pg_ts_template', 'tmplnamespace', 'tmplname', 'TEXT SEARCH TEMPLATE'),
    named('pg_conversion', 'connamespace', 'conname', 'CONVERSION'),
    named('pg_collation', 'collnamespace', 'collname', 'COLLATION'),
    // Array types, table row types and multiranges belong to another object (an internal dependency) and go with it.
    loop(`SELECT n.nspname, t.typname, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE t.typnamespace = ANY (kept_schemas) AND t.oid >= 16384 AND t.typtype IN ('b', 'c', 'd', 'e', 'r', 'p')
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('e', 'i'))`,
    `format(CASE r.typtype WHEN 'd' THEN 'DROP DOMAIN IF EXISTS %I.%I CASCADE' ELSE 'DROP TYPE IF EXISTS %I.%I CASCADE' END, r.nspname, r.typname)`),
  ];
}

function databaseLevelLast(): string[] {
  return [
    loop(`SELECT c.oid, c.castsource, c.casttarget FROM pg_cast c WHERE c.oid >= 16384 AND ${notMember('pg_cast', 'c.oid')}`,
      `format('DROP CAST IF EXISTS (%s AS %s) CASCADE', format_type(r.castsource, NULL), format_type(r.casttarget, NULL))`,
      `EXISTS (SELECT 1 FROM pg_cast WHERE oid = r.oid)`),
    loop(`SELECT t.oid, t.trftype, l.lanname FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang WHERE t.oid >= 16384 AND ${notMember('pg_transform', 't.oid')}`,
      `format('DROP TRANSFORM IF EXISTS FOR %s LANGUAGE %I CASCADE', format_type(r.trftype, NULL), r.lanname)`,
      `EXISTS (SELECT 1 FROM pg_transform WHERE oid = r.oid)`),
    loop(`SELECT lanname FROM pg_language l WHERE l.oid >= 16384 AND l.lanname <> 'plpgsql' AND ${notMember('pg_language', 'l.oid')}`,
      `format('DROP LANGUAGE IF EXISTS %I CASCADE', r.lanname)`),
    loop(`SELECT srvname FROM pg_foreign_server s WHERE s.oid >= 16384 AND ${notMember('pg_foreign_server', 's.oid')}`,
      `format('DROP SERVER IF EXISTS %I CASCADE', r.srvname)`),
    loop(`SELECT fdwname FROM pg_foreign_data_wrapper w WHERE w.oid >= 16384 AND ${notMember('pg_foreign_data_wrapper', 'w.oid')}`,
      `format('DROP FOREIGN DATA WRAPPER IF EXISTS %I CASCADE', r.fdwname)`),
    loop(`SELECT amname FROM pg_am a WHERE a.oid >= 16384 AND ${notMember('pg_am', 'a.oid')}`,
      `format('DROP ACCESS METHOD IF EXISTS %I CASCADE', r.amname)`),
    `  PERFORM lo_unlink(oid) FROM pg_largeobject_metadata;`,
  ];
}

/** The wipe for a restore whose backup contains the extensions `keepExtensions` (they stay installed). */
export function wipeUserObjectsSql(keepExtensions: readonly string[] = []): string {
  const keep = [...new Set(['plpgsql', ...keepExtensions])].map((e) => literal(e)).join(', ');
  return `
DO $wipe$
DECLARE
  r record;
  keep text[] := ARRAY[${keep}]::text[];
  kept_schemas oid[];
BEGIN
${databaseLevel().join('\n')}
  -- public, and the schemas of extensions that stay; never a system schema.
  kept_schemas := ARRAY(SELECT 'public'::regnamespace::oid UNION SELECT e.extnamespace FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                        WHERE e.extname = ANY (keep) AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%');
${extensionsAndSchemas().join('\n')}
${inKeptSchemas().join('\n')}
${databaseLevelLast().join('\n')}
END
$wipe$;
`;
}

/** The wipe that keeps no extension but plpgsql. */
export const WIPE_USER_OBJECTS_SQL = wipeUserObjectsSql();
