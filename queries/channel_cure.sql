-- channel_cure (渠道出催率, METRICS.md §9): of the past-due accounts a channel worked, the share
-- cured within j days of the channel's first action on them.
-- Unit: a loan, a channel and the bucket at action time (M1..M6; the state at the end of the day
-- before the action), with the first action of that channel on that loan in that bucket within
-- the period (and within the month when $by = 'month') as its start day s.
-- Cured within j days: the loan is back at DPD 0, or closed other than by write-off, at the end of
-- some day from s to s + j (both inclusive: the action day counts, as in last-touch attribution),
-- before any write-off. Paid-off dates are ordered (DESIGN.md), so the loan is at DPD 0 at the end
-- of the day installment k is paid off exactly when the next installment is not yet due then; the
-- first such day on or after s is one ASOF lookup.
-- Only units with s + j on or before the as-of date are observed (matured); the rate is
-- cured / matured, NULL when none has matured.
-- Grain: one row per channel, bucket, group value ('' or month YYYY-MM) and j.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $bucket ('' = M1..M6),
-- $cure_days (list of j), $by ('' or 'month').
WITH acts AS (
    SELECT lkey, channel, bucket, action_date,
           CASE $by WHEN 'month' THEN month_key(action_date) ELSE 0 END AS group_month
    FROM action_status
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE NOT whole_months($filters, $as_of, $period_start, $period_end)
      AND action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      -- a list, not a range: pushed into the scan, a range made this query slower (0.5 -> 0.7 s)
      AND bucket IN ('M1', 'M2', 'M3', 'M4', 'M5', 'M6')
      AND ($bucket = '' OR bucket = $bucket)
),
units AS (
    SELECT lkey, channel, bucket, group_month, min(action_date) AS start_day
    FROM acts
    GROUP BY ALL
),
cure_points AS (
    -- days at whose end the loan is at DPD 0: an installment paid off, the next not yet overdue
    SELECT lkey, paid_off_date AS cure_day
    FROM installment_status
    WHERE lkey IN (SELECT lkey FROM units)
      AND paid_off_date IS NOT NULL AND (next_due_date IS NULL OR next_due_date >= paid_off_date)
),
cured AS (
    -- cure_in: days from the start day to the cure, NULL when none comes before a write-off
    SELECT u.channel, u.bucket, u.group_month, u.start_day,
           CASE WHEN l.wo_date IS NULL OR cure.cure_day < l.wo_date
                THEN cure.cure_day - u.start_day END AS cure_in,
           1 AS units
    FROM units u
    ASOF LEFT JOIN cure_points c ON c.lkey = u.lkey AND u.start_day <= c.cure_day
    JOIN loan_status l ON l.lkey = u.lkey,
    LATERAL (SELECT least(c.cure_day, CASE WHEN l.close_day >= u.start_day THEN l.close_day END)
                 AS cure_day) cure
    UNION ALL
    -- whole book, whole months: the same units, counted, from channel_unit_months
    -- (ledger/sql/derive/84_action_marts.sql): a unit's first month in the period is its row
    -- whose prev_month is before the period; by month, every row is a unit
    SELECT channel, bucket, CASE $by WHEN 'month' THEN month ELSE 0 END, first_day, cure_in,
           units
    FROM channel_unit_months
    WHERE whole_months($filters, $as_of, $period_start, $period_end)
      AND bucket IN ('M1', 'M2', 'M3', 'M4', 'M5', 'M6')
      AND ($bucket = '' OR bucket = $bucket)
      AND month <= month_key($as_of)
      AND ($period_start::DATE IS NULL OR month >= month_key($period_start::DATE))
      AND ($period_end::DATE IS NULL OR month <= month_key($period_end::DATE))
      AND ($by = 'month' OR prev_month IS NULL OR prev_month < month_key($period_start::DATE))
),
days AS (SELECT unnest($cure_days::INTEGER[]) AS cure_days)
SELECT channel, bucket,
       CASE WHEN group_month > 0 THEN month_label(group_month) ELSE '' END AS group_value,
       d.cure_days,
       CAST(sum(units) AS BIGINT) AS accounts,
       CAST(coalesce(sum(units) FILTER (WHERE start_day + d.cure_days <= $as_of), 0) AS BIGINT)
           AS matured_accounts,
       CAST(coalesce(sum(units) FILTER (
           WHERE start_day + d.cure_days <= $as_of AND cure_in <= d.cure_days), 0) AS BIGINT)
           AS cured_accounts,
       coalesce(sum(units) FILTER (
           WHERE start_day + d.cure_days <= $as_of AND cure_in <= d.cure_days), 0)
           * 1.0 / nullif(sum(units) FILTER (WHERE start_day + d.cure_days <= $as_of), 0) AS rate
FROM cured CROSS JOIN days d
GROUP BY ALL
ORDER BY channel, bucket, group_value, d.cure_days;
