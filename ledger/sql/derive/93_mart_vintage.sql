-- mart_vintage: per cohort and segment the loans and principal, the loans reaching DPD N+ by
-- month-end (for every threshold), and write-offs by month-end (METRICS.md §6).
-- Grain: one row per cohort, seg_id, event ('size', 'ever', 'write_off'), threshold (0 unless
-- 'ever') and event_month_end (NULL for 'size').
CREATE OR REPLACE TABLE mart_vintage AS
SELECT cohort, seg_id, 'size' AS event, 0 AS threshold, CAST(NULL AS DATE) AS event_month_end,
       count(*) AS loans, CAST(sum(principal) AS DECIMAL(18, 2)) AS amount
FROM loan_status
GROUP BY ALL
UNION ALL
SELECT e.cohort, e.seg_id, 'ever', e.threshold, last_day(e.first_date),
       count(*), CAST(sum(l.principal) AS DECIMAL(18, 2))
FROM loan_ever e
JOIN loan_status l USING (lkey)
GROUP BY ALL
UNION ALL
SELECT cohort, seg_id, 'write_off', 0, last_day(wo_date),
       count(*), CAST(sum(wo_principal) AS DECIMAL(18, 2))
FROM loan_status
WHERE wo_date IS NOT NULL
GROUP BY ALL
ORDER BY 1, 2, 3, 4, 5;
