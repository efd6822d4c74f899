-- Cache of NASA Open API responses (api.nasa.gov), so the portal stays within the rate limit
-- and answers when an upstream API is slow. One table, list-partitioned by API: each API gets
-- its own partition (vacuumed, sized and purged on its own), the default partition takes the rest.
-- A row is one (endpoint, parameters) response. params_hash is computed by PostgreSQL from the
-- jsonb parameters (jsonb prints keys in one fixed order, so equal parameters give equal hashes);
-- it is a lookup key, not a security measure. An expired row with an etag allows a conditional
-- request (If-None-Match): a 304 answer only moves expires_at forward.
-- Up migration
CREATE TABLE nasa_api_cache (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    api          text NOT NULL CHECK (api ~ '^[a-z][a-z0-9-]*$'),
    endpoint     text NOT NULL CHECK (endpoint <> ''),
    params       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
    params_hash  text GENERATED ALWAYS AS (md5(params::text)) STORED,
    body         jsonb NOT NULL,
    etag         text,
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    hit_count    bigint NOT NULL DEFAULT 0 CHECK (hit_count >= 0),
    last_hit_at  timestamptz,
    PRIMARY KEY (api, id),
    CONSTRAINT nasa_api_cache_request_key UNIQUE (api, endpoint, params_hash),
    CONSTRAINT nasa_api_cache_expiry_check CHECK (expires_at > fetched_at)
) PARTITION BY LIST (api);

-- Astronomy Picture of the Day: planetary/apod (past days never change: long expiry).
CREATE TABLE nasa_api_cache_apod PARTITION OF nasa_api_cache FOR VALUES IN ('apod');
-- Near Earth Object Web Service: neo/rest/v1/feed, neo/rest/v1/neo/{id}, neo/rest/v1/neo/browse.
CREATE TABLE nasa_api_cache_neows PARTITION OF nasa_api_cache FOR VALUES IN ('neows');
-- Mars Rover Photos: mars-photos/api/v1/rovers/{rover}/photos.
CREATE TABLE nasa_api_cache_mars_rover_photos PARTITION OF nasa_api_cache FOR VALUES IN ('mars-rover-photos');
-- Earth Polychromatic Imaging Camera: EPIC/api/natural, EPIC/api/enhanced.
CREATE TABLE nasa_api_cache_epic PARTITION OF nasa_api_cache FOR VALUES IN ('epic');
-- DONKI (space weather), EONET, Exoplanet Archive, Image and Video Library, ...
CREATE TABLE nasa_api_cache_other PARTITION OF nasa_api_cache DEFAULT;

-- Serves the cleanup job (oldest expired first) and "is it still fresh" checks.
CREATE INDEX idx_nasa_api_cache_expires_at ON nasa_api_cache (expires_at);

-- Deletes expired rows in small batches (call it until it returns 0), so no single
-- transaction locks many rows or bloats the table.
CREATE FUNCTION purge_expired_nasa_api_cache(grace interval DEFAULT '1 day', batch_size bigint DEFAULT 1000)
RETURNS bigint
LANGUAGE sql
AS $$
    WITH doomed AS (
        SELECT api, id FROM nasa_api_cache
         WHERE expires_at < now() - grace
         ORDER BY expires_at
         LIMIT batch_size
    ), deleted AS (
        DELETE FROM nasa_api_cache c USING doomed d
         WHERE c.api = d.api AND c.id = d.id
        RETURNING 1
    )
    SELECT count(*) FROM deleted;
$$;

-- Down migration
DROP FUNCTION IF EXISTS purge_expired_nasa_api_cache(interval, bigint);
DROP TABLE IF EXISTS nasa_api_cache;
