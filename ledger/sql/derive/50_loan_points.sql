-- loan_points: DPD, outstanding principal and past-due amount of each loan at each month-end while
-- it is on book (from its disbursement month to the last month-end on or before the as-of date,
-- before its close or write-off day), and on the day before its write-off (kind 'wo_eve', for the
-- write-off amount). Month-ends after a loan ended need no lookup: 70_loan_month fills them.
-- Grain: one row per loan and point.
-- Each quantity is one ASOF lookup on an integer loan key (DESIGN.md): cumulative paid at d; the
-- oldest installment not paid off at d (paid-off dates are ordered; ties broken by
-- installment_no); the last installment due before d; the installment that cumulative paid falls
-- in (for principal repaid).
CREATE OR REPLACE TABLE loan_points AS
WITH s AS (SELECT * FROM derive_settings),
last_month_end AS (
    SELECT CASE WHEN last_day(as_of) = as_of THEN as_of
                ELSE CAST(date_trunc('month', as_of) - INTERVAL 1 DAY AS DATE) END AS d
    FROM s
),
month_points AS (
    SELECT lkey, CAST(last_day(cohort + to_months(k)) AS DATE) AS d, end_day
    FROM (
        SELECT lkey, cohort, coalesce(close_day, wo_date) AS end_day,
               unnest(range(0, datediff('month', cohort, (SELECT d FROM last_month_end)) + 1)) AS k
        FROM loan_status
        WHERE cohort <= (SELECT d FROM last_month_end) AND lkey BETWEEN $lkey_first AND $lkey_last
    )
),
points AS (
    SELECT lkey, d, 'month_end' AS kind FROM month_points WHERE end_day IS NULL OR d < end_day
    UNION ALL
    SELECT lkey, CAST(wo_date - 1 AS DATE) AS d, 'wo_eve' AS kind
    FROM loan_status
    WHERE wo_date IS NOT NULL AND lkey BETWEEN $lkey_first AND $lkey_last
),
unpaid_order AS (
    SELECT lkey, due_date,
           day_key(coalesce(paid_off_date, DATE '9999-12-31')) + installment_no AS unpaid_key
    FROM installment_paid
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
),
due_order AS (
    SELECT lkey, cum_due, day_key(due_date) + installment_no AS due_key
    FROM installment_paid
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
),
paying AS (
    -- Installments that carry an amount, by where cumulative paid falls (zero ones repay nothing).
    SELECT lkey, cum_due_prev, cum_principal_prev, principal_due, interest_due, fee_due
    FROM installment_paid
    WHERE amount_due > 0 AND lkey BETWEEN $lkey_first AND $lkey_last
),
with_paid AS (
    SELECT kp.*, day_key(kp.d) AS day_key, coalesce(pd.cum_paid, 0) AS cum_paid
    FROM points kp
    ASOF LEFT JOIN (SELECT * FROM pay_day WHERE lkey BETWEEN $lkey_first AND $lkey_last) pd
        ON pd.lkey = kp.lkey AND pd.paid_date <= kp.d
),
with_dpd AS (
    SELECT wp.*,
           CASE WHEN u.due_date < wp.d THEN CAST(wp.d - u.due_date AS INTEGER) ELSE 0 END AS dpd
    FROM with_paid wp
    ASOF LEFT JOIN unpaid_order u
        ON u.lkey = wp.lkey AND u.unpaid_key > wp.day_key + 999999
),
with_due AS (
    SELECT wd.*, coalesce(o.cum_due, 0) AS cum_due_before
    FROM with_dpd wd
    ASOF LEFT JOIN due_order o ON o.lkey = wd.lkey AND o.due_key < wd.day_key
),
with_principal AS (
    SELECT wu.*,
           coalesce(
               g.cum_principal_prev
                   + least(greatest(wu.cum_paid - g.cum_due_prev - g.fee_due - g.interest_due, 0),
                           g.principal_due),
               0) AS principal_repaid
    FROM with_due wu
    ASOF LEFT JOIN paying g ON g.lkey = wu.lkey AND g.cum_due_prev <= wu.cum_paid
)
SELECT
    w.lkey,
    w.d,
    w.kind,
    w.dpd,
    loan_state(w.dpd, w.d, l.wo_date, l.close_day, (SELECT bucket_edges FROM s)) AS state,
    CAST(l.principal - w.principal_repaid AS DECIMAL(18, 2))               AS outstanding_principal,
    CAST(greatest(w.cum_due_before - w.cum_paid, 0) AS DECIMAL(18, 2))     AS past_due_amount
FROM with_principal w
JOIN (SELECT * FROM loan_status WHERE lkey BETWEEN $lkey_first AND $lkey_last) l ON l.lkey = w.lkey;
