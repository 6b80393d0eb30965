-- mart_roll: transitions between consecutive month-ends for loans on book at the earlier one
-- (METRICS.md §7). Grain: one row per month-end (the later, t), seg_id, cohort, from_state and
-- to_state. from_outstanding_principal is the principal at t-1 (the balance basis of the matrix).
CREATE OR REPLACE TABLE mart_roll AS
SELECT
    month_end                                    AS to_month_end,
    seg_id,
    cohort,
    prev_state                                   AS from_state,
    state                                        AS to_state,
    count(*)                                     AS loans,
    CAST(sum(prev_outstanding_principal) AS DECIMAL(18, 2)) AS from_outstanding_principal,
    CAST(sum(outstanding_principal) AS DECIMAL(18, 2))      AS to_outstanding_principal
FROM loan_month
WHERE on_book(prev_state)
GROUP BY ALL
ORDER BY to_month_end, seg_id, cohort, from_state, to_state;
