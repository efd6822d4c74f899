-- {{version}}_{{name}}: add column {{column}} to {{table}}.
--
-- Safe on a large, busy table because it only changes the catalog:
--   * The column is nullable. A constant DEFAULT is fine too (PostgreSQL 11+ stores it once
--     instead of writing it into every row): ADD COLUMN {{column}} text NOT NULL DEFAULT 'x'.
--     A volatile default (now(), random(), gen_random_uuid()) rewrites the whole table under
--     an ACCESS EXCLUSIVE lock: add the column without it and backfill instead.
--   * No REFERENCES here: use the add-foreign-key template afterwards (NOT VALID, then VALIDATE).
--   * Making it NOT NULL later: backfill, ADD CONSTRAINT ... CHECK ({{column}} IS NOT NULL) NOT VALID,
--     VALIDATE CONSTRAINT in a later migration, then SET NOT NULL (PostgreSQL 12+ trusts the
--     validated check and skips the full-table scan).
-- Backfilling existing rows is a SEPARATE migration (or a job): UPDATE in batches of a few
-- thousand rows per transaction (WHERE id BETWEEN ... AND ...), so no single transaction locks
-- many rows, holds back vacuum or floods replication.
-- ALTER TABLE still needs a moment of ACCESS EXCLUSIVE lock; lock_timeout makes it give up
-- (and the migration fail cleanly, ready to retry) instead of queueing all traffic behind a
-- long-running query.
-- Up migration
SET LOCAL lock_timeout = '5s';
ALTER TABLE {{table}} ADD COLUMN {{column}} text;

-- Down migration
SET LOCAL lock_timeout = '5s';
ALTER TABLE {{table}} DROP COLUMN IF EXISTS {{column}};
