-- roll_matrix (滚动率, METRICS.md §7): loans on book at month-end t-1 by their state then (rows
-- M0..M6) and at t (columns M0..M6, WO, closed); value = loans (count basis) or outstanding
-- principal at t-1 (balance basis); share = value / its row total, so each row sums to 1.
-- Grain: one row per month pair, segment value, basis, from_state and to_state (cells that are
-- empty are absent). Parameters: $as_of, $filters, $by, $cohorts (disbursement months as the
-- first day of the month; empty list = every cohort).
WITH cells AS (
    SELECT r.to_month_end, r.segment_value, r.from_state, r.to_state,
           sum(r.loans) AS loans, sum(r.from_outstanding_principal) AS balance
    FROM roll_rows($filters, $by) r
    WHERE r.to_month_end <= $as_of
      AND (len($cohorts::DATE[]) = 0 OR list_contains($cohorts::DATE[], r.cohort))
    GROUP BY ALL
),
both_bases AS (
    SELECT to_month_end, segment_value, 'count' AS basis, from_state, to_state,
           CAST(loans AS DECIMAL(18, 2)) AS value
    FROM cells
    UNION ALL
    SELECT to_month_end, segment_value, 'balance', from_state, to_state,
           CAST(balance AS DECIMAL(18, 2))
    FROM cells
)
SELECT CAST(last_day(to_month_end - INTERVAL 1 MONTH) AS DATE) AS from_month_end,
       to_month_end, segment_value, basis, from_state, to_state, value,
       CAST(value AS DOUBLE) / nullif(CAST(sum(value) OVER (
           PARTITION BY to_month_end, segment_value, basis, from_state) AS DOUBLE), 0) AS share
FROM both_bases
ORDER BY to_month_end, segment_value, basis, from_state, to_state;
