-- environments: development, test
-- Synthetic portal users (every address is @example.com, reserved for documentation by RFC 2606),
-- with a few favorites and saved searches. No real person is meant. The planets, missions and the
-- rest of the cited sample data come from data/*.json only: this file never writes those tables.
-- Idempotent: a second run finds every row as it wants it and writes nothing.
INSERT INTO users (email, display_name, role)
VALUES
    ('member.one@example.com',   'Synthetic Member One',   'member'),
    ('member.two@example.com',   'Synthetic Member Two',   'member'),
    ('curator.one@example.com',  'Synthetic Curator One',  'curator'),
    ('admin.one@example.com',    'Synthetic Admin One',    'admin')
ON CONFLICT ((lower(email))) DO UPDATE
    SET display_name = EXCLUDED.display_name, role = EXCLUDED.role
    WHERE (users.display_name, users.role) IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.role);

INSERT INTO user_favorites (user_id, space_object_id, note)
SELECT u.id, o.id, f.note
  FROM (VALUES ('member.one@example.com', 'planet-saturn', 'synthetic: rings'),
               ('member.one@example.com', 'dwarf-pluto', 'synthetic: New Horizons flyby'),
               ('member.two@example.com', 'asteroid-101955-bennu', 'synthetic: sample return')) AS f (email, nasa_id, note)
  JOIN users u ON lower(u.email) = f.email
  JOIN space_objects o ON o.nasa_id = f.nasa_id
ON CONFLICT (user_id, space_object_id) WHERE space_object_id IS NOT NULL DO NOTHING;

INSERT INTO user_favorites (user_id, mission_id, note)
SELECT u.id, m.id, f.note
  FROM (VALUES ('member.two@example.com', 'Voyager 1', 'synthetic: farthest spacecraft'),
               ('curator.one@example.com', 'James Webb Space Telescope', 'synthetic: infrared')) AS f (email, mission, note)
  JOIN users u ON lower(u.email) = f.email
  JOIN missions m ON m.name = f.mission
ON CONFLICT (user_id, mission_id) WHERE mission_id IS NOT NULL DO NOTHING;

INSERT INTO saved_searches (user_id, name, params, notify)
SELECT u.id, s.name, s.params::jsonb, s.notify
  FROM (VALUES ('member.one@example.com', 'Near-Earth asteroids', '{"object_type": "asteroid", "classes": ["near-earth-asteroid"]}', true),
               ('curator.one@example.com', 'Active missions', '{"status": "active"}', false)) AS s (email, name, params, notify)
  JOIN users u ON lower(u.email) = s.email
ON CONFLICT (user_id, name) DO UPDATE
    SET params = EXCLUDED.params, notify = EXCLUDED.notify
    WHERE (saved_searches.params, saved_searches.notify) IS DISTINCT FROM (EXCLUDED.params, EXCLUDED.notify);
