-- {{version}}_{{name}}: {{table}}, a cache of NASA API responses (api.nasa.gov: APOD, NeoWs,
-- Mars Rover Photos, EPIC, DONKI, ...) so the portal stays within the API rate limit.
--
-- One row per (endpoint, request parameters). params_hash is computed by PostgreSQL from the
-- jsonb parameters (jsonb prints keys in a fixed order, so equal parameters give equal hashes);
-- it is a lookup key, not a security measure. etag allows a conditional request
-- (If-None-Match) when the row has expired: a 304 only moves expires_at forward.
-- The expires_at index serves both "is there a fresh copy" lookups and the cleanup job
-- (DELETE FROM {{table}} WHERE expires_at < now() - interval '1 day', in batches).
-- UNLOGGED would skip the WAL but empties the table after a crash and is not replicated:
-- a choice to make per deployment, so it is not the default here.
-- Up migration
CREATE TABLE {{table}} (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint     text NOT NULL CHECK (endpoint <> ''),
    params       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
    params_hash  text GENERATED ALWAYS AS (md5(params::text)) STORED,
    body         jsonb NOT NULL,
    etag         text,
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    CONSTRAINT {{table}}_endpoint_params_key UNIQUE (endpoint, params_hash),
    CONSTRAINT {{table}}_expiry_check CHECK (expires_at > fetched_at)
);

CREATE INDEX idx_{{table}}_expires_at ON {{table}} (expires_at);

-- Down migration
DROP TABLE IF EXISTS {{table}};
