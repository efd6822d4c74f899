/**
 * SQL that removes every user object (schemas other than public, extensions,
 * and everything in public) so a restore leaves exactly what the backup held —
 * including dropping what was created after the backup. Runs inside the
 * restore's transaction, so a failed restore changes nothing.
 */
export const WIPE_USER_OBJECTS_SQL = `
DO $wipe$
DECLARE r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname NOT LIKE 'pg\\_%'
  LOOP EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', r.nspname); END LOOP;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'
  LOOP EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname); END LOOP;
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
  LOOP EXECUTE format(CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS public.%I CASCADE' ELSE 'DROP MATERIALIZED VIEW IF EXISTS public.%I CASCADE' END, r.relname); END LOOP;
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'f') AND NOT c.relispartition
  LOOP EXECUTE format(CASE r.relkind WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS public.%I CASCADE' ELSE 'DROP TABLE IF EXISTS public.%I CASCADE' END, r.relname); END LOOP;
  FOR r IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'
  LOOP EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.relname); END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig, p.prokind FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace
  LOOP EXECUTE format(CASE r.prokind WHEN 'a' THEN 'DROP AGGREGATE IF EXISTS %s CASCADE' WHEN 'p' THEN 'DROP PROCEDURE IF EXISTS %s CASCADE' ELSE 'DROP FUNCTION IF EXISTS %s CASCADE' END, r.sig); END LOOP;
  FOR r IN SELECT t.typname, t.typtype FROM pg_type t
           WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'c', 'd', 'r', 'm')
             AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  LOOP EXECUTE format(CASE r.typtype WHEN 'd' THEN 'DROP DOMAIN IF EXISTS public.%I CASCADE' ELSE 'DROP TYPE IF EXISTS public.%I CASCADE' END, r.typname); END LOOP;
END
$wipe$;
`;
