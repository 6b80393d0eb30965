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

-- mart_roll_all: the same summed over every segment, for the whole book (no filter, no split; see
-- mart_month_state_all). Read it through roll_rows(), never directly.
CREATE OR REPLACE TABLE mart_roll_all AS
SELECT to_month_end, cohort, from_state, to_state,
       CAST(sum(loans) AS BIGINT)                              AS loans,
       CAST(sum(from_outstanding_principal) AS DECIMAL(18, 2)) AS from_outstanding_principal,
       CAST(sum(to_outstanding_principal) AS DECIMAL(18, 2))   AS to_outstanding_principal
FROM mart_roll
GROUP BY ALL
ORDER BY to_month_end, cohort, from_state, to_state;

-- roll_rows(filters, split): mart_roll's rows for a query's $filters and $by, with segment_value
-- instead of seg_id (as month_state_rows). Sum the rows.
CREATE OR REPLACE MACRO roll_rows(filters, split) AS TABLE
SELECT to_month_end, 'all' AS segment_value, cohort, from_state, to_state, loans,
       from_outstanding_principal, to_outstanding_principal
FROM mart_roll_all
WHERE len(filters) = 0 AND split = ''
UNION ALL
SELECT r.to_month_end, g.segment_value, r.cohort, r.from_state, r.to_state, r.loans,
       r.from_outstanding_principal, r.to_outstanding_principal
FROM mart_roll r
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE NOT (len(filters) = 0 AND split = '');
