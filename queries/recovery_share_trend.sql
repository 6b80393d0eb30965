-- recovery_share_trend (回收率趋势, METRICS.md §8): for installments entering collection in a month
-- (as in recovery_curve: not paid off at the end of the due date, loans ended by the due date
-- excluded, entry month = month of due_date + 1), the share of the amount unpaid at the due date
-- that is recovered by day j after it, for each j of $days (D7, D30, D90).
-- Unlike the curve, which uses whatever entries are observed, a month's figure is shown only once
-- every entry of the month has been observed for j days (the month's last possible entry, due on
-- the day before its last day, plus j, is on or before the as-of date); before that the month is
-- immature and its rate and recovered amount are NULL — never a partial figure or zero.
-- Grain: one row per entry month (YYYY-MM), segment value and j.
-- Parameters: $as_of, $filters, $by, $days.
WITH groups AS (
    SELECT seg_id, value AS segment_value FROM segment_values WHERE segment = $by
    UNION ALL
    SELECT DISTINCT seg_id, 'all' FROM segment_values WHERE $by = ''
),
entries AS (
    SELECT i.lkey, i.installment_no, i.due_date, i.amount_due, i.cum_due_prev, g.segment_value,
           CAST(date_trunc('month', i.due_date + 1) AS DATE) AS entry_month_start
    FROM installment_status i
    JOIN groups g USING (seg_id)
    WHERE i.due_date < $as_of
      AND (i.paid_off_date IS NULL OR i.paid_off_date > i.due_date)
      AND (i.end_day IS NULL OR i.end_day > i.due_date)
      AND i.seg_id IN (SELECT seg_id FROM seg_filter($filters))
),
at_due AS (
    SELECT e.*,
           least(greatest(coalesce(p.cum_paid, 0) - e.cum_due_prev, 0), e.amount_due) AS paid_at_due
    FROM entries e
    ASOF LEFT JOIN pay_day p ON p.lkey = e.lkey AND p.paid_date <= e.due_date
),
days AS (SELECT unnest($days::INTEGER[]) AS day),
steps AS (
    -- recovered by each payment day up to the longest j: cumulative per entry, so its increase
    -- on each payment day summed over the days j0 <= j is what was recovered by day j
    SELECT a.entry_month_start, a.segment_value, a.lkey, a.installment_no,
           CAST(p.paid_date - a.due_date AS INTEGER) AS j0,
           least(greatest(p.cum_paid - a.cum_due_prev, 0), a.amount_due) - a.paid_at_due AS recovered
    FROM at_due a
    JOIN pay_day p
      ON p.lkey = a.lkey
     AND p.paid_date > a.due_date
     AND p.paid_date <= a.due_date + (SELECT max(day) FROM days)
),
increments AS (
    SELECT entry_month_start, segment_value, j0, sum(inc) AS inc
    FROM (
        SELECT entry_month_start, segment_value, j0,
               recovered - coalesce(lag(recovered) OVER (
                   PARTITION BY lkey, installment_no ORDER BY j0), 0) AS inc
        FROM steps
    )
    GROUP BY ALL
),
bases AS (
    SELECT entry_month_start, segment_value, sum(amount_due - paid_at_due) AS entered_unpaid
    FROM at_due
    GROUP BY ALL
),
months AS (
    SELECT b.entry_month_start, b.segment_value, d.day, b.entered_unpaid,
           coalesce(sum(i.inc), 0) AS recovered,
           last_day(b.entry_month_start) - 1 + d.day <= $as_of AS mature
    FROM bases b
    CROSS JOIN days d
    LEFT JOIN increments i
      ON i.entry_month_start = b.entry_month_start
     AND i.segment_value = b.segment_value
     AND i.j0 <= d.day
    GROUP BY b.entry_month_start, b.segment_value, d.day, b.entered_unpaid
)
SELECT strftime(entry_month_start, '%Y-%m') AS entry_month, segment_value, day,
       CAST(entered_unpaid AS DECIMAL(18, 2)) AS entered_unpaid,
       CAST(CASE WHEN mature THEN recovered END AS DECIMAL(18, 2)) AS recovered,
       CASE WHEN mature
            THEN CAST(recovered AS DOUBLE) / nullif(CAST(entered_unpaid AS DOUBLE), 0) END AS rate,
       mature
FROM months
ORDER BY entry_month, segment_value, day;
