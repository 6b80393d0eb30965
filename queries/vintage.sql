-- vintage (账龄分析, METRICS.md §6): per disbursement cohort and MOB, the share of the cohort — by
-- count or by original principal — that had DPD >= N on some day up to that month-end.
-- Only MOBs whose month-end is on or before the as-of date exist.
-- Grain: one row per cohort (YYYY-MM), segment value, MOB and basis.
-- Parameters: $as_of, $filters, $by, $threshold (one of the precomputed vintage_thresholds).
WITH v AS (SELECT * FROM vintage_rows($filters, $by)),
sizes AS (
    SELECT cohort, segment_value, sum(loans) AS loans, sum(amount) AS amount
    FROM v WHERE event = 'size' AND cohort <= $as_of GROUP BY ALL
),
grid AS (
    SELECT s.*, mob, CAST(last_day(s.cohort + to_months(mob)) AS DATE) AS month_end
    FROM sizes s
    CROSS JOIN LATERAL (
        SELECT unnest(range(0, datediff('month', s.cohort, $as_of::DATE) + 1)) AS mob
    )
),
ever AS (
    -- summed per cohort, value and month before the range join with the grid (per seg_id, a
    -- split's rows are thousands per cohort and value)
    SELECT cohort, segment_value, event_month_end, sum(loans) AS loans, sum(amount) AS amount
    FROM v
    WHERE event = 'ever' AND threshold = $threshold
    GROUP BY ALL
),
cells AS (
    SELECT g.cohort, g.segment_value, g.mob, g.loans AS cohort_loans, g.amount AS cohort_amount,
           coalesce(sum(e.loans), 0) AS ever_loans,
           coalesce(sum(e.amount), 0) AS ever_amount
    FROM grid g
    LEFT JOIN ever e
      ON e.cohort = g.cohort AND e.segment_value = g.segment_value
     AND e.event_month_end <= g.month_end
    WHERE g.month_end <= $as_of
    GROUP BY ALL
)
SELECT strftime(cohort, '%Y-%m') AS cohort, segment_value, mob, $threshold::INTEGER AS threshold,
       'count' AS basis,
       CAST(ever_loans AS DECIMAL(18, 2)) AS numerator,
       CAST(cohort_loans AS DECIMAL(18, 2)) AS denominator,
       ever_loans / nullif(cohort_loans, 0) AS rate
FROM cells
UNION ALL
SELECT strftime(cohort, '%Y-%m'), segment_value, mob, $threshold::INTEGER, 'principal',
       CAST(ever_amount AS DECIMAL(18, 2)), CAST(cohort_amount AS DECIMAL(18, 2)),
       CAST(ever_amount AS DOUBLE) / nullif(CAST(cohort_amount AS DOUBLE), 0)
FROM cells
ORDER BY cohort, segment_value, mob, basis;
