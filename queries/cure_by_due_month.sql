-- cure_by_due_month (入催后回款·含成熟度): of the amount that entered collection in a due month
-- (installments not paid off at the end of the due date, loans not ended by then; METRICS.md §4),
-- the share paid off by due date + j. Only installments with due date + j on or before the as-of
-- date are observed; the rate is over the observed amount and NULL when none is (never 0).
-- mature = all the month's entered amount is observed, so the rate is final.
-- Grain: one row per due month (YYYY-MM), segment value and j, for every due month with entries.
-- Parameters: $as_of, $filters, $by, $cure_days (list of j).
WITH entered AS (
    -- the installments that entered collection come derived (48_collection_entry, summed for
    -- the whole book in 94_marts_whole_book)
    SELECT month_key(e.due_date) AS due_month, e.segment_value, e.due_date,
           e.amount_due, e.paid_off_date
    FROM collection_entry_rows($filters, $by) e
    WHERE e.due_date <= $as_of
),
per_day AS (
    SELECT due_month, segment_value, j.cure_days,
           sum(amount_due) AS entered_amount,
           sum(amount_due) FILTER (WHERE due_date + j.cure_days <= $as_of) AS observed_amount,
           sum(amount_due) FILTER (WHERE due_date + j.cure_days <= $as_of
                                     AND paid_off_date <= due_date + j.cure_days) AS cured_amount
    FROM entered
    CROSS JOIN (SELECT unnest($cure_days::INTEGER[]) AS cure_days) j
    GROUP BY ALL
)
SELECT month_label(due_month) AS due_month, segment_value, cure_days,
       CAST(entered_amount AS DECIMAL(18, 2)) AS entered_amount,
       CAST(coalesce(observed_amount, 0) AS DECIMAL(18, 2)) AS observed_amount,
       CAST(CASE WHEN observed_amount IS NOT NULL THEN coalesce(cured_amount, 0) END
            AS DECIMAL(18, 2)) AS cured_amount,
       CAST(coalesce(cured_amount, 0) AS DOUBLE) / nullif(CAST(observed_amount AS DOUBLE), 0)
           AS rate,
       coalesce(observed_amount, 0) = entered_amount AS mature
FROM per_day
ORDER BY due_month, segment_value, cure_days;
