-- Portal users, their favorite objects and missions, and saved searches.
-- Up migration
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    display_name  text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
    role          text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'curator', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz
);

-- One account per address, however it is capitalised.
CREATE UNIQUE INDEX idx_users_email ON users (lower(email));

-- A favorite is either a space object or a mission.
CREATE TABLE user_favorites (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    space_object_id  bigint REFERENCES space_objects (id) ON DELETE CASCADE,
    mission_id       bigint REFERENCES missions (id) ON DELETE CASCADE,
    note             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_favorites_one_target CHECK (num_nonnulls(space_object_id, mission_id) = 1)
);

-- "My favorites", newest first.
CREATE INDEX idx_user_favorites_user_time ON user_favorites (user_id, created_at DESC);
CREATE UNIQUE INDEX idx_user_favorites_user_object ON user_favorites (user_id, space_object_id) WHERE space_object_id IS NOT NULL;
CREATE UNIQUE INDEX idx_user_favorites_user_mission ON user_favorites (user_id, mission_id) WHERE mission_id IS NOT NULL;
-- For the foreign keys (deleting an object or mission finds its favorites) and "how many users like this".
CREATE INDEX idx_user_favorites_object ON user_favorites (space_object_id) WHERE space_object_id IS NOT NULL;
CREATE INDEX idx_user_favorites_mission ON user_favorites (mission_id) WHERE mission_id IS NOT NULL;

CREATE TABLE saved_searches (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- The search form as JSON, e.g. {"object_type": "asteroid", "near_earth": true, "min_diameter_km": 1}.
    params       jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    notify       boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_run_at  timestamptz,
    CONSTRAINT saved_searches_user_name_key UNIQUE (user_id, name)
);

-- Containment queries ("which saved searches look for asteroids": params @> '{"object_type": "asteroid"}');
-- jsonb_path_ops is smaller and faster than the default operator class for @>.
CREATE INDEX idx_saved_searches_params ON saved_searches USING gin (params jsonb_path_ops);

-- Down migration
DROP TABLE IF EXISTS saved_searches;
DROP TABLE IF EXISTS user_favorites;
DROP TABLE IF EXISTS users;
