-- {{version}}_{{name}}: create table {{table}}.
-- Types that age well: bigint identity keys (int runs out at 2.1 billion), text (with a CHECK
-- when a length limit matters; varchar(n) needs a lock to raise later), timestamptz (an instant,
-- whatever the session time zone). Index every foreign key column in this migration: the
-- table is new and empty, so a plain CREATE INDEX locks nothing anyone is waiting for.
-- Up migration
CREATE TABLE IF NOT EXISTS {{table}} (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_{{table}}_created_at ON {{table}} (created_at);

-- Down migration
DROP TABLE IF EXISTS {{table}};
