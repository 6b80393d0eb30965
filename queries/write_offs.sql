-- write_offs (核销明细, METRICS.md §1): loans written off by the as-of date, with the day and the
-- principal written off (outstanding on the day before). Grain: one row per written-off loan.
-- Parameters: $as_of, $filters.
SELECT loan_id, strftime(cohort, '%Y-%m') AS cohort, wo_date AS written_off_date,
       wo_principal AS written_off_principal
FROM loan_status
WHERE wo_date <= $as_of
  AND seg_id IN (SELECT seg_id FROM seg_filter($filters))
ORDER BY wo_date, loan_id;
