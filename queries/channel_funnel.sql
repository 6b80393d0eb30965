-- channel_funnel (催收漏斗, METRICS.md §9): for actions in the period (and, when $bucket is set,
-- only those taken while the loan was in that bucket the day before), per channel the funnel
-- attempts → right-party contacts → PTPs → PTPs kept, as counts, per 100 attempts, and as the
-- conversion from the stage before. PTPs kept convert from the PTPs that have fallen due
-- (ptp_date on or before the as-of date), as in channel_performance; rates are NULL without a
-- denominator.
-- Grain: one row per channel and stage (attempts, rpc, ptp, ptp_kept).
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $bucket ('' = all).
WITH per_channel AS (
    -- from the whole-book month cube when the period is whole months (action_counts)
    SELECT channel,
           CAST(sum(attempts) AS BIGINT) AS attempts,
           CAST(sum(rpc) AS BIGINT) AS rpc,
           CAST(sum(ptp) AS BIGINT) AS ptp,
           CAST(sum(ptp_due) AS BIGINT) AS ptp_due,
           CAST(sum(ptp_kept) AS BIGINT) AS ptp_kept
    FROM action_counts($filters, $as_of, $period_start, $period_end)
    WHERE $bucket = '' OR bucket = $bucket
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
