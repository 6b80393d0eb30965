-- cohorts: the disbursement months (first day) with their number of loans, newest first (for
-- the cohort selectors). Grain: one row per cohort. Parameters: none.
-- from the cohort sizes in mart_vintage_all (every loan, by cohort), not a scan of the loans
SELECT cohort, CAST(sum(loans) AS BIGINT) AS loans
FROM mart_vintage_all
WHERE event = 'size'
GROUP BY cohort
ORDER BY cohort DESC;
