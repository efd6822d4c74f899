-- {{version}}_{{name}}: materialized view {{table}}, a daily rollup of {{ref_table}}.
--
-- A materialized view stores the result of its query; reads are as cheap as reading a small
-- table, at the price of staleness until the next REFRESH. The UNIQUE index on plain columns
-- is what allows REFRESH MATERIALIZED VIEW CONCURRENTLY {{table}}, which lets readers go on
-- during a refresh (a plain REFRESH blocks every SELECT until it is done).
-- Refresh it from a scheduled job or "database-migration --refresh-views".
-- Up migration
CREATE MATERIALIZED VIEW {{table}} AS
SELECT date_trunc('day', created_at) AS day,
       count(*)                      AS row_count
  FROM {{ref_table}}
 GROUP BY 1
WITH DATA;

CREATE UNIQUE INDEX idx_{{table}}_day ON {{table}} (day);

-- Down migration
DROP MATERIALIZED VIEW IF EXISTS {{table}};
