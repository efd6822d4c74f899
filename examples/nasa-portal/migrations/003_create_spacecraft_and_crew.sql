-- Spacecraft and their instruments, astronauts and mission crews, and dated milestones.
-- Up migration
CREATE TABLE spacecraft (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mission_id      bigint NOT NULL REFERENCES missions (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    kind            text NOT NULL CHECK (kind IN ('orbiter', 'lander', 'rover', 'flyby', 'telescope', 'crew-vehicle',
                                                  'probe', 'helicopter', 'sample-return', 'space-station')),
    status          text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'operational', 'retired', 'lost')),
    -- International designator, e.g. 1977-084A for Voyager 1.
    cospar_id       text UNIQUE CHECK (cospar_id ~ '^[0-9]{4}-[0-9]{3}[A-Z]{1,3}$'),
    launch_mass_kg  numeric CHECK (launch_mass_kg > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT spacecraft_mission_name_key UNIQUE (mission_id, name)
);

CREATE TABLE instruments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spacecraft_id  bigint NOT NULL REFERENCES spacecraft (id) ON DELETE CASCADE,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('camera', 'spectrometer', 'magnetometer', 'radar', 'particle-detector',
                                                 'radiometer', 'telescope', 'seismometer', 'drill', 'other')),
    description    text,
    CONSTRAINT instruments_spacecraft_name_key UNIQUE (spacecraft_id, name)
);

CREATE TABLE astronauts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 200),
    agency_id     bigint REFERENCES agencies (id) ON DELETE SET NULL,
    nationality   text,
    birth_date    date,
    selected_on   date,
    -- Notable achievements as a JSON array of {"date", "text"} objects.
    achievements  jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(achievements) = 'array'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT astronauts_dates_check CHECK (selected_on IS NULL OR birth_date IS NULL OR selected_on > birth_date)
);

CREATE INDEX idx_astronauts_agency ON astronauts (agency_id);

CREATE TABLE mission_crew (
    mission_id    bigint NOT NULL REFERENCES missions (id) ON DELETE CASCADE,
    astronaut_id  bigint NOT NULL REFERENCES astronauts (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (char_length(role) BETWEEN 1 AND 100),
    PRIMARY KEY (mission_id, astronaut_id)
);

CREATE INDEX idx_mission_crew_astronaut ON mission_crew (astronaut_id);

CREATE TABLE milestones (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_on  date NOT NULL,
    title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
    description  text,
    mission_id   bigint REFERENCES missions (id) ON DELETE SET NULL,
    source_url   text CHECK (source_url ~ '^https?://'),
    CONSTRAINT milestones_date_title_key UNIQUE (occurred_on, title)
);

CREATE INDEX idx_milestones_mission ON milestones (mission_id);

-- Down migration
DROP TABLE IF EXISTS milestones;
DROP TABLE IF EXISTS mission_crew;
DROP TABLE IF EXISTS astronauts;
DROP TABLE IF EXISTS instruments;
DROP TABLE IF EXISTS spacecraft;
