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

-- mart_vintage_all: the same summed over every segment, for the whole book (no filter, no split;
-- see mart_month_state_all). Read it through vintage_rows(), never directly.
CREATE OR REPLACE TABLE mart_vintage_all AS
SELECT cohort, event, threshold, event_month_end,
       CAST(sum(loans) AS BIGINT) AS loans, CAST(sum(amount) AS DECIMAL(18, 2)) AS amount
FROM mart_vintage
GROUP BY ALL
ORDER BY 1, 2, 3, 4;

-- vintage_rows(filters, split): mart_vintage's rows for a query's $filters and $by, with
-- segment_value instead of seg_id (as month_state_rows). Sum the rows.
CREATE OR REPLACE MACRO vintage_rows(filters, split) AS TABLE
SELECT cohort, 'all' AS segment_value, event, threshold, event_month_end, loans, amount
FROM mart_vintage_all
WHERE len(filters) = 0 AND split = ''
UNION ALL
SELECT v.cohort, g.segment_value, v.event, v.threshold, v.event_month_end, v.loans, v.amount
FROM mart_vintage v
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE NOT (len(filters) = 0 AND split = '');
