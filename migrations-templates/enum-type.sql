-- {{version}}_{{name}}: enum type {{table}}.
--
-- An enum stores 4 bytes per value and rejects anything not in the list. Adding a value
-- later is cheap (ALTER TYPE {{table}} ADD VALUE 'new' [BEFORE|AFTER 'x']; before PostgreSQL
-- 12 it cannot run in a transaction), but removing or renaming one means creating a new type
-- and converting every column that uses it, which rewrites those tables. If the list changes
-- often, prefer a text column with a CHECK constraint, or a lookup table with a foreign key.
-- Up migration
CREATE TYPE {{table}} AS ENUM ('planned', 'active', 'completed');

-- Down migration
-- Fails while a column still uses the type: drop or convert those columns first.
DROP TYPE IF EXISTS {{table}};
