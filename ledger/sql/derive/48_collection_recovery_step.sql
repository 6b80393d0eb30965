-- collection_recovery_step: see 48_collection_entry.sql (a file of its own because each
-- per-loan step is one statement with the loan range's parameters).
CREATE OR REPLACE TABLE collection_recovery_step AS
WITH steps AS (
    -- recovered so far on each later payment day: cumulative paid beyond what the earlier
    -- installments took, capped at the installment, less what was paid by the due date
    SELECT a.lkey, a.installment_no, a.due_date, a.seg_id,
           CAST(p.paid_date - a.due_date AS INTEGER) AS j0,
           least(greatest(p.cum_paid - a.cum_due_prev, 0), a.amount_due) - a.paid_at_due
               AS recovered
    FROM collection_entry a
    JOIN pay_day p ON p.lkey = a.lkey AND p.paid_date > a.due_date
    WHERE p.cum_paid > a.cum_due_prev + a.paid_at_due  -- nothing recovered before this
      AND a.lkey BETWEEN $lkey_first AND $lkey_last AND p.lkey BETWEEN $lkey_first AND $lkey_last
),
increments AS (
    SELECT lkey, installment_no, due_date, seg_id, j0,
           recovered - coalesce(lag(recovered) OVER (
               PARTITION BY lkey, installment_no ORDER BY j0), 0) AS inc
    FROM steps
)
SELECT lkey, installment_no, due_date, seg_id, j0, CAST(inc AS DECIMAL(18, 2)) AS inc
FROM increments
WHERE inc > 0
ORDER BY due_date, seg_id;
