-- Space agencies and missions. A mission's status says where it stands (planned, active,
-- completed, lost, cancelled); "era" groups it as past / present / planned for the portal's tabs.
-- missions.agency keeps the agencies as published ("NASA/ESA/ASI"); mission_agencies links
-- them to the agencies table with their role, for queries by agency.
-- Up migration
CREATE TABLE agencies (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    country     text,
    founded_on  date,
    website_url text CHECK (website_url ~ '^https?://'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE missions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 200),
    agency       text NOT NULL,
    status       text NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'lost', 'cancelled')),
    era          text GENERATED ALWAYS AS (
                     CASE status WHEN 'planned' THEN 'planned' WHEN 'active' THEN 'present' ELSE 'past' END
                 ) STORED,
    launch_date  date,
    end_date     date,
    target       text,
    crewed       boolean NOT NULL DEFAULT false,
    description  text,
    website_url  text CHECK (website_url ~ '^https?://'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT missions_dates_check CHECK (end_date IS NULL OR launch_date IS NULL OR end_date >= launch_date),
    CONSTRAINT missions_planned_has_no_end CHECK (status <> 'planned' OR end_date IS NULL)
);

-- The portal lists missions by era and status, newest launch first.
CREATE INDEX idx_missions_status_launch ON missions (status, launch_date DESC);
CREATE INDEX idx_missions_launch_date ON missions (launch_date);

CREATE TABLE mission_agencies (
    mission_id  bigint NOT NULL REFERENCES missions (id) ON DELETE CASCADE,
    agency_id   bigint NOT NULL REFERENCES agencies (id) ON DELETE RESTRICT,
    role        text NOT NULL DEFAULT 'partner' CHECK (role IN ('lead', 'partner', 'contributor')),
    PRIMARY KEY (mission_id, agency_id)
);

CREATE INDEX idx_mission_agencies_agency ON mission_agencies (agency_id);
-- At most one lead agency per mission.
CREATE UNIQUE INDEX idx_mission_agencies_one_lead ON mission_agencies (mission_id) WHERE role = 'lead';

-- Down migration
DROP TABLE IF EXISTS mission_agencies;
DROP TABLE IF EXISTS missions;
DROP TABLE IF EXISTS agencies;
