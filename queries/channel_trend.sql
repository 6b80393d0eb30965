-- channel_trend (渠道月度趋势, METRICS.md §9): channel_performance month by month, restricted to
-- one bucket at action time so that channels are compared on like accounts. Actions count in the
-- month of the action; a collection recovery (loan past due or written off the day before the
-- payment) counts in the month of the payment and is credited, as in channel_performance, to the
-- latest action within $window_days before it (payment day included), bucketed by that action's
-- bucket — or to '(no action)', bucketed by the loan's state the day before the payment.
-- Its figures are channel_performance's with $by = 'month' and the same $bucket, column for
-- column (the joined and final parts repeat that file's, and change with it); it stays a file of
-- its own for its month-first columns and order, which the trend's chart and CSV use.
-- tests/test_reference_vs_sql.py compares both with the reference.
-- Grain: one row per month (YYYY-MM) and channel.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $window_days,
-- $bucket ('' = every bucket).
WITH kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
acts AS (
    SELECT month_key(action_date) AS month, channel,
           lkey, rpc, is_ptp, cost, complaint,
           -- a PTP is due (and can be kept) only once its date is on or before $as_of
           ptp_due AND ptp_date <= $as_of AS ptp_due,
           ptp_kept AND ptp_date <= $as_of AS ptp_kept
    FROM action_status
    JOIN kept ON kept_seg = seg_id
    WHERE NOT channel_units_apply($filters, $as_of, $period_start, $period_end, 'month', $bucket)
      AND action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND ($bucket = '' OR bucket = $bucket)
),
cube_months AS (
    -- whole book, whole months, one bucket (channel_units_apply): the counts from the month cube
    -- (action_counts) and each month's accounts from channel_unit_months, as in
    -- channel_performance
    SELECT month, channel,
           CAST(sum(attempts) AS BIGINT) AS attempts,
           CAST(sum(rpc) AS BIGINT) AS rpc,
           CAST(sum(ptp) AS BIGINT) AS ptp,
           CAST(sum(ptp_due) AS BIGINT) AS ptp_due,
           CAST(sum(ptp_kept) AS BIGINT) AS ptp_kept,
           sum(cost) AS cost,
           CAST(sum(complaints) AS BIGINT) AS complaints
    FROM action_counts($filters, $as_of, $period_start, $period_end)
    WHERE channel_units_apply($filters, $as_of, $period_start, $period_end, 'month', $bucket)
      AND bucket = $bucket
    GROUP BY ALL
),
unit_months AS (
    SELECT month, channel, CAST(sum(units) AS BIGINT) AS accounts
    FROM channel_unit_months
    WHERE channel_units_apply($filters, $as_of, $period_start, $period_end, 'month', $bucket)
      AND bucket = $bucket
      AND month <= month_key($as_of)
      AND ($period_start::DATE IS NULL OR month >= month_key($period_start::DATE))
      AND ($period_end::DATE IS NULL OR month <= month_key($period_end::DATE))
    GROUP BY ALL
),
recoveries AS (
    -- the recoveries credited per month and channel (recovery_credits, as in channel_performance)
    SELECT group_month AS month, channel, recovered, recovered_accounts
    FROM recovery_credits($filters, $as_of, $period_start, $period_end, $window_days, 'month',
                          $bucket)
),
per_month AS (
    SELECT month, channel,
           count(*) AS attempts,
           count(DISTINCT lkey) AS accounts,
           count(*) FILTER (WHERE rpc) AS rpc,
           count(*) FILTER (WHERE is_ptp) AS ptp,
           count(*) FILTER (WHERE ptp_due) AS ptp_due,
           count(*) FILTER (WHERE ptp_kept) AS ptp_kept,
           sum(cost) AS cost,
           count(*) FILTER (WHERE complaint) AS complaints
    FROM acts
    GROUP BY ALL
    UNION ALL
    SELECT month, channel, attempts, coalesce(u.accounts, 0), rpc, ptp, ptp_due, ptp_kept, cost,
           complaints
    FROM cube_months
    LEFT JOIN unit_months u USING (month, channel)
),
joined AS (
    -- as in channel_performance: a channel credited with a recovery in a month without attempts
    -- in it has 0 attempts, not NULL; '(no action)' has no attempts at all (NULL)
    SELECT
        month,
        channel,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.attempts, 0) END AS attempts,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.accounts, 0) END AS accounts,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.rpc, 0) END AS rpc,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.ptp, 0) END AS ptp,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.ptp_due, 0) END AS ptp_due,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.ptp_kept, 0) END AS ptp_kept,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.cost, 0) END AS cost,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.complaints, 0) END AS complaints,
        CASE WHEN channel <> '(no action)' THEN coalesce(r.recovered, 0) ELSE r.recovered END
            AS recovered,
        r.recovered_accounts
    FROM per_month a
    FULL OUTER JOIN recoveries r USING (month, channel)
)
SELECT
    month_label(month) AS month,
    channel,
    attempts,
    accounts,
    rpc,
    rpc / nullif(attempts, 0) AS contact_rate,
    ptp,
    ptp / nullif(rpc, 0) AS ptp_rate,
    ptp_due,
    ptp_kept,
    ptp_kept / nullif(ptp_due, 0) AS ptp_kept_rate,
    CAST(recovered AS DECIMAL(18, 2)) AS recovered,
    CAST(cost AS DECIMAL(18, 4)) AS cost,
    CAST(cost AS DOUBLE) / nullif(CAST(recovered AS DOUBLE), 0) AS cost_per_recovered,
    complaints,
    complaints * 10000.0 / nullif(attempts, 0) AS complaints_per_10k,
    CAST(coalesce(recovered, 0) AS DOUBLE) / nullif(attempts, 0) AS recovered_per_attempt,
    CAST(coalesce(recovered, 0) AS DOUBLE) / nullif(accounts, 0) AS recovered_per_account,
    recovered_accounts
FROM joined
ORDER BY month, channel = '(no action)', channel;
