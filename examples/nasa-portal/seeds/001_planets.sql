-- The eight planets (NASA Planetary Fact Sheet, nssdc.gsfc.nasa.gov/planetary/factsheet).
-- Idempotent: re-running updates the same rows.
INSERT INTO space_objects (nasa_id, name, object_type, description, metadata)
VALUES
    ('planet-mercury', 'Mercury', 'planet', 'Smallest planet, closest to the Sun', '{"mass_1e24kg": 0.330, "diameter_km": 4879, "orbital_period_days": 88.0}'),
    ('planet-venus',   'Venus',   'planet', 'Hottest planet, thick CO2 atmosphere', '{"mass_1e24kg": 4.87, "diameter_km": 12104, "orbital_period_days": 224.7}'),
    ('planet-earth',   'Earth',   'planet', 'Our home planet', '{"mass_1e24kg": 5.97, "diameter_km": 12756, "orbital_period_days": 365.2}'),
    ('planet-mars',    'Mars',    'planet', 'The red planet', '{"mass_1e24kg": 0.642, "diameter_km": 6792, "orbital_period_days": 687.0}'),
    ('planet-jupiter', 'Jupiter', 'planet', 'Largest planet, a gas giant', '{"mass_1e24kg": 1898, "diameter_km": 142984, "orbital_period_days": 4331}'),
    ('planet-saturn',  'Saturn',  'planet', 'Gas giant with prominent rings', '{"mass_1e24kg": 568, "diameter_km": 120536, "orbital_period_days": 10747}'),
    ('planet-uranus',  'Uranus',  'planet', 'Ice giant tilted on its side', '{"mass_1e24kg": 86.8, "diameter_km": 51118, "orbital_period_days": 30589}'),
    ('planet-neptune', 'Neptune', 'planet', 'Outermost planet, an ice giant', '{"mass_1e24kg": 102, "diameter_km": 49528, "orbital_period_days": 59800}')
ON CONFLICT (nasa_id) DO UPDATE
    SET name = EXCLUDED.name, object_type = EXCLUDED.object_type,
        description = EXCLUDED.description, metadata = EXCLUDED.metadata;
