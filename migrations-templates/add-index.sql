-- {{version}}_{{name}}: index {{table}} ({{column}}).
--
-- CREATE INDEX CONCURRENTLY builds the index while reads and writes go on (a plain CREATE
-- INDEX blocks every write for the whole build). It cannot run inside a transaction, hence
-- "-- transaction: none": each statement commits on its own.
-- If a concurrent build fails (a duplicate in a unique index, a cancel, a lost connection) it
-- leaves an INVALID index behind that still slows writes and that IF NOT EXISTS would skip.
-- The first statement drops such a leftover, so the migration can simply be run again
-- (after "database-migration --mark-rolled-back {{version}}" if it was left dirty).
-- transaction: none
-- Up migration
DROP INDEX CONCURRENTLY IF EXISTS idx_{{table}}_{{column}};
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_{{table}}_{{column}} ON {{table}} ({{column}});

-- Down migration
DROP INDEX CONCURRENTLY IF EXISTS idx_{{table}}_{{column}};
