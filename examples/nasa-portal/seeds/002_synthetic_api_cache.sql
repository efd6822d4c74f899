-- environments: development, test
-- Synthetic NASA API cache rows, so the cache views and the purge job have something to work on
-- before the portal has called api.nasa.gov. Every body says "synthetic": true and holds no real
-- API response. A row is written once (fresh for a day from the first --seed) and left alone
-- afterwards: the portal and purge_expired_nasa_api_cache() own it from then on.
INSERT INTO nasa_api_cache (api, endpoint, params, body, fetched_at, expires_at)
SELECT c.api, c.endpoint, c.params::jsonb, c.body::jsonb, now(), now() + interval '1 day'
  FROM (VALUES
    ('apod', 'planetary/apod', '{"date": "2000-01-01"}', '{"synthetic": true, "note": "placeholder for an Astronomy Picture of the Day response"}'),
    ('neows', 'neo/rest/v1/feed', '{"start_date": "2000-01-01", "end_date": "2000-01-07"}', '{"synthetic": true, "element_count": 0, "near_earth_objects": {}}'),
    ('mars-rover-photos', 'mars-photos/api/v1/rovers/curiosity/photos', '{"sol": 1000}', '{"synthetic": true, "photos": []}'),
    ('epic', 'EPIC/api/natural', '{}', '{"synthetic": true, "images": []}'),
    ('donki', 'DONKI/FLR', '{"startDate": "2000-01-01"}', '{"synthetic": true, "flares": []}')
  ) AS c (api, endpoint, params, body)
ON CONFLICT (api, endpoint, params_hash) DO NOTHING;
