-- fpd (首逾, METRICS.md §5): per disbursement month, of the loans whose first due date + N is on
-- or before the as-of date, the share whose first installment is not paid off at the end of
-- first due date + N; loans closed (or written off) by the first due date count as good.
-- Grain: one row per cohort (YYYY-MM), segment value and threshold N.
-- Parameters: $as_of, $filters, $by, $thresholds (list of N).
WITH groups AS (SELECT * FROM seg_groups($by)),
loans_in AS (
    -- grouped by the cohort's date, labelled per group (strftime per row costs ~0.3 s per 3M)
    SELECT l.cohort AS cohort_date, g.segment_value, t.threshold,
           (coalesce(l.close_day, l.wo_date) IS NULL
                OR coalesce(l.close_day, l.wo_date) > l.first_due_date)
           AND (l.first_paid_off_date IS NULL
                OR l.first_paid_off_date > l.first_due_date + t.threshold) AS bad
    FROM loan_status l
    JOIN groups g USING (seg_id)
    CROSS JOIN (SELECT unnest($thresholds::INTEGER[]) AS threshold) t
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = l.seg_id
    WHERE l.first_due_date + t.threshold <= $as_of
)
SELECT strftime(cohort_date, '%Y-%m') AS cohort, segment_value, threshold, loans, bad_loans, rate
FROM (
    SELECT cohort_date, segment_value, threshold,
           count(*) AS loans,
           count(*) FILTER (WHERE bad) AS bad_loans,
           count(*) FILTER (WHERE bad) / nullif(count(*), 0) AS rate
    FROM loans_in
    GROUP BY ALL
)
ORDER BY cohort, segment_value, threshold;
