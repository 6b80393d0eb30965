-- pay_day: payments per loan and calendar day up to the as-of date, with the running total.
-- Grain: one row per loan and payment day. cum_paid is strictly increasing (amounts are > 0).
CREATE OR REPLACE TABLE pay_day AS
SELECT
    loan_id,
    lkey,
    paid_date,
    amount,
    CAST(sum(amount) OVER (PARTITION BY lkey ORDER BY paid_date ROWS UNBOUNDED PRECEDING)
         AS DECIMAL(18, 2)) AS cum_paid
FROM (
    SELECT r.loan_id, g.lkey, r.paid_date, CAST(sum(r.amount) AS DECIMAL(18, 2)) AS amount
    FROM repayments r
    JOIN loan_segment g USING (loan_id)
    WHERE r.paid_date <= (SELECT as_of FROM derive_settings)
      AND g.lkey BETWEEN $lkey_first AND $lkey_last
      AND r.loan_id BETWEEN $loan_id_first AND $loan_id_last
    GROUP BY r.loan_id, g.lkey, r.paid_date
);
