-- fpd_by_cohort (首逾·含成熟度): FPD N (METRICS.md §5) per disbursement month with how much of the
-- cohort is observed. A loan is observed for N once its first due date + N is on or before the
-- as-of date; the rate is over observed loans only, and NULL when none is observed (never 0).
-- mature = every loan of the cohort is observed, so the rate is final; an immature cohort's rate
-- may still change and the page shows it as such.
-- Grain: one row per cohort (YYYY-MM), segment value and threshold N, for every cohort up to the
-- as-of date. Parameters: $as_of, $filters, $by, $thresholds (list of N).
WITH groups AS (SELECT * FROM seg_groups($by)),
loans_in AS (
    -- grouped by the cohort's date, labelled per group (strftime per row costs ~0.3 s per 3M)
    SELECT l.cohort AS cohort_date, g.segment_value, t.threshold,
           l.first_due_date + t.threshold <= $as_of AS observed,
           (coalesce(l.close_day, l.wo_date) IS NULL
                OR coalesce(l.close_day, l.wo_date) > l.first_due_date)
           AND (l.first_paid_off_date IS NULL
                OR l.first_paid_off_date > l.first_due_date + t.threshold) AS bad
    FROM loan_status l
    JOIN groups g USING (seg_id)
    CROSS JOIN (SELECT unnest($thresholds::INTEGER[]) AS threshold) t
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = l.seg_id
    WHERE l.disbursed_date <= $as_of
      AND l.first_due_date IS NOT NULL
)
SELECT strftime(cohort_date, '%Y-%m') AS cohort, segment_value, threshold, loans, bad_loans, rate,
       cohort_loans, observed_share, mature
FROM (
    SELECT cohort_date, segment_value, threshold,
           count(*) FILTER (WHERE observed) AS loans,
           count(*) FILTER (WHERE observed AND bad) AS bad_loans,
           count(*) FILTER (WHERE observed AND bad)
               / nullif(count(*) FILTER (WHERE observed), 0) AS rate,
           count(*) AS cohort_loans,
           count(*) FILTER (WHERE observed) / count(*) AS observed_share,
           count(*) FILTER (WHERE observed) = count(*) AS mature
    FROM loans_in
    GROUP BY ALL
)
ORDER BY cohort, segment_value, threshold;
