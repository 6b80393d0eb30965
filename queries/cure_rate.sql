-- cure_rate (回款率/治愈, METRICS.md §4): of the amount that entered collection (installments due
-- in a month not paid off at the end of the due date), the share paid off by due_date + j, for
-- each j in $cure_days; only installments with due_date + j on or before the as-of date count.
-- Grain: one row per due month, segment value and j.
-- Parameters: $as_of, $filters, $by, $cure_days (list of days).
WITH groups AS (SELECT * FROM seg_groups($by)),
entered AS (
    SELECT month_key(i.due_date) AS due_month, g.segment_value, i.due_date,
           i.amount_due, i.paid_off_date
    FROM installment_status i
    JOIN groups g USING (seg_id)
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = i.seg_id
    WHERE i.due_date <= $as_of
      AND (i.end_day IS NULL OR i.end_day > i.due_date)
      AND (i.paid_off_date IS NULL OR i.paid_off_date > i.due_date)
)
SELECT month_label(due_month) AS due_month, segment_value, j.cure_days,
       CAST(sum(amount_due) AS DECIMAL(18, 2)) AS entered_amount,
       CAST(coalesce(sum(amount_due) FILTER (WHERE paid_off_date <= due_date + j.cure_days), 0)
            AS DECIMAL(18, 2)) AS cured_amount,
       CAST(coalesce(sum(amount_due) FILTER (WHERE paid_off_date <= due_date + j.cure_days), 0)
            AS DOUBLE) / nullif(CAST(sum(amount_due) AS DOUBLE), 0) AS rate
FROM entered
CROSS JOIN (SELECT unnest($cure_days::INTEGER[]) AS cure_days) j
WHERE due_date + j.cure_days <= $as_of
GROUP BY ALL
ORDER BY due_month, segment_value, cure_days;
