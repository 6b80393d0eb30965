-- written_off_loans, write_off_payments: the loans written off (about 4% of loan_status) and the
-- payments made on a loan already written off the day before (payment_status.state_before =
-- 'WO': about 0.2% of the payments), for the recovery page's write-off figures. Scanning
-- loan_status and payment_status for them cost ~35 ms per query at a million loans; these hold
-- the same rows and columns. Grain: one row per written-off loan; one row per such payment.
CREATE OR REPLACE TABLE written_off_loans AS
SELECT * FROM loan_status WHERE wo_date IS NOT NULL ORDER BY wo_date, lkey;

CREATE OR REPLACE TABLE write_off_payments AS
SELECT * FROM payment_status WHERE state_before = 'WO' ORDER BY paid_date, lkey;
