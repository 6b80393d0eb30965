-- loan_month: each loan's state at each month-end (METRICS.md §1-2) with the previous
-- month-end's state, so that roll matrices need no self-join.
-- Grain: one row per loan and month-end, from the disbursement month to the last month-end on
-- or before the as-of date. state is M0..M6 by DPD (bucket_edges), 'closed' or 'WO'; a loan not
-- on book has dpd, outstanding_principal and past_due_amount 0.
CREATE OR REPLACE TABLE loan_month AS
WITH states AS (
    SELECT
        p.loan_id,
        p.d AS month_end,
        l.seg_id,
        l.cohort,
        CAST(datediff('month', l.cohort, p.d) AS INTEGER) AS mob,
        p.state,
        p.dpd,
        p.outstanding_principal,
        p.past_due_amount
    FROM loan_points p
    JOIN loan_status l USING (loan_id)
    WHERE p.kind = 'month_end'
),
on_book AS (
    SELECT
        loan_id, month_end, seg_id, cohort, mob, state,
        CASE WHEN state IN ('WO', 'closed') THEN 0 ELSE dpd END AS dpd,
        CASE WHEN state IN ('WO', 'closed') THEN 0 ELSE outstanding_principal END
            AS outstanding_principal,
        CASE WHEN state IN ('WO', 'closed') THEN 0 ELSE past_due_amount END AS past_due_amount
    FROM states
)
SELECT
    loan_id, month_end, seg_id, cohort, mob, state, dpd,
    CAST(outstanding_principal AS DECIMAL(18, 2)) AS outstanding_principal,
    CAST(past_due_amount AS DECIMAL(18, 2))       AS past_due_amount,
    lag(state) OVER w                              AS prev_state,
    CAST(lag(outstanding_principal) OVER w AS DECIMAL(18, 2)) AS prev_outstanding_principal
FROM on_book
WINDOW w AS (PARTITION BY loan_id ORDER BY month_end)
ORDER BY month_end, seg_id;
