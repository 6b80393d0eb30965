-- loan_status: per loan its cohort, segment, first installment, and how it ended by the as-of
-- date. Grain: one row per loan disbursed by the as-of date.
-- close_day: closed_date (close_reason other than written_off) or the day the last installment
-- was paid off, whichever is earlier. Write-off: the first day DPD > write_off_after_dpd, i.e.
-- the earliest due_k + W + 1 at whose end installment k is still unpaid (DESIGN.md: paid-off
-- dates are ordered, so the first such installment is the oldest unpaid one then), or a
-- closed_date with close_reason written_off. Whichever of closing and write-off comes first is
-- the loan's end (a tie counts as closed); an end after the as-of date has not happened.
-- wo_principal is filled in by 50_loan_points (outstanding principal the day before).
CREATE OR REPLACE TABLE loan_status AS
WITH s AS (SELECT * FROM derive_settings),
per_loan AS (
    SELECT
        lkey,
        min(due_date + (SELECT write_off_after_dpd FROM s) + 1) FILTER (
            WHERE paid_off_date IS NULL
               OR paid_off_date > due_date + (SELECT write_off_after_dpd FROM s) + 1
        )                                                   AS auto_wo_day,
        arg_max(paid_off_date, installment_no)              AS last_paid_off,
        bool_and(paid_off_date IS NOT NULL)                 AS all_paid,
        arg_min(due_date, installment_no)                   AS first_due_date,
        arg_min(paid_off_date, installment_no)              AS first_paid_off_date,
        count(*)                                            AS installments
    FROM installment_paid
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
    GROUP BY lkey
),
ends AS (
    SELECT
        l.loan_id,
        g.lkey,
        l.disbursed_date,
        l.principal,
        l.closed_date,
        l.close_reason,
        g.seg_id,
        p.first_due_date,
        p.first_paid_off_date,
        coalesce(p.installments, 0) AS installments,
        least(
            CASE WHEN coalesce(l.close_reason, '') <> 'written_off' THEN l.closed_date END,
            CASE WHEN p.all_paid THEN p.last_paid_off END
        ) AS close_candidate,
        least(
            p.auto_wo_day,
            CASE WHEN l.close_reason = 'written_off' THEN l.closed_date END
        ) AS wo_candidate
    FROM loans l
    JOIN loan_segment g USING (loan_id)
    LEFT JOIN per_loan p ON p.lkey = g.lkey
    WHERE g.lkey BETWEEN $lkey_first AND $lkey_last AND l.loan_id BETWEEN $loan_id_first AND $loan_id_last
)
SELECT
    loan_id,
    lkey,
    seg_id,
    CAST(date_trunc('month', disbursed_date) AS DATE) AS cohort,
    disbursed_date,
    principal,
    installments,
    first_due_date,
    first_paid_off_date,
    closed_date,
    close_reason,
    CASE WHEN close_candidate <= (SELECT as_of FROM s)
          AND (wo_candidate IS NULL OR close_candidate <= wo_candidate)
         THEN close_candidate END AS close_day,
    CASE WHEN wo_candidate <= (SELECT as_of FROM s)
          AND (close_candidate IS NULL OR wo_candidate < close_candidate)
         THEN wo_candidate END AS wo_date,
    CAST(NULL AS DECIMAL(18, 2)) AS wo_principal
FROM ends;
