-- payment_status: every payment up to the as-of date, whether it is a collection recovery and
-- the action it is credited to (METRICS.md §9). Grain: one row per payment (repayments row).
-- A recovery: the loan was past due (M1..M6) or written off at the end of the day before.
-- Last touch: the latest action on the loan (by time, then action_id) up to the end of the payment
-- day, with touch_days = payment day - its day. The query credits it when touch_days is within
-- the attribution window (so the window can be chosen without a new derivation): the latest
-- action overall is within the window exactly when any action is.
CREATE OR REPLACE TABLE payment_status AS
WITH pays AS (
    SELECT r.payment_id, r.loan_id, l.lkey, r.paid_date, r.amount, l.seg_id, l.cohort,
           ds.state AS state_before, ds.dpd AS dpd_before,
           epoch_us(CAST(r.paid_date + 1 AS TIMESTAMP)) * 1000 AS end_key
    FROM repayments r
    JOIN loan_status l USING (loan_id)
    LEFT JOIN (SELECT * FROM day_state WHERE lkey BETWEEN $lkey_first AND $lkey_last) ds
        ON ds.lkey = l.lkey AND ds.d = r.paid_date - 1
    WHERE r.paid_date <= (SELECT as_of FROM derive_settings)
      AND l.lkey BETWEEN $lkey_first AND $lkey_last AND r.loan_id BETWEEN $loan_id_first AND $loan_id_last
),
touch_order AS (
    SELECT action_id, lkey, action_date, channel, agency, agent_id, bucket,
           epoch_us(action_at) * 1000
               + row_number() OVER (PARTITION BY lkey, action_at ORDER BY action_id) AS touch_key
    FROM action_status
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
),
touched AS (
    SELECT p.*, t.action_id, t.action_date, t.channel, t.agency, t.agent_id, t.bucket AS action_bucket
    FROM pays p
    ASOF LEFT JOIN touch_order t ON t.lkey = p.lkey AND t.touch_key < p.end_key
)
SELECT
    payment_id,
    loan_id,
    lkey,
    seg_id,
    cohort,
    paid_date,
    amount,
    state_before,
    dpd_before,
    coalesce(state_before IN ('M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'WO'), false) AS is_recovery,
    action_id                              AS last_action_id,
    CAST(paid_date - action_date AS INTEGER) AS touch_days,
    channel                                AS last_channel,
    agency                                 AS last_agency,
    agent_id                               AS last_agent_id,
    action_bucket                          AS last_action_bucket
FROM touched;
