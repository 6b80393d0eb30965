-- fpd_by_cohort (首逾·含成熟度): FPD N (METRICS.md §5) per disbursement month with how much of the
-- cohort is observed. A loan is observed for N once its first due date + N is on or before the
-- as-of date; the rate is over observed loans only, and NULL when none is observed (never 0).
-- mature = every loan of the cohort is observed, so the rate is final; an immature cohort's rate
-- may still change and the page shows it as such.
-- Grain: one row per cohort (YYYY-MM), segment value and threshold N, for every cohort up to the
-- as-of date. Parameters: $as_of, $filters, $by, $thresholds (list of N).
WITH bounds AS (
    SELECT list_min($thresholds::INTEGER[]) AS lo, list_max($thresholds::INTEGER[]) AS hi
),
loans_in AS (
    -- Each loan reduced to two days clamped to the thresholds' range, which give the same
    -- answers for every threshold N: observed for N <=> N <= due_age; bad for N <=> N < late.
    -- Counted per (cohort, value, due_age, late) before the thresholds multiply the rows; the
    -- whole book comes summed already (first_due_rows: ~37k rows at a million loans).
    SELECT l.cohort AS cohort_date, l.segment_value,
           least(greatest($as_of::DATE - l.first_due_date, b.lo - 1), b.hi) AS due_age,
           CASE WHEN l.ended_by_due THEN b.lo
                WHEN l.first_paid_off_date IS NULL THEN b.hi + 1
                ELSE least(greatest(l.first_paid_off_date - l.first_due_date, b.lo), b.hi + 1)
           END AS late,
           sum(l.loans) AS n
    FROM first_due_rows($filters, $by) l
    CROSS JOIN bounds b
    WHERE l.disbursed_date <= $as_of
      AND l.first_due_date IS NOT NULL
    GROUP BY ALL
),
per_threshold AS (
    SELECT cohort_date, segment_value, t.threshold,
           t.threshold <= due_age AS observed,
           t.threshold < late AS bad,
           n
    FROM loans_in
    CROSS JOIN (SELECT unnest($thresholds::INTEGER[]) AS threshold) t
)
SELECT strftime(cohort_date, '%Y-%m') AS cohort, segment_value, threshold, loans, bad_loans, rate,
       cohort_loans, observed_share, mature
FROM (
    SELECT cohort_date, segment_value, threshold,
           CAST(coalesce(sum(n) FILTER (WHERE observed), 0) AS BIGINT) AS loans,
           CAST(coalesce(sum(n) FILTER (WHERE observed AND bad), 0) AS BIGINT) AS bad_loans,
           coalesce(sum(n) FILTER (WHERE observed AND bad), 0)
               / nullif(sum(n) FILTER (WHERE observed), 0) AS rate,
           CAST(sum(n) AS BIGINT) AS cohort_loans,
           coalesce(sum(n) FILTER (WHERE observed), 0) / sum(n) AS observed_share,
           coalesce(sum(n) FILTER (WHERE observed), 0) = sum(n) AS mature
    FROM per_threshold
    GROUP BY ALL
)
ORDER BY cohort, segment_value, threshold;
