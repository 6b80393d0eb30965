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
    SELECT month_key(action_date) AS month, channel,
           count(*) AS attempts,
           count(*) FILTER (WHERE complaint) AS complaints
    FROM action_status
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
    GROUP BY ALL
)
ORDER BY month, channel;
