-- Observations of space objects: when, with which instrument (as reported, and resolved to
-- the instruments catalog when known), where in the sky, by which mission.
-- Up migration
CREATE TABLE observations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_object_id   bigint NOT NULL REFERENCES space_objects (id) ON DELETE CASCADE,
    mission_id        bigint REFERENCES missions (id) ON DELETE SET NULL,
    instrument_id     bigint REFERENCES instruments (id) ON DELETE SET NULL,
    instrument        text,
    observer          text,
    observed_at       timestamptz NOT NULL,
    exposure_seconds  double precision CHECK (exposure_seconds > 0),
    -- Equatorial coordinates (J2000), in degrees.
    right_ascension   double precision CHECK (right_ascension >= 0 AND right_ascension < 360),
    declination       double precision CHECK (declination BETWEEN -90 AND 90),
    wavelength_band   text CHECK (wavelength_band IN ('radio', 'microwave', 'infrared', 'visible', 'ultraviolet', 'x-ray', 'gamma-ray')),
    data_url          text CHECK (data_url ~ '^https?://'),
    notes             text,
    metadata          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT observations_coordinates_check CHECK ((right_ascension IS NULL) = (declination IS NULL))
);

-- An object's observations over time; a mission's observations over time; all observations in a time range.
CREATE INDEX idx_observations_object_time ON observations (space_object_id, observed_at);
CREATE INDEX idx_observations_mission_time ON observations (mission_id, observed_at);
CREATE INDEX idx_observations_instrument ON observations (instrument_id);
CREATE INDEX idx_observations_observed_at ON observations (observed_at);

-- Down migration
DROP TABLE IF EXISTS observations;
