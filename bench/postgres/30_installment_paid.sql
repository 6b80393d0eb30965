-- installment_paid: cumulative amounts due and the paid-off date by the waterfall (ledger
-- 20_installment_paid.sql). Instead of DuckDB's ASOF join: a LATERAL lookup of the first payment
-- day whose cumulative paid reaches the target, on the (lkey, cum_paid) index.
CREATE UNLOGGED TABLE installment_paid AS
WITH sched AS (
    SELECT k.lkey, i.installment_no, i.due_date, i.principal_due, i.interest_due, i.fee_due,
           i.principal_due + i.interest_due + i.fee_due AS amount_due, k.disbursed_date
    FROM installments i
    JOIN loan_key k USING (loan_id)
),
cum AS (
    SELECT *,
           sum(amount_due) OVER w                     AS cum_due,
           sum(amount_due) OVER w - amount_due        AS cum_due_prev,
           sum(principal_due) OVER w - principal_due  AS cum_principal_prev,
           sum(amount_due) OVER w - (SELECT paid_tolerance FROM derive_settings) AS paid_target
    FROM sched
    WINDOW w AS (PARTITION BY lkey ORDER BY installment_no ROWS UNBOUNDED PRECEDING)
)
SELECT c.lkey, c.installment_no, c.due_date, c.principal_due, c.interest_due, c.fee_due,
       c.amount_due, c.cum_due, c.cum_due_prev, c.cum_principal_prev,
       CASE WHEN c.paid_target <= 0 THEN c.disbursed_date ELSE p.paid_date END AS paid_off_date
FROM cum c
LEFT JOIN LATERAL (
    SELECT pd.paid_date FROM pay_day pd
    WHERE pd.lkey = c.lkey AND pd.cum_paid >= c.paid_target
    ORDER BY pd.cum_paid
    LIMIT 1
) p ON true;
CREATE INDEX ON installment_paid (lkey, (coalesce(paid_off_date, 'infinity'::date)), installment_no)
    INCLUDE (due_date);
CREATE INDEX ON installment_paid (lkey, due_date, installment_no) INCLUDE (cum_due);
CREATE INDEX ON installment_paid (lkey, cum_due_prev)
    INCLUDE (cum_principal_prev, principal_due, interest_due, fee_due) WHERE amount_due > 0;
ANALYZE installment_paid;
