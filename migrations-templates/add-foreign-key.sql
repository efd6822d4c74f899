-- {{version}}_{{name}}: foreign key {{table}} ({{column}}) -> {{ref_table}} (id).
--
-- Adding a foreign key normally checks every existing row while writes to BOTH tables are
-- blocked. The safe pattern (squawk, strong_migrations) splits it in two transactions:
--   1. ADD CONSTRAINT ... NOT VALID: a brief lock, no scan; new and updated rows are checked
--      from now on.
--   2. VALIDATE CONSTRAINT: checks the old rows under a SHARE UPDATE EXCLUSIVE lock, so reads
--      and writes go on. It must run in a later transaction than step 1 - in the same one the
--      stronger lock of step 1 would still be held during the scan.
-- "-- transaction: none" makes each statement its own transaction, so both steps fit in one
-- file. (Alternatively keep step 1 here and put step 2 in the next migration.)
-- Before this: {{table}}.{{column}} exists (add-column template) and is indexed (add-index
-- template); without that index every DELETE on {{ref_table}} scans {{table}}.
-- If VALIDATE fails, some rows point nowhere: fix them, then run the migration again (it is
-- re-runnable: the constraint is dropped with IF EXISTS before it is added).
-- transaction: none
-- Up migration
SET lock_timeout = '5s';
ALTER TABLE {{table}}
    DROP CONSTRAINT IF EXISTS {{table}}_{{column}}_fkey,
    ADD CONSTRAINT {{table}}_{{column}}_fkey FOREIGN KEY ({{column}}) REFERENCES {{ref_table}} (id) NOT VALID;
ALTER TABLE {{table}} VALIDATE CONSTRAINT {{table}}_{{column}}_fkey;
RESET lock_timeout;

-- Down migration
SET lock_timeout = '5s';
ALTER TABLE {{table}} DROP CONSTRAINT IF EXISTS {{table}}_{{column}}_fkey;
RESET lock_timeout;
