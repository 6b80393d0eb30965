-- pay_day: payments per loan and day with the running total (ledger 10_pay_day.sql).
CREATE UNLOGGED TABLE pay_day AS
SELECT lkey, paid_date, amount,
       sum(amount) OVER (PARTITION BY lkey ORDER BY paid_date ROWS UNBOUNDED PRECEDING) AS cum_paid
FROM (
    SELECT k.lkey, r.paid_date, sum(r.amount) AS amount
    FROM repayments r
    JOIN loan_key k USING (loan_id)
    WHERE r.paid_date <= (SELECT as_of FROM derive_settings)
    GROUP BY k.lkey, r.paid_date
) x;
CREATE INDEX ON pay_day (lkey, cum_paid) INCLUDE (paid_date);
CREATE INDEX ON pay_day (lkey, paid_date) INCLUDE (cum_paid);
ANALYZE pay_day;
