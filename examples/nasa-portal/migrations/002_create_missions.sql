-- Space missions: agency, status past/present/planned, launch date and target.
-- Up migration
CREATE TABLE missions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    agency         text NOT NULL,
    status         text NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'lost')),
    launch_date    date,
    end_date       date,
    target         text,
    crewed         boolean NOT NULL DEFAULT false,
    description    text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date IS NULL OR launch_date IS NULL OR end_date >= launch_date)
);

CREATE INDEX idx_missions_status ON missions (status);

-- Down migration
DROP TABLE IF EXISTS missions;
