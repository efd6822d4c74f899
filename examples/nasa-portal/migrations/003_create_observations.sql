-- Observations of space objects, optionally made by a mission.
-- depends: 001_create_space_objects, 002_create_missions
-- Up migration
CREATE TABLE observations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_object_id  integer NOT NULL REFERENCES space_objects (id) ON DELETE CASCADE,
    mission_id       bigint REFERENCES missions (id) ON DELETE SET NULL,
    instrument       text,
    observed_at      timestamptz NOT NULL,
    right_ascension  double precision CHECK (right_ascension >= 0 AND right_ascension < 360),
    declination      double precision CHECK (declination BETWEEN -90 AND 90),
    notes            text,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_observations_object_time ON observations (space_object_id, observed_at);
CREATE INDEX idx_observations_mission ON observations (mission_id);

-- Down migration
DROP TABLE IF EXISTS observations;
