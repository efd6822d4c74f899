-- A few missions past, present and planned (dates from NASA mission pages).
INSERT INTO missions (name, agency, status, launch_date, end_date, target, crewed)
VALUES
    ('Apollo 11',        'NASA', 'completed', '1969-07-16', '1969-07-24', 'Moon',    true),
    ('Voyager 1',        'NASA', 'active',    '1977-09-05', NULL,         'Interstellar space', false),
    ('Cassini-Huygens',  'NASA/ESA/ASI', 'completed', '1997-10-15', '2017-09-15', 'Saturn', false),
    ('New Horizons',     'NASA', 'active',    '2006-01-19', NULL,         'Pluto and the Kuiper Belt', false),
    ('Perseverance',     'NASA', 'active',    '2020-07-30', NULL,         'Mars',    false),
    ('Europa Clipper',   'NASA', 'active',    '2024-10-14', NULL,         'Europa',  false),
    ('Dragonfly',        'NASA', 'planned',   NULL,         NULL,         'Titan',   false)
ON CONFLICT (name) DO UPDATE
    SET agency = EXCLUDED.agency, status = EXCLUDED.status, launch_date = EXCLUDED.launch_date,
        end_date = EXCLUDED.end_date, target = EXCLUDED.target, crewed = EXCLUDED.crewed;
