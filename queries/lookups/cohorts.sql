-- cohorts: the disbursement months (first day) with their number of loans, newest first (for
-- the cohort selectors). Grain: one row per cohort. Parameters: none.
SELECT cohort, count(*) AS loans FROM loan_status GROUP BY cohort ORDER BY cohort DESC;
