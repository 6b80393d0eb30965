-- pay_day: payments per loan and calendar day up to the as-of date, with the running total.
-- Grain: one row per loan and payment day. cum_paid is strictly increasing (amounts are > 0).
CREATE OR REPLACE TABLE pay_day AS
SELECT
    loan_id,
    paid_date,
    amount,
    sum(amount) OVER (PARTITION BY loan_id ORDER BY paid_date ROWS UNBOUNDED PRECEDING) AS cum_paid
FROM (
    SELECT r.loan_id, r.paid_date, sum(r.amount) AS amount
    FROM repayments r
    JOIN loan_segment USING (loan_id)
    WHERE r.paid_date <= (SELECT as_of FROM derive_settings)
    GROUP BY r.loan_id, r.paid_date
);
