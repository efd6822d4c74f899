-- {{version}}_{{name}}: say what this migration changes and why.
-- Up migration
-- Write the change here. Each migration runs in one transaction with its history row;
-- put "-- transaction: none" above the Up marker only for statements that cannot run
-- in a transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before PG 12).

-- Down migration
-- Write the statements that undo the up section, in reverse order
-- (CREATE TABLE -> DROP TABLE, ADD COLUMN -> DROP COLUMN, ...).
