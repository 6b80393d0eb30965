-- entry_rate (入催率, METRICS.md §4): of the installments due in a month (on or before the as-of
-- date, on loans not closed or written off by the due date), the share not paid off at the end
-- of the due date, by amount and by count.
-- Read through entry_rows (ledger/sql/derive/49_mart_entry.sql): whole months from mart_entry,
-- the days of a month cut by the as-of date from installment_status.
-- Grain: one row per due month (YYYY-MM), segment value and basis.
-- Parameters: $as_of, $filters, $by.
WITH per_month AS (
    SELECT due_month, segment_value,
           sum(amount_entered) AS amount_entered,
           sum(amount_due) AS amount_due,
           sum(n_entered) AS n_entered,
           sum(n_due) AS n_due
    FROM entry_rows($as_of::DATE, $filters, $by)
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
