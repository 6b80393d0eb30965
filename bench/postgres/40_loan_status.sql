-- loan_status: how each loan ended by the as-of date (ledger 30_loan_status.sql).
CREATE UNLOGGED TABLE loan_status AS
WITH s AS (SELECT * FROM derive_settings),
per_loan AS (
    SELECT lkey,
           min(due_date + (SELECT write_off_after_dpd FROM s) + 1) FILTER (
               WHERE paid_off_date IS NULL
                  OR paid_off_date > due_date + (SELECT write_off_after_dpd FROM s) + 1
           )                                                        AS auto_wo_day,
           (array_agg(paid_off_date ORDER BY installment_no DESC))[1] AS last_paid_off,
           bool_and(paid_off_date IS NOT NULL)                      AS all_paid
    FROM installment_paid
    GROUP BY lkey
),
ends AS (
    SELECT k.lkey, k.principal, k.disbursed_date,
           least(CASE WHEN coalesce(k.close_reason, '') <> 'written_off' THEN k.closed_date END,
                 CASE WHEN p.all_paid THEN p.last_paid_off END) AS close_candidate,
           least(p.auto_wo_day,
                 CASE WHEN k.close_reason = 'written_off' THEN k.closed_date END) AS wo_candidate
    FROM loan_key k
    LEFT JOIN per_loan p USING (lkey)
)
SELECT lkey, principal,
       CAST(date_trunc('month', disbursed_date) AS DATE) AS cohort,
       CASE WHEN close_candidate <= (SELECT as_of FROM s)
             AND (wo_candidate IS NULL OR close_candidate <= wo_candidate)
            THEN close_candidate END AS close_day,
       CASE WHEN wo_candidate <= (SELECT as_of FROM s)
             AND (close_candidate IS NULL OR wo_candidate < close_candidate)
            THEN wo_candidate END AS wo_date
FROM ends;
ANALYZE loan_status;
