-- Variant of 80_action_status, for timing only (a different table: the comparison says "not
-- same"): as __narrow_ptp, without the raw text columns (borrower_id, channel, agency, agent_id,
-- outcome, contact_target), which queries would take from collection_actions by action_id.
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
acts AS (
    SELECT a.*, CAST(a.action_at AS DATE) AS action_date, l.lkey, l.seg_id, l.cohort
    FROM collection_actions a
    JOIN loan_status l USING (loan_id)
    WHERE CAST(a.action_at AS DATE) <= (SELECT as_of FROM s)
)
SELECT
    a.action_id,
    a.loan_id,
    a.lkey,
    a.seg_id,
    a.cohort,
    a.action_at,
    a.action_date,
    a.ptp_amount,
    a.ptp_date,
    coalesce(a.cost, 0) AS cost,
    coalesce(a.complaint, false) AS complaint,
    coalesce(ds.state, 'M0') AS bucket,
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
LEFT JOIN day_state ds ON ds.lkey = a.lkey AND ds.d = a.action_date - 1
LEFT JOIN paid_before pp ON pp.action_id = a.action_id
LEFT JOIN paid_by_ptp_date pb ON pb.action_id = a.action_id;
