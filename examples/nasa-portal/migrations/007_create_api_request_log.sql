-- The portal's API request log, partitioned by month on requested_at, and the function that
-- maintains the partitions: it creates the months ahead and detaches the ones past retention.
-- Old months then go in a moment (DETACH, archive, DROP) instead of a huge DELETE.
-- Up migration
-- status_code holds an HTTP status (100-599, enforced by the CHECK): smallint cannot overflow here.
-- lint-ignore prefer-bigint-over-smallint
CREATE TABLE api_request_log (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    -- No foreign key to users: log rows outlive accounts, and a key check on every request costs.
    user_id         bigint,
    method          text NOT NULL CHECK (method IN ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')),
    route           text NOT NULL,
    path            text NOT NULL,
    query_params    jsonb NOT NULL DEFAULT '{}'::jsonb,
    status_code     smallint NOT NULL CHECK (status_code BETWEEN 100 AND 599),
    duration_ms     double precision NOT NULL CHECK (duration_ms >= 0),
    response_bytes  bigint CHECK (response_bytes >= 0),
    -- The NASA API called to answer it, if any, and whether the cache answered instead.
    upstream_api    text,
    cache_hit       boolean,
    client_ip       inet,
    user_agent      text,
    PRIMARY KEY (id, requested_at)
) PARTITION BY RANGE (requested_at);

-- Catches rows outside every monthly partition, so logging never fails for want of one.
CREATE TABLE api_request_log_default PARTITION OF api_request_log DEFAULT;

-- Created on the parent: every partition gets them. BRIN suits an append-only time column (tiny, fast to maintain).
CREATE INDEX idx_api_request_log_time ON api_request_log USING brin (requested_at);
CREATE INDEX idx_api_request_log_route_time ON api_request_log (route, requested_at);
CREATE INDEX idx_api_request_log_user_time ON api_request_log (user_id, requested_at) WHERE user_id IS NOT NULL;

-- Partitions are named api_request_log_yYYYYmMM and cover one UTC calendar month.
-- Detaching (plain DETACH PARTITION, since a function runs in a transaction) briefly takes
-- an ACCESS EXCLUSIVE lock on api_request_log; run it off-peak, e.g. nightly from cron.
-- Detached tables keep their rows: archive them (pg_dump -t), then DROP them.
CREATE FUNCTION maintain_api_request_log_partitions(months_ahead bigint DEFAULT 3, retain_months bigint DEFAULT 12)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql
AS $$
DECLARE
    this_month  date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    month_start date;
    oldest_kept date;
    part        record;
BEGIN
    IF months_ahead < 0 OR retain_months < 1 THEN
        RAISE EXCEPTION 'months_ahead must be >= 0 and retain_months >= 1 (got %, %)', months_ahead, retain_months;
    END IF;
    FOR i IN 0..months_ahead LOOP
        month_start := (this_month + make_interval(months => i::integer))::date;
        partition_name := 'api_request_log_' || to_char(month_start, '"y"YYYY"m"MM');
        IF to_regclass(quote_ident(partition_name)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF api_request_log FOR VALUES FROM (%L) TO (%L)',
                           partition_name,
                           month_start::timestamp AT TIME ZONE 'UTC',
                           (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            action := 'created';
            RETURN NEXT;
        END IF;
    END LOOP;

    oldest_kept := (this_month - make_interval(months => retain_months::integer))::date;
    FOR part IN
        SELECT c.relname::text AS name
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'api_request_log'::regclass
           AND c.relname ~ '^api_request_log_y[0-9]{4}m[0-9]{2}$'
         ORDER BY c.relname
    LOOP
        -- The month after the partition's month is its upper bound.
        IF (to_date(substring(part.name FROM 18 FOR 4) || substring(part.name FROM 23 FOR 2), 'YYYYMM') + interval '1 month')::date <= oldest_kept THEN
            EXECUTE format('ALTER TABLE api_request_log DETACH PARTITION %I', part.name);
            action := 'detached';
            partition_name := part.name;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION maintain_api_request_log_partitions(bigint, bigint) IS
    'Creates api_request_log partitions for this month and months_ahead more; detaches those older than retain_months.';

-- This month and the next two.
SELECT action, partition_name FROM maintain_api_request_log_partitions(2, 12);

-- Down migration
-- Dropping the parent drops the partitions still attached; detached ones are left for their archive.
DROP FUNCTION IF EXISTS maintain_api_request_log_partitions(bigint, bigint);
DROP TABLE IF EXISTS api_request_log;
