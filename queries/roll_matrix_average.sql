-- roll_matrix_average (平均滚动率矩阵, METRICS.md §7): the roll matrix pooled over a window of
-- month pairs — for each from_state (rows M0..M6) and to_state (columns M0..M6, WO, closed) the
-- sum of the cell over every pair whose later month-end t lies in the window, divided by the sum
-- of its row: the loan-weighted (count) or balance-weighted average of the monthly matrices. A
-- window of one month-end is that month pair's matrix. Every cell of the grid is returned: a
-- transition nobody made is 0; a row with no loans at t-1 has share NULL (nothing to divide).
-- Grain: one row per from_state and to_state.
-- Parameters: $as_of, $filters, $cohorts (disbursement months, first day; empty = all), $basis
-- ('count' | 'balance'), $first_month_end / $last_month_end (the window of t; NULL = open, the
-- end never after $as_of).
WITH from_states AS (
    SELECT * FROM (VALUES ('M0', 0), ('M1', 1), ('M2', 2), ('M3', 3), ('M4', 4), ('M5', 5),
                          ('M6', 6)) AS f(from_state, from_order)
),
to_states AS (
    SELECT * FROM (VALUES ('M0', 0), ('M1', 1), ('M2', 2), ('M3', 3), ('M4', 4), ('M5', 5),
                          ('M6', 6), ('WO', 7), ('closed', 8)) AS t(to_state, to_order)
),
window_rolls AS (
    SELECT r.to_month_end, r.from_state, r.to_state,
           CASE WHEN $basis = 'count' THEN CAST(r.loans AS DECIMAL(18, 2))
                ELSE r.from_outstanding_principal END AS value
    FROM roll_rows($filters, '') r
    WHERE r.to_month_end <= least($as_of::DATE, coalesce($last_month_end::DATE, $as_of::DATE))
      AND r.to_month_end >= coalesce($first_month_end::DATE, DATE '0001-01-01')
      AND (len($cohorts::DATE[]) = 0 OR list_contains($cohorts::DATE[], r.cohort))
),
cells AS (
    SELECT from_state, to_state, sum(value) AS value
    FROM window_rolls
    GROUP BY ALL
),
grid AS (
    SELECT f.from_state, f.from_order, t.to_state, t.to_order,
           CAST(coalesce(c.value, 0) AS DECIMAL(18, 2)) AS value
    FROM from_states f
    CROSS JOIN to_states t
    LEFT JOIN cells c ON c.from_state = f.from_state AND c.to_state = t.to_state
)
SELECT $basis AS basis, from_state, to_state, value,
       CAST(sum(value) OVER (PARTITION BY from_state) AS DECIMAL(18, 2)) AS row_total,
       CAST(value AS DOUBLE)
           / nullif(CAST(sum(value) OVER (PARTITION BY from_state) AS DOUBLE), 0) AS share,
       (SELECT count(DISTINCT to_month_end) FROM window_rolls) AS month_pairs
FROM grid
ORDER BY from_order, to_order;
