-- installment_status (还款计划状态, METRICS.md §1): each installment with its amount due and the
-- day it was paid off by the waterfall (NULL while unpaid at the as-of date).
-- Grain: one row per loan and installment. Parameters: $filters.
SELECT loan_id, installment_no, due_date, amount_due, paid_off_date
FROM installment_status
JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
ORDER BY loan_id, installment_no;
