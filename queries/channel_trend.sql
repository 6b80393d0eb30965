-- channel_trend (渠道月度趋势, METRICS.md §9): channel_performance month by month, restricted to
-- one bucket at action time so that channels are compared on like accounts. Actions count in the
-- month of the action; a collection recovery (loan past due or written off the day before the
-- payment) counts in the month of the payment and is credited, as in channel_performance, to the
-- latest action within $window_days before it (payment day included), bucketed by that action's
-- bucket — or to '(no action)', bucketed by the loan's state the day before the payment.
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
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND ($bucket = '' OR bucket = $bucket)
),
credited AS (
    SELECT paid_date, amount, lkey,
           coalesce(touch_days <= $window_days::INTEGER, false) AS touched,
           last_channel, last_action_bucket, state_before
    FROM payment_status
    JOIN kept ON kept_seg = seg_id
    WHERE is_recovery
      AND paid_date <= $as_of
      AND ($period_start::DATE IS NULL OR paid_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR paid_date <= $period_end::DATE)
),
recoveries AS (
    SELECT month_key(paid_date) AS month,
           CASE WHEN touched THEN last_channel ELSE '(no action)' END AS channel,
           sum(amount) AS recovered,
           count(DISTINCT lkey) AS recovered_accounts
    FROM credited
    WHERE $bucket = ''
       OR CASE WHEN touched THEN last_action_bucket ELSE state_before END = $bucket
    GROUP BY ALL
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
)
SELECT
    month_label(month) AS month,
    channel,
    a.attempts,
    a.accounts,
    a.rpc,
    a.rpc / nullif(a.attempts, 0) AS contact_rate,
    a.ptp,
    a.ptp / nullif(a.rpc, 0) AS ptp_rate,
    a.ptp_due,
    a.ptp_kept,
    a.ptp_kept / nullif(a.ptp_due, 0) AS ptp_kept_rate,
    CAST(CASE WHEN a.attempts IS NULL THEN r.recovered ELSE coalesce(r.recovered, 0) END
         AS DECIMAL(18, 2)) AS recovered,
    CAST(a.cost AS DECIMAL(18, 4)) AS cost,
    CAST(a.cost AS DOUBLE) / nullif(CAST(r.recovered AS DOUBLE), 0) AS cost_per_recovered,
    a.complaints,
    a.complaints * 10000.0 / nullif(a.attempts, 0) AS complaints_per_10k,
    CAST(coalesce(r.recovered, 0) AS DOUBLE) / nullif(a.attempts, 0) AS recovered_per_attempt,
    CAST(coalesce(r.recovered, 0) AS DOUBLE) / nullif(a.accounts, 0) AS recovered_per_account,
    r.recovered_accounts
FROM per_month a
FULL OUTER JOIN recoveries r USING (month, channel)
ORDER BY month, channel = '(no action)', channel;
