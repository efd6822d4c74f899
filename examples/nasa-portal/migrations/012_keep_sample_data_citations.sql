-- Gives every cited figure of the sample data set (data/*.json) a place to live. Until now the
-- seeder had nowhere to put a mission's or an astronaut's sources, an astronaut's death date, a
-- milestone's category or a planned launch window, and dropped them silently.
--   * source: the citations of the row, as the data file gives them (one text, "; " between).
--   * missions.metadata: figures without a column of their own (planned_launch, ...), like
--     space_objects.metadata.
-- ADD COLUMN with a constant default (or none) only updates the catalog (PostgreSQL 11+): no
-- table rewrite. The ACCESS EXCLUSIVE lock is still taken for a moment, so lock_timeout makes
-- it give up rather than queue the portal's queries behind a long-running one.
-- Up migration
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '1min';

ALTER TABLE agencies ADD COLUMN source text;
ALTER TABLE missions
    ADD COLUMN source text,
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE astronauts
    ADD COLUMN death_date date,
    ADD COLUMN source text;
ALTER TABLE milestones
    ADD COLUMN category text,
    ADD COLUMN source text;
ALTER TABLE spacecraft ADD COLUMN source text;
ALTER TABLE instruments ADD COLUMN source text;

-- Down migration
SET LOCAL lock_timeout = '5s';
ALTER TABLE instruments DROP COLUMN IF EXISTS source;
ALTER TABLE spacecraft DROP COLUMN IF EXISTS source;
ALTER TABLE milestones DROP COLUMN IF EXISTS source, DROP COLUMN IF EXISTS category;
ALTER TABLE astronauts DROP COLUMN IF EXISTS source, DROP COLUMN IF EXISTS death_date;
ALTER TABLE missions DROP COLUMN IF EXISTS metadata, DROP COLUMN IF EXISTS source;
ALTER TABLE agencies DROP COLUMN IF EXISTS source;
