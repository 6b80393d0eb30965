-- collection_entry: installments entering collection (METRICS.md §4, §8): not paid off at the end
-- of the due date, the loan not ended (closed or written off) by then, due on or before the as-of
-- date; with what was paid to each by the end of its due date and the day it was paid off.
-- The recovery queries keep entries due before their $as_of; cure_by_due_month those due on or
-- before it (an entry due on the as-of day is entered but not yet observed).
-- collection_recovery_step: for each entry, every payment day after the due date on which the
-- amount recovered on it grows, and by how much (inc); recovered by day j = the sum of inc with
-- j0 <= j. Payment days that recover nothing (the installment already paid) are left out.
-- Both hold for any as-of on or before the derivation's: the queries keep entries due before
-- their $as_of and days j0 up to it, so recovery_curve and recovery_share_trend need no lookups.
-- Grain: one row per entry; one row per entry and payment day with a recovery.
CREATE OR REPLACE TABLE collection_entry AS
WITH entries AS (
    SELECT lkey, installment_no, seg_id, due_date, amount_due, cum_due_prev, paid_off_date
    FROM installment_status
    WHERE (paid_off_date IS NULL OR paid_off_date > due_date)
      AND (end_day IS NULL OR end_day > due_date)
      AND due_date <= (SELECT as_of FROM derive_settings)
      AND lkey BETWEEN $lkey_first AND $lkey_last
)
SELECT e.lkey, e.installment_no, e.seg_id, e.due_date, e.amount_due, e.cum_due_prev,
       e.paid_off_date,
       CAST(least(greatest(coalesce(p.cum_paid, 0) - e.cum_due_prev, 0), e.amount_due)
            AS DECIMAL(18, 2)) AS paid_at_due
FROM entries e
ASOF LEFT JOIN (SELECT * FROM pay_day WHERE lkey BETWEEN $lkey_first AND $lkey_last) p
    ON p.lkey = e.lkey AND p.paid_date <= e.due_date
ORDER BY e.due_date, e.seg_id;
