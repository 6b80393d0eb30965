-- import_freshness: the data's as-of date and the latest import's time, with how old each is
-- now (days since the as-of date, hours since the import finished). Without any import row (a
-- database built by hand) the import columns are NULL. Grain: one row. Parameters: none.
WITH latest AS (
    SELECT import_id, started_at, finished_at, sources
    FROM imports
    ORDER BY import_id DESC
    LIMIT 1
)
SELECT d.as_of,
       CAST(current_date - d.as_of AS INTEGER) AS as_of_age_days,
       l.import_id,
       l.started_at,
       l.finished_at,
       CAST(epoch(CAST(now() AS TIMESTAMP) - l.finished_at) / 3600 AS DOUBLE) AS import_age_hours,
       l.sources,
       (SELECT count(*) FROM imports) AS imports
FROM derive_settings d
LEFT JOIN latest l ON true;
