-- installment_status: installment_paid with the loan's segment, cohort and end, so that the
-- installment-level metrics (entry rate, cure, FPD, recovery) filter without a join.
-- Grain: one row per loan and installment.
-- end_day: the day the loan left the book by a recorded closing (closed_date, any reason) or a
-- write-off. The installment metrics exclude installments due on or after it. A loan that closed
-- by paying everything is not excluded: its installments are paid, so they count as not entered
-- (the golden ledger's entry rate counts them in the denominator).
CREATE OR REPLACE TABLE installment_status AS
SELECT
    i.loan_id,
    i.lkey,
    i.installment_no,
    i.due_date,
    i.principal_due,
    i.interest_due,
    i.fee_due,
    i.amount_due,
    i.cum_due,
    i.cum_due_prev,
    i.cum_principal_prev,
    i.paid_off_date,
    i.next_due_date,
    l.seg_id,
    l.cohort,
    least(CASE WHEN l.closed_date <= (SELECT as_of FROM derive_settings) THEN l.closed_date END,
          l.wo_date) AS end_day
FROM installment_paid i
JOIN loan_status l ON l.lkey = i.lkey
WHERE i.lkey BETWEEN $lkey_first AND $lkey_last AND l.lkey BETWEEN $lkey_first AND $lkey_last;
