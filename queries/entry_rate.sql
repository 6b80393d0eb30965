-- entry_rate (入催率, METRICS.md §4): of the installments due in a month (on or before the as-of
-- date, on loans not closed or written off by the due date), the share not paid off at the end
-- of the due date, by amount and by count.
-- Whole months are read from mart_entry (derived), the days of a month cut by the as-of date
-- from installment_status.
-- Grain: one row per due month (YYYY-MM), segment value and basis.
-- Parameters: $as_of, $filters, $by.
WITH groups AS (SELECT * FROM seg_groups($by)),
kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
per_month AS (
    -- whole months from the mart; the days of a month cut by $as_of from the installments
    SELECT due_month, segment_value,
           sum(amount_entered) AS amount_entered,
           sum(amount_due) AS amount_due,
           sum(n_entered) AS n_entered,
           sum(n_due) AS n_due
    FROM (
        SELECT m.due_month, g.segment_value, m.amount_entered, m.amount_due, m.n_entered, m.n_due
        FROM mart_entry m
        JOIN groups g USING (seg_id)
        JOIN kept ON kept_seg = m.seg_id
        WHERE m.due_month <= entry_months_through($as_of::DATE)
        UNION ALL
        SELECT month_key(i.due_date), g.segment_value,
               CASE WHEN i.paid_off_date IS NULL OR i.paid_off_date > i.due_date
                    THEN i.amount_due END,
               i.amount_due,
               CAST(i.paid_off_date IS NULL OR i.paid_off_date > i.due_date AS INTEGER),
               1
        FROM installment_status i
        JOIN groups g USING (seg_id)
        JOIN kept ON kept_seg = i.seg_id
        WHERE i.due_date >= CAST(date_trunc('month', $as_of::DATE) AS DATE)
          AND i.due_date <= $as_of
          AND month_key(i.due_date) > entry_months_through($as_of::DATE)
          AND (i.end_day IS NULL OR i.end_day > i.due_date)
    )
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
