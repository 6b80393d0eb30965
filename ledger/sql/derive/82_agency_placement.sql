-- agency_placement: each loan's placement with each third-party agency (METRICS.md §9): the
-- agency's first action on the loan, the bucket at that action, and the past-due amount at the end
-- of the day before it (METRICS.md §1: amount due before that day less paid to it), with what had
-- been paid by then (the base of the agency recovery curve).
-- A placement on or before an as-of date is the same whatever later as-of derived it, so the
-- queries keep the rows with placed_date <= $as_of. Grain: one row per agency and loan.
CREATE OR REPLACE TABLE agency_placement AS
WITH placements AS (
    SELECT agency, lkey, any_value(seg_id) AS seg_id,
           min(action_date) AS placed_date,
           arg_min(bucket, action_at) AS placed_bucket
    FROM action_status
    WHERE agency IS NOT NULL AND lkey BETWEEN $lkey_first AND $lkey_last
    GROUP BY agency, lkey
),
due_order AS (
    SELECT lkey, cum_due, day_key(due_date) + installment_no AS due_key
    FROM installment_paid
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
),
with_due AS (
    SELECT p.*, coalesce(o.cum_due, 0) AS due_before
    FROM (SELECT *, day_key(CAST(placed_date - 1 AS DATE)) AS eve_key FROM placements) p
    ASOF LEFT JOIN due_order o ON o.lkey = p.lkey AND o.due_key < p.eve_key
),
with_paid AS (
    SELECT w.*, coalesce(pd.cum_paid, 0) AS paid_before
    FROM with_due w
    ASOF LEFT JOIN (SELECT * FROM pay_day WHERE lkey BETWEEN $lkey_first AND $lkey_last) pd
        ON pd.lkey = w.lkey AND pd.paid_date <= CAST(w.placed_date - 1 AS DATE)
)
SELECT agency, lkey, seg_id, placed_date, placed_bucket,
       CAST(paid_before AS DECIMAL(18, 2)) AS paid_before,
       CAST(greatest(due_before - paid_before, 0) AS DECIMAL(18, 2)) AS placed_past_due
FROM with_paid
ORDER BY placed_date, agency, lkey;
