-- {{version}}_{{name}}: {{table}}, partitioned by month on created_at.
--
-- Range partitions by month keep each month a table of its own: queries for a time range
-- read only the months they need, and old months are detached or dropped in a moment
-- instead of DELETEd row by row. The primary key must include the partition key.
-- The DEFAULT partition catches rows no monthly partition covers, so an insert never fails
-- for want of a partition; keep it empty by creating months ahead (a scheduled job, or
-- "database-migration --partitions"), because attaching a month whose rows sit in the default
-- partition has to move them first.
-- Up migration
CREATE TABLE {{table}} (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE TABLE {{table}}_default PARTITION OF {{table}} DEFAULT;

-- The month this migration runs in and the two after it, named {{table}}_yYYYYmMM. Each covers one
-- UTC calendar month whatever the session's time zone: the bounds are timestamptz values with their
-- offset spelt out, which is also what "database-migration --partitions maintain" follows.
DO $$
DECLARE
    month_start date;
BEGIN
    FOR i IN 0..2 LOOP
        month_start := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
        EXECUTE format('CREATE TABLE %I PARTITION OF {{table}} FOR VALUES FROM (%L) TO (%L)',
                       '{{table}}_' || to_char(month_start, '"y"YYYY"m"MM'),
                       month_start::timestamp AT TIME ZONE 'UTC', (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END
$$;

-- Created on the parent, so every partition (present and future) gets its own copy.
CREATE INDEX idx_{{table}}_created_at ON {{table}} (created_at);

-- Down migration
-- Dropping the parent drops every partition still attached (detached ones stay: drop them by hand).
DROP TABLE IF EXISTS {{table}};
