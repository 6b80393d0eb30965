-- payment_status: every payment up to the as-of date, whether it is a collection recovery and,
-- for a recovery, the action it is credited to (METRICS.md §9). Grain: one row per payment
-- (repayments row).
-- A recovery: the loan was past due (M1..M6) or written off at the end of the day before.
-- Last touch: the latest action on the loan (by time, then action_id) up to the end of the payment
-- day, with touch_days = payment day - its day. The query credits it when touch_days is within
-- the attribution window (so the window can be chosen without a new derivation): the latest
-- action overall is within the window exactly when any action is.
-- Only recoveries are credited (every query reads last_* for recoveries only), so the last-touch
-- columns are NULL for other payments and the lookup reads only the actions of loans with a
-- recovery: 9% of the payments and a fifth of the loans in the 1M sample (bench/RESULTS.md).
CREATE OR REPLACE TABLE payment_status AS
WITH pays AS (
    SELECT r.payment_id, r.loan_id, l.lkey, r.paid_date, r.amount, l.seg_id, l.cohort,
           ds.state AS state_before, ds.dpd AS dpd_before,
           coalesce(ds.state IN ('M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'WO'), false) AS is_recovery
    FROM repayments r
    JOIN loan_status l USING (loan_id)
    LEFT JOIN (SELECT * FROM day_state WHERE lkey BETWEEN $lkey_first AND $lkey_last) ds
        ON ds.lkey = l.lkey AND ds.d = r.paid_date - 1
    WHERE r.paid_date <= (SELECT as_of FROM derive_settings)
      AND l.lkey BETWEEN $lkey_first AND $lkey_last AND r.loan_id BETWEEN $loan_id_first AND $loan_id_last
),
recoveries AS (
    -- the end of the payment day as a touch key: every action before midnight is below it, an
    -- action at midnight is not ('' sorts before every action_id)
    SELECT *, {'at': CAST(paid_date + 1 AS TIMESTAMP), 'id': ''} AS end_key
    FROM pays
    WHERE is_recovery
),
touch_order AS (
    SELECT action_id, lkey, action_date, channel, agency, agent_id, bucket,
           -- (time, action_id) in one ASOF key: structs compare field by field, so a tie in
           -- time goes to the greatest action_id without a window over the actions
           {'at': action_at, 'id': action_id} AS touch_key
    FROM action_status
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
      AND lkey IN (SELECT lkey FROM recoveries)
),
touched AS (
    SELECT p.* EXCLUDE (end_key), t.action_id, t.action_date, t.channel, t.agency, t.agent_id,
           t.bucket AS action_bucket
    FROM recoveries p
    ASOF LEFT JOIN touch_order t ON t.lkey = p.lkey AND t.touch_key < p.end_key
    UNION ALL BY NAME
    SELECT * FROM pays WHERE NOT is_recovery
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
    is_recovery,
    action_id                              AS last_action_id,
    CAST(paid_date - action_date AS INTEGER) AS touch_days,
    channel                                AS last_channel,
    agency                                 AS last_agency,
    agent_id                               AS last_agent_id,
    action_bucket                          AS last_action_bucket
FROM touched;
