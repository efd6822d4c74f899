-- idx_space_objects_nasa_id duplicates the index behind UNIQUE (nasa_id) from 001: it serves
-- no query the unique index does not, and costs on every write. DROP INDEX CONCURRENTLY waits
-- for running queries without blocking anyone (a plain DROP INDEX would lock the table against
-- reads and writes while it waits); it cannot run inside a transaction.
-- transaction: none
-- Up migration
DROP INDEX CONCURRENTLY IF EXISTS idx_space_objects_nasa_id;

-- Down migration
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_space_objects_nasa_id ON space_objects (nasa_id);
