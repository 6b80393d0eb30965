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
    SELECT i.lkey, i.due_date, i.amount_due, i.cum_due_prev, g.segment_value,
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
targets AS (
    SELECT a.*, d.day, CAST(a.due_date + d.day AS DATE) AS target_date
    FROM at_due a CROSS JOIN days d
),
at_day AS (
    SELECT t.entry_month_start, t.segment_value, t.day,
           t.amount_due - t.paid_at_due AS unpaid_at_due,
           least(greatest(coalesce(p.cum_paid, 0) - t.cum_due_prev, 0), t.amount_due)
               - t.paid_at_due AS recovered
    FROM targets t
    ASOF LEFT JOIN pay_day p ON p.lkey = t.lkey AND p.paid_date <= t.target_date
),
months AS (
    SELECT entry_month_start, segment_value, day,
           sum(unpaid_at_due) AS entered_unpaid,
           sum(recovered) AS recovered,
           last_day(entry_month_start) - 1 + day <= $as_of AS mature
    FROM at_day
    GROUP BY ALL
)
SELECT strftime(entry_month_start, '%Y-%m') AS entry_month, segment_value, day,
       CAST(entered_unpaid AS DECIMAL(18, 2)) AS entered_unpaid,
       CAST(CASE WHEN mature THEN recovered END AS DECIMAL(18, 2)) AS recovered,
       CASE WHEN mature
            THEN CAST(recovered AS DOUBLE) / nullif(CAST(entered_unpaid AS DOUBLE), 0) END AS rate,
       mature
FROM months
ORDER BY entry_month, segment_value, day;
