-- Variant of 80_action_status: as __narrow_ptp, and the bucket at action time by an ASOF join of
-- the actions straight to the unpaid order (as 55_day_state does for its days) instead of a hash
-- join to day_state on (lkey, d).
CREATE OR REPLACE TABLE action_status AS
WITH s AS (SELECT * FROM derive_settings),
ptp AS (
    SELECT a.action_id, g.lkey, CAST(a.action_at AS DATE) AS action_date, a.ptp_date
    FROM collection_actions a
    JOIN loan_segment g USING (loan_id)
    WHERE a.outcome = 'ptp' AND CAST(a.action_at AS DATE) <= (SELECT as_of FROM s)
),
paid_before AS (
    SELECT a.action_id, coalesce(p.cum_paid, 0) AS cum_paid_before
    FROM ptp a
    ASOF LEFT JOIN pay_day p ON p.lkey = a.lkey AND p.paid_date < a.action_date
),
paid_by_ptp_date AS (
    SELECT a.action_id, coalesce(p.cum_paid, 0) AS cum_paid_by
    FROM ptp a
    ASOF LEFT JOIN pay_day p ON p.lkey = a.lkey AND p.paid_date <= a.ptp_date
),
unpaid_order AS (
    SELECT lkey, due_date,
           day_key(coalesce(paid_off_date, DATE '9999-12-31')) + installment_no AS unpaid_key
    FROM installment_paid
),
acts AS (
    SELECT a.*, CAST(a.action_at AS DATE) AS action_date, l.lkey, l.seg_id, l.cohort, b.borrower_id,
           l.wo_date, l.close_day,
           day_key(CAST(CAST(a.action_at AS DATE) - 1 AS DATE)) + 999999 AS end_key
    FROM collection_actions a
    JOIN loan_status l USING (loan_id)
    JOIN loans b USING (loan_id)
    WHERE CAST(a.action_at AS DATE) <= (SELECT as_of FROM s)
)
SELECT
    a.action_id,
    a.loan_id,
    a.lkey,
    a.borrower_id,
    a.seg_id,
    a.cohort,
    a.action_at,
    a.action_date,
    a.channel,
    a.agency,
    a.agent_id,
    a.outcome,
    a.ptp_amount,
    a.ptp_date,
    coalesce(a.cost, 0) AS cost,
    coalesce(a.complaint, false) AS complaint,
    a.contact_target,
    loan_state(CASE WHEN u.due_date < a.action_date - 1
                    THEN CAST(a.action_date - 1 - u.due_date AS INTEGER) ELSE 0 END,
               CAST(a.action_date - 1 AS DATE), a.wo_date, a.close_day, s.bucket_edges) AS bucket,
    coalesce(a.outcome IN ('contacted', 'ptp', 'refused', 'paid'), false) AS rpc,
    coalesce(a.outcome = 'ptp', false) AS is_ptp,
    coalesce(a.outcome = 'ptp' AND a.ptp_date <= s.as_of, false) AS ptp_due,
    coalesce(
        a.outcome = 'ptp' AND a.ptp_date <= s.as_of
        AND pb.cum_paid_by - pp.cum_paid_before >= a.ptp_amount - s.paid_tolerance,
        false) AS ptp_kept,
    NOT (CAST(a.action_at AS TIME) >= s.contact_start AND CAST(a.action_at AS TIME) < s.contact_end)
        AS outside_hours,
    coalesce(a.contact_target <> 'borrower', false) AS non_borrower_contact
FROM acts a
CROSS JOIN s
ASOF LEFT JOIN unpaid_order u ON u.lkey = a.lkey AND u.unpaid_key > a.end_key
LEFT JOIN paid_before pp ON pp.action_id = a.action_id
LEFT JOIN paid_by_ptp_date pb ON pb.action_id = a.action_id;
