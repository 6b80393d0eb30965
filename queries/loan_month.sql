-- loan_month (月末贷款状态, METRICS.md §1-2): each loan's state, DPD, outstanding principal and
-- past-due amount at each month-end from its disbursement month to the as-of month.
-- Grain: one row per loan and month-end. Parameters: $as_of, $filters.
SELECT loan_id, month_end, state, dpd, outstanding_principal, past_due_amount
FROM loan_month
JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
WHERE month_end <= $as_of
ORDER BY loan_id, month_end;
