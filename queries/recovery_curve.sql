-- recovery_curve (回收率曲线, METRICS.md §8): for installments entering collection in a month
-- (not paid off at the end of the due date; loans ended by the due date excluded; entry month =
-- month of due_date + 1), the share of the amount then unpaid that is recovered by day j after the
-- due date, j = 1..$max_day. Day j of an entry counts only when due_date + j is on or before the
-- as-of date: unobserved days are left out, never counted as zero.
-- Grain: one row per entry month (YYYY-MM), segment value and day.
-- Parameters: $as_of, $filters, $by, $max_day.
WITH groups AS (
    SELECT seg_id, value AS segment_value FROM segment_values WHERE segment = $by
    UNION ALL
    SELECT DISTINCT seg_id, 'all' FROM segment_values WHERE $by = ''
),
entries AS (
    SELECT i.lkey, i.installment_no, i.due_date, i.amount_due, i.cum_due_prev,
           g.segment_value,
           month_key(i.due_date + 1) AS entry_month,
           CAST(least($max_day::INTEGER, $as_of::DATE - i.due_date) AS INTEGER) AS max_j
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
steps AS (
    SELECT a.entry_month, a.segment_value, a.max_j, a.lkey, a.installment_no,
           CAST(p.paid_date - a.due_date AS INTEGER) AS j0,
           least(greatest(p.cum_paid - a.cum_due_prev, 0), a.amount_due) - a.paid_at_due AS recovered
    FROM at_due a
    JOIN pay_day p
      ON p.lkey = a.lkey
     AND p.paid_date > a.due_date
     AND p.paid_date <= a.due_date + a.max_j
),
increments AS (
    -- recovered is cumulative per entry; its increase on each payment day, summed per day j0
    -- before the join with the days (which would otherwise multiply every entry by $max_day)
    SELECT entry_month, segment_value, max_j, j0, sum(inc) AS inc
    FROM (
        SELECT entry_month, segment_value, max_j, j0,
               recovered - coalesce(lag(recovered) OVER (
                   PARTITION BY lkey, installment_no ORDER BY j0), 0) AS inc
        FROM steps
    )
    GROUP BY ALL
),
bases AS (
    SELECT entry_month, segment_value, max_j, sum(amount_due - paid_at_due) AS base
    FROM at_due
    GROUP BY ALL
),
days AS (SELECT unnest(range(1, $max_day::INTEGER + 1)) AS day),
numerators AS (
    SELECT i.entry_month, i.segment_value, d.day, sum(i.inc) AS recovered
    FROM increments i JOIN days d ON i.max_j >= d.day AND i.j0 <= d.day
    GROUP BY ALL
),
denominators AS (
    SELECT b.entry_month, b.segment_value, d.day, sum(b.base) AS base
    FROM bases b JOIN days d ON b.max_j >= d.day
    GROUP BY ALL
)
SELECT month_label(d.entry_month) AS entry_month, d.segment_value, d.day,
       CAST(coalesce(n.recovered, 0) AS DECIMAL(18, 2)) AS recovered,
       CAST(d.base AS DECIMAL(18, 2)) AS entered_unpaid,
       CAST(coalesce(n.recovered, 0) AS DOUBLE) / nullif(CAST(d.base AS DOUBLE), 0) AS rate
FROM denominators d
LEFT JOIN numerators n USING (entry_month, segment_value, day)
ORDER BY d.entry_month, d.segment_value, d.day;
