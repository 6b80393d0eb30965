-- entry_rate (入催率, METRICS.md §4): of the installments due in a month (on or before the as-of
-- date, on loans not closed or written off by the due date), the share not paid off at the end
-- of the due date, by amount and by count.
-- Grain: one row per due month (YYYY-MM), segment value and basis.
-- Parameters: $as_of, $filters, $by.
WITH groups AS (SELECT * FROM seg_groups($by)),
due AS (
    SELECT month_key(i.due_date) AS due_month, g.segment_value, i.amount_due,
           (i.paid_off_date IS NULL OR i.paid_off_date > i.due_date) AS entered
    FROM installment_status i
    JOIN groups g USING (seg_id)
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = i.seg_id
    WHERE i.due_date <= $as_of
      AND (i.end_day IS NULL OR i.end_day > i.due_date)
),
per_month AS (
    SELECT due_month, segment_value,
           sum(amount_due) FILTER (WHERE entered) AS amount_entered,
           sum(amount_due) AS amount_due,
           count(*) FILTER (WHERE entered) AS n_entered,
           count(*) AS n_due
    FROM due
    GROUP BY ALL
)
SELECT month_label(due_month) AS due_month, segment_value, 'amount' AS basis,
       CAST(coalesce(amount_entered, 0) AS DECIMAL(18, 2)) AS numerator,
       CAST(amount_due AS DECIMAL(18, 2)) AS denominator,
       CAST(coalesce(amount_entered, 0) AS DOUBLE) / nullif(CAST(amount_due AS DOUBLE), 0) AS rate
FROM per_month
UNION ALL
SELECT month_label(due_month) AS due_month, segment_value, 'count',
       CAST(n_entered AS DECIMAL(18, 2)), CAST(n_due AS DECIMAL(18, 2)),
       n_entered / nullif(n_due, 0)
FROM per_month
ORDER BY due_month, segment_value, basis;
