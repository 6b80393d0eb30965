-- complaints_trend (投诉趋势, METRICS.md §10): for actions in the period, attempts and complaints
-- by month of the action and channel, with complaints per 10,000 attempts. The same counts as
-- channel_trend's attempts and complaints over every bucket, without its accounts and recoveries,
-- which the conduct page does not show and which cost ten times as much at a million loans.
-- Grain: one row per month (YYYY-MM) and channel with actions.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open).
SELECT month_label(month) AS month,
       channel,
       attempts,
       complaints,
       complaints * 10000.0 / nullif(attempts, 0) AS complaints_per_10k
FROM (
    -- from the whole-book month cube when the period is whole months (action_counts)
    SELECT month, channel,
           CAST(sum(attempts) AS BIGINT) AS attempts,
           CAST(sum(complaints) AS BIGINT) AS complaints
    FROM action_counts($filters, $as_of, $period_start, $period_end)
    GROUP BY ALL
)
ORDER BY month, channel;
