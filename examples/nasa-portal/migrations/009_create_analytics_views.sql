-- Analytics rollups as materialized views. Each has a unique index on plain columns, so it
-- can be refreshed with REFRESH MATERIALIZED VIEW CONCURRENTLY (readers are not blocked);
-- "database-migration --refresh-views" or a scheduled job refreshes them.
-- They read only ids and counts from space_objects, so its columns can change type later
-- (a view on a column blocks ALTER COLUMN ... TYPE on it).
-- Up migration
-- API traffic per UTC day and route.
CREATE MATERIALIZED VIEW api_usage_daily AS
SELECT (requested_at AT TIME ZONE 'UTC')::date                      AS day,
       route,
       count(*)                                                     AS requests,
       count(*) FILTER (WHERE status_code BETWEEN 400 AND 499)      AS client_errors,
       count(*) FILTER (WHERE status_code >= 500)                   AS server_errors,
       count(*) FILTER (WHERE cache_hit)                            AS cache_hits,
       count(DISTINCT user_id)                                      AS distinct_users,
       avg(duration_ms)                                             AS avg_duration_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)    AS p95_duration_ms
  FROM api_request_log
 GROUP BY 1, 2
WITH DATA;

CREATE UNIQUE INDEX idx_api_usage_daily_day_route ON api_usage_daily (day, route);

-- How much each object is observed and liked: the portal's "popular objects" list.
CREATE MATERIALIZED VIEW space_object_popularity AS
SELECT o.id                                   AS space_object_id,
       coalesce(obs.observations, 0)          AS observations,
       obs.last_observed_at,
       coalesce(fav.favorites, 0)             AS favorites
  FROM space_objects o
  LEFT JOIN (SELECT space_object_id, count(*) AS observations, max(observed_at) AS last_observed_at
               FROM observations GROUP BY space_object_id) obs ON obs.space_object_id = o.id
  LEFT JOIN (SELECT space_object_id, count(*) AS favorites
               FROM user_favorites WHERE space_object_id IS NOT NULL GROUP BY space_object_id) fav ON fav.space_object_id = o.id
WITH DATA;

CREATE UNIQUE INDEX idx_space_object_popularity_object ON space_object_popularity (space_object_id);
CREATE INDEX idx_space_object_popularity_favorites ON space_object_popularity (favorites DESC);

-- Per mission: observations made, objects observed, time span.
CREATE MATERIALIZED VIEW mission_observation_summary AS
SELECT m.id                                   AS mission_id,
       count(ob.id)                           AS observations,
       count(DISTINCT ob.space_object_id)     AS objects_observed,
       min(ob.observed_at)                    AS first_observed_at,
       max(ob.observed_at)                    AS last_observed_at
  FROM missions m
  LEFT JOIN observations ob ON ob.mission_id = m.id
 GROUP BY m.id
WITH DATA;

CREATE UNIQUE INDEX idx_mission_observation_summary_mission ON mission_observation_summary (mission_id);

-- Down migration
DROP MATERIALIZED VIEW IF EXISTS mission_observation_summary;
DROP MATERIALIZED VIEW IF EXISTS space_object_popularity;
DROP MATERIALIZED VIEW IF EXISTS api_usage_daily;
