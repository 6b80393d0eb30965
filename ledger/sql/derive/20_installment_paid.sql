-- installment_paid: the schedule with cumulative amounts due and each installment's paid-off date
-- by the waterfall (METRICS.md §1). Grain: one row per loan and installment.
-- paid_off_date = the first payment day on which cum_paid >= cum_due - paid_tolerance: an ASOF
-- join finds it, since cum_paid grows with the date. An installment whose cumulative due is
-- covered with nothing paid (zero amounts) counts as paid off on the disbursement date.
-- next_due_date: the due date of the loan's next installment (NULL for the last), so that the
-- cure queries find the days a loan is back at DPD 0 without a window of their own; it shares
-- the cumulative sums' sort.
CREATE OR REPLACE TABLE installment_paid AS
WITH sched AS (
    SELECT
        i.loan_id,
        g.lkey,
        i.installment_no,
        i.due_date,
        i.principal_due,
        i.interest_due,
        i.fee_due,
        CAST(i.principal_due + i.interest_due + i.fee_due AS DECIMAL(18, 2)) AS amount_due,
        l.disbursed_date
    FROM installments i
    JOIN loans l USING (loan_id)
    JOIN loan_segment g USING (loan_id)
    WHERE g.lkey BETWEEN $lkey_first AND $lkey_last
      AND i.loan_id BETWEEN $loan_id_first AND $loan_id_last AND l.loan_id BETWEEN $loan_id_first AND $loan_id_last
),
cum AS (
    SELECT
        *,
        CAST(sum(amount_due) OVER w AS DECIMAL(18, 2))                  AS cum_due,
        CAST(sum(amount_due) OVER w - amount_due AS DECIMAL(18, 2))     AS cum_due_prev,
        CAST(sum(principal_due) OVER w - principal_due AS DECIMAL(18, 2)) AS cum_principal_prev,
        CAST(sum(amount_due) OVER w AS DECIMAL(18, 2))
            - (SELECT paid_tolerance FROM derive_settings)               AS paid_target,
        lead(due_date) OVER (PARTITION BY lkey ORDER BY installment_no)  AS next_due_date
    FROM sched
    WINDOW w AS (PARTITION BY lkey ORDER BY installment_no ROWS UNBOUNDED PRECEDING)
)
SELECT
    c.loan_id,
    c.lkey,
    c.installment_no,
    c.due_date,
    c.principal_due,
    c.interest_due,
    c.fee_due,
    c.amount_due,
    c.cum_due,
    c.cum_due_prev,
    c.cum_principal_prev,
    CASE WHEN c.paid_target <= 0 THEN c.disbursed_date ELSE p.paid_date END AS paid_off_date,
    c.next_due_date
FROM cum c
ASOF LEFT JOIN (SELECT * FROM pay_day WHERE lkey BETWEEN $lkey_first AND $lkey_last) p
    ON p.lkey = c.lkey AND p.cum_paid >= c.paid_target;
