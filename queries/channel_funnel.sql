-- channel_funnel (催收漏斗, METRICS.md §9): for actions in the period (and, when $bucket is set,
-- only those taken while the loan was in that bucket the day before), per channel the funnel
-- attempts → right-party contacts → PTPs → PTPs kept, as counts, per 100 attempts, and as the
-- conversion from the stage before. PTPs kept convert from the PTPs that have fallen due
-- (ptp_date on or before the as-of date), as in channel_performance; rates are NULL without a
-- denominator.
-- Grain: one row per channel and stage (attempts, rpc, ptp, ptp_kept).
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $bucket ('' = all).
WITH acts AS (
    SELECT channel, rpc, is_ptp,
           ptp_due AND ptp_date <= $as_of AS ptp_due,
           ptp_kept AND ptp_date <= $as_of AS ptp_kept
    FROM action_status
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND ($bucket = '' OR bucket = $bucket)
),
per_channel AS (
    SELECT channel,
           count(*) AS attempts,
           count(*) FILTER (WHERE rpc) AS rpc,
           count(*) FILTER (WHERE is_ptp) AS ptp,
           count(*) FILTER (WHERE ptp_due) AS ptp_due,
           count(*) FILTER (WHERE ptp_kept) AS ptp_kept
    FROM acts
    GROUP BY channel
),
stages AS (
    SELECT channel, 'attempts' AS stage, 1 AS stage_order, attempts AS count, attempts,
           CAST(NULL AS BIGINT) AS previous
    FROM per_channel
    UNION ALL
    SELECT channel, 'rpc', 2, rpc, attempts, attempts FROM per_channel
    UNION ALL
    SELECT channel, 'ptp', 3, ptp, attempts, rpc FROM per_channel
    UNION ALL
    SELECT channel, 'ptp_kept', 4, ptp_kept, attempts, ptp_due FROM per_channel
)
SELECT channel, stage, stage_order, count,
       count * 100.0 / nullif(attempts, 0) AS per_100_attempts,
       count * 1.0 / nullif(previous, 0) AS conversion
FROM stages
ORDER BY channel, stage_order;
