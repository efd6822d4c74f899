-- {{version}}_{{name}}: create table {{table}}.
-- Up migration
CREATE TABLE IF NOT EXISTS {{table}} (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down migration
DROP TABLE IF EXISTS {{table}};
