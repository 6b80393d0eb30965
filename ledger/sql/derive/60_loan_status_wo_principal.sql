-- Write-off amount (METRICS.md §1): the outstanding principal on the day before the write-off.
UPDATE loan_status
SET wo_principal = p.outstanding_principal
FROM loan_points p
WHERE p.lkey = loan_status.lkey AND p.kind = 'wo_eve';
