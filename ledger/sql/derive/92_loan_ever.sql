-- loan_ever: for each loan and each threshold N in vintage_thresholds, the first day it had
-- DPD >= N (METRICS.md §6, closed form): the earliest due_k + N at whose end installment k is not
-- paid off, while the loan had not ended (closed or written off) by then.
-- Grain: one row per loan and threshold, for loans that reached it by the as-of date.
CREATE OR REPLACE TABLE loan_ever AS
SELECT
    i.lkey,
    i.seg_id,
    i.cohort,
    t.threshold,
    CAST(min(i.due_date + t.threshold) AS DATE) AS first_date
FROM installment_status i
CROSS JOIN (SELECT unnest(vintage_thresholds) AS threshold FROM derive_settings) t
WHERE (i.paid_off_date IS NULL OR i.paid_off_date > i.due_date + t.threshold)
  AND (i.end_day IS NULL OR i.end_day > i.due_date + t.threshold)
  AND i.due_date + t.threshold <= (SELECT as_of FROM derive_settings)
  AND i.lkey BETWEEN $lkey_first AND $lkey_last
GROUP BY ALL;
