-- roll_matrix_compare (滚动率对比, METRICS.md §7 "cohort roll rates"): the pooled roll matrix of
-- two groups of loans side by side, A and B, and their difference B − A in share points, so that
-- like is compared with like. A group is some disbursement cohorts ($cohorts_a; empty = all)
-- and segment filters ($filters_a; empty = all), both on top of the page filters ($filters).
-- Shares as in roll_matrix_average: cell / row total over the window's month pairs; NULL for a
-- row with nothing in it, and so the difference is NULL when either side is.
-- Grain: one row per from_state (M0..M6) and to_state (M0..M6, WO, closed).
-- Parameters: $as_of, $filters, $basis ('count' | 'balance'), $first_month_end /
-- $last_month_end (window of the later month-end t; NULL = open), $cohorts_a, $cohorts_b,
-- $filters_a, $filters_b.
WITH from_states AS (
    SELECT * FROM (VALUES ('M0', 0), ('M1', 1), ('M2', 2), ('M3', 3), ('M4', 4), ('M5', 5),
                          ('M6', 6)) AS f(from_state, from_order)
),
to_states AS (
    SELECT * FROM (VALUES ('M0', 0), ('M1', 1), ('M2', 2), ('M3', 3), ('M4', 4), ('M5', 5),
                          ('M6', 6), ('WO', 7), ('closed', 8)) AS t(to_state, to_order)
),
window_rolls AS (
    SELECT r.seg_id, r.cohort, r.from_state, r.to_state,
           CASE WHEN $basis = 'count' THEN CAST(r.loans AS DECIMAL(18, 2))
                ELSE r.from_outstanding_principal END AS value
    FROM mart_roll r
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = r.seg_id
    WHERE r.to_month_end <= least($as_of::DATE, coalesce($last_month_end::DATE, $as_of::DATE))
      AND r.to_month_end >= coalesce($first_month_end::DATE, DATE '0001-01-01')
),
sides AS (
    SELECT 'a' AS side, from_state, to_state, sum(value) AS value
    FROM window_rolls
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters_a)) ON kept_seg = seg_id
    WHERE (len($cohorts_a::DATE[]) = 0 OR list_contains($cohorts_a::DATE[], cohort))
    GROUP BY ALL
    UNION ALL
    SELECT 'b', from_state, to_state, sum(value)
    FROM window_rolls
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters_b)) ON kept_seg = seg_id
    WHERE (len($cohorts_b::DATE[]) = 0 OR list_contains($cohorts_b::DATE[], cohort))
    GROUP BY ALL
),
grid AS (
    SELECT f.from_state, f.from_order, t.to_state, t.to_order,
           CAST(coalesce(a.value, 0) AS DECIMAL(18, 2)) AS value_a,
           CAST(coalesce(b.value, 0) AS DECIMAL(18, 2)) AS value_b
    FROM from_states f
    CROSS JOIN to_states t
    LEFT JOIN sides a ON a.side = 'a' AND a.from_state = f.from_state AND a.to_state = t.to_state
    LEFT JOIN sides b ON b.side = 'b' AND b.from_state = f.from_state AND b.to_state = t.to_state
),
shares AS (
    SELECT *,
           CAST(value_a AS DOUBLE)
               / nullif(CAST(sum(value_a) OVER (PARTITION BY from_state) AS DOUBLE), 0) AS share_a,
           CAST(value_b AS DOUBLE)
               / nullif(CAST(sum(value_b) OVER (PARTITION BY from_state) AS DOUBLE), 0) AS share_b,
           CAST(sum(value_a) OVER (PARTITION BY from_state) AS DECIMAL(18, 2)) AS row_total_a,
           CAST(sum(value_b) OVER (PARTITION BY from_state) AS DECIMAL(18, 2)) AS row_total_b
    FROM grid
)
SELECT $basis AS basis, from_state, to_state, value_a, row_total_a, share_a,
       value_b, row_total_b, share_b, share_b - share_a AS diff
FROM shares
ORDER BY from_order, to_order;
