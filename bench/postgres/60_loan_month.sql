-- loan_month: every loan at every month-end, with the previous month-end's state (ledger
-- 70_loan_month.sql): on-book points from loan_points, 'closed' / 'WO' after the loan ended.
CREATE UNLOGGED TABLE loan_month AS
WITH lme AS (
    SELECT CASE WHEN (date_trunc('month', as_of) + INTERVAL '1 month - 1 day')::date = as_of
                THEN as_of
                ELSE (date_trunc('month', as_of) - INTERVAL '1 day')::date END AS d
    FROM derive_settings
),
ended AS (
    SELECT l.lkey, (m + INTERVAL '1 month - 1 day')::date AS month_end,
           CASE WHEN l.wo_date IS NOT NULL THEN 'WO' ELSE 'closed' END AS state,
           coalesce(l.close_day, l.wo_date) AS end_day
    FROM loan_status l
    CROSS JOIN LATERAL generate_series(l.cohort, (SELECT d FROM lme), INTERVAL '1 month') m
    WHERE coalesce(l.close_day, l.wo_date) IS NOT NULL
),
all_points AS (
    SELECT lkey, d AS month_end, state, dpd, outstanding_principal, past_due_amount
    FROM loan_points
    UNION ALL
    SELECT lkey, month_end, state, 0, 0, 0 FROM ended WHERE month_end >= end_day
)
SELECT p.lkey, p.month_end, p.state, p.dpd, p.outstanding_principal, p.past_due_amount,
       lag(p.state) OVER w AS prev_state,
       lag(p.outstanding_principal) OVER w AS prev_outstanding_principal
FROM all_points p
WINDOW w AS (PARTITION BY p.lkey ORDER BY p.month_end);
