-- write_offs (核销明细, METRICS.md §1): loans written off by the as-of date, with the day and the
-- principal written off (outstanding on the day before). Grain: one row per written-off loan.
-- Parameters: $as_of, $filters.
SELECT loan_id, strftime(cohort, '%Y-%m') AS cohort, wo_date AS written_off_date,
       wo_principal AS written_off_principal
FROM written_off_loans  -- loan_status's rows with a wo_date
JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
WHERE wo_date <= $as_of
ORDER BY wo_date, loan_id;
