-- loan_points: DPD, outstanding principal and past-due amount at each month-end on book (ledger
-- 50_loan_points.sql). Each quantity is a LATERAL index lookup (PostgreSQL has no ASOF join).
CREATE UNLOGGED TABLE loan_points AS
WITH s AS (SELECT * FROM derive_settings),
lme AS (
    SELECT CASE WHEN (date_trunc('month', as_of) + INTERVAL '1 month - 1 day')::date = as_of
                THEN as_of
                ELSE (date_trunc('month', as_of) - INTERVAL '1 day')::date END AS d
    FROM s
),
pts AS (
    SELECT l.lkey, l.principal, l.wo_date, l.close_day,
           (m + INTERVAL '1 month - 1 day')::date AS d
    FROM loan_status l
    CROSS JOIN LATERAL generate_series(l.cohort, (SELECT d FROM lme), INTERVAL '1 month') m
),
on_book AS (
    SELECT * FROM pts WHERE coalesce(close_day, wo_date) IS NULL OR d < coalesce(close_day, wo_date)
),
looked AS (
    SELECT p.lkey, p.d, p.principal,
           coalesce(cp.cum_paid, 0) AS cum_paid,
           u.due_date               AS oldest_unpaid_due,
           coalesce(dd.cum_due, 0)  AS cum_due_before
    FROM on_book p
    LEFT JOIN LATERAL (
        SELECT pd.cum_paid FROM pay_day pd
        WHERE pd.lkey = p.lkey AND pd.paid_date <= p.d
        ORDER BY pd.paid_date DESC LIMIT 1
    ) cp ON true
    LEFT JOIN LATERAL (
        SELECT i.due_date FROM installment_paid i
        WHERE i.lkey = p.lkey AND coalesce(i.paid_off_date, 'infinity'::date) > p.d
        ORDER BY coalesce(i.paid_off_date, 'infinity'::date), i.installment_no LIMIT 1
    ) u ON true
    LEFT JOIN LATERAL (
        SELECT i.cum_due FROM installment_paid i
        WHERE i.lkey = p.lkey AND i.due_date < p.d
        ORDER BY i.due_date DESC, i.installment_no DESC LIMIT 1
    ) dd ON true
),
with_principal AS (
    SELECT x.*,
           coalesce(g.cum_principal_prev
                    + least(greatest(x.cum_paid - g.cum_due_prev - g.fee_due - g.interest_due, 0),
                            g.principal_due), 0) AS principal_repaid,
           CASE WHEN x.oldest_unpaid_due < x.d THEN x.d - x.oldest_unpaid_due ELSE 0 END AS dpd
    FROM looked x
    LEFT JOIN LATERAL (
        SELECT i.cum_due_prev, i.cum_principal_prev, i.principal_due, i.interest_due, i.fee_due
        FROM installment_paid i
        WHERE i.lkey = x.lkey AND i.amount_due > 0 AND i.cum_due_prev <= x.cum_paid
        ORDER BY i.cum_due_prev DESC LIMIT 1
    ) g ON true
)
SELECT lkey, d, dpd,
       CASE WHEN dpd = 0 THEN 'M0'
            WHEN dpd <= e[1] THEN 'M1' WHEN dpd <= e[2] THEN 'M2' WHEN dpd <= e[3] THEN 'M3'
            WHEN dpd <= e[4] THEN 'M4' WHEN dpd <= e[5] THEN 'M5' ELSE 'M6' END AS state,
       principal - principal_repaid                  AS outstanding_principal,
       greatest(cum_due_before - cum_paid, 0)        AS past_due_amount
FROM with_principal
CROSS JOIN (SELECT bucket_edges AS e FROM derive_settings) b;
