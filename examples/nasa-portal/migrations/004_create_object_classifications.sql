-- Classification hierarchy of astronomical objects (planets, dwarf planets, moons, asteroids,
-- comets, stars, ...), which classes each object belongs to (Ceres is both a dwarf planet and
-- an asteroid), orbital elements in typed columns (plus JSONB for the rest of a solution),
-- and which objects each mission targets.
-- Columns pointing at space_objects are bigint although space_objects.id is still integer:
-- a foreign key between the two works, and widening space_objects.id later then touches one table.
-- Up migration
CREATE TABLE object_classes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]*$'),
    name         text NOT NULL,
    parent_id    bigint REFERENCES object_classes (id) ON DELETE RESTRICT,
    description  text,
    CONSTRAINT object_classes_not_own_parent CHECK (parent_id <> id)
);

CREATE INDEX idx_object_classes_parent ON object_classes (parent_id);

-- The hierarchy itself is reference data the application relies on: it ships with the schema.
-- The codes match space_objects.object_type values.
INSERT INTO object_classes (code, name) VALUES ('celestial-body', 'Celestial body');
INSERT INTO object_classes (code, name, parent_id)
SELECT v.code, v.name, p.id
  FROM (VALUES ('star', 'Star', 'celestial-body'),
               ('planet', 'Planet', 'celestial-body'),
               ('dwarf-planet', 'Dwarf planet', 'celestial-body'),
               ('moon', 'Moon (natural satellite)', 'celestial-body'),
               ('small-body', 'Small Solar System body', 'celestial-body')) AS v (code, name, parent)
  JOIN object_classes p ON p.code = v.parent;
INSERT INTO object_classes (code, name, parent_id)
SELECT v.code, v.name, p.id
  FROM (VALUES ('terrestrial-planet', 'Terrestrial planet', 'planet'),
               ('giant-planet', 'Giant planet', 'planet'),
               ('asteroid', 'Asteroid', 'small-body'),
               ('comet', 'Comet', 'small-body'),
               ('trans-neptunian-object', 'Trans-Neptunian object', 'small-body')) AS v (code, name, parent)
  JOIN object_classes p ON p.code = v.parent;
INSERT INTO object_classes (code, name, parent_id)
SELECT v.code, v.name, p.id
  FROM (VALUES ('near-earth-asteroid', 'Near-Earth asteroid', 'asteroid'),
               ('main-belt-asteroid', 'Main-belt asteroid', 'asteroid'),
               ('periodic-comet', 'Periodic comet', 'comet'),
               ('long-period-comet', 'Long-period comet', 'comet')) AS v (code, name, parent)
  JOIN object_classes p ON p.code = v.parent;

CREATE TABLE space_object_classes (
    space_object_id  bigint NOT NULL REFERENCES space_objects (id) ON DELETE CASCADE,
    class_id         bigint NOT NULL REFERENCES object_classes (id) ON DELETE CASCADE,
    PRIMARY KEY (space_object_id, class_id)
);

CREATE INDEX idx_space_object_classes_class ON space_object_classes (class_id);

-- Objects already in the catalog get the class their object_type names (reads space_objects only).
INSERT INTO space_object_classes (space_object_id, class_id)
SELECT o.id, c.id
  FROM space_objects o
  JOIN object_classes c ON c.code = o.object_type;

CREATE TABLE orbital_elements (
    space_object_id               bigint PRIMARY KEY REFERENCES space_objects (id) ON DELETE CASCADE,
    -- What it orbits: the Sun for planets and small bodies, the planet for a moon.
    central_body_id               bigint REFERENCES space_objects (id) ON DELETE SET NULL,
    epoch                         timestamptz,
    semi_major_axis_au            double precision,
    eccentricity                  double precision CHECK (eccentricity >= 0),
    inclination_deg               double precision CHECK (inclination_deg BETWEEN 0 AND 180),
    longitude_ascending_node_deg  double precision CHECK (longitude_ascending_node_deg >= 0 AND longitude_ascending_node_deg < 360),
    argument_of_periapsis_deg     double precision CHECK (argument_of_periapsis_deg >= 0 AND argument_of_periapsis_deg < 360),
    mean_anomaly_deg              double precision CHECK (mean_anomaly_deg >= 0 AND mean_anomaly_deg < 360),
    orbital_period_days           double precision CHECK (orbital_period_days > 0),
    -- Everything else of the orbit solution: uncertainties, MOID, solution id, ...
    extra                         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(extra) = 'object'),
    source                        text,
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    -- Elliptical orbits (e < 1) have a positive semi-major axis, hyperbolic ones a negative one.
    CONSTRAINT orbital_elements_axis_check CHECK (
        semi_major_axis_au IS NULL OR eccentricity IS NULL
        OR (eccentricity < 1 AND semi_major_axis_au > 0) OR (eccentricity > 1 AND semi_major_axis_au < 0))
);

CREATE INDEX idx_orbital_elements_central_body ON orbital_elements (central_body_id);

CREATE TABLE mission_targets (
    mission_id       bigint NOT NULL REFERENCES missions (id) ON DELETE CASCADE,
    space_object_id  bigint NOT NULL REFERENCES space_objects (id) ON DELETE CASCADE,
    PRIMARY KEY (mission_id, space_object_id)
);

CREATE INDEX idx_mission_targets_object ON mission_targets (space_object_id);

-- Down migration
DROP TABLE IF EXISTS mission_targets;
DROP TABLE IF EXISTS orbital_elements;
DROP TABLE IF EXISTS space_object_classes;
DROP TABLE IF EXISTS object_classes;
