-- Variant of 81_payment_status: the last touch without a window. The latest action at each
-- (loan, timestamp) is picked by a hash aggregate (arg_max by action_id) instead of numbering
-- every action with row_number() OVER (PARTITION BY lkey, action_at ORDER BY action_id), then
-- one ASOF join on the timestamp.
CREATE OR REPLACE TABLE payment_status AS
WITH pays AS (
    SELECT r.payment_id, r.loan_id, l.lkey, r.paid_date, r.amount, l.seg_id, l.cohort,
           ds.state AS state_before, ds.dpd AS dpd_before,
           CAST(r.paid_date + 1 AS TIMESTAMP) AS end_at
    FROM repayments r
    JOIN loan_status l USING (loan_id)
    LEFT JOIN day_state ds ON ds.lkey = l.lkey AND ds.d = r.paid_date - 1
    WHERE r.paid_date <= (SELECT as_of FROM derive_settings)
),
touch AS (
    SELECT lkey, action_at,
           arg_max({'action_id': action_id, 'action_date': action_date, 'channel': channel,
                    'agency': agency, 'agent_id': agent_id, 'bucket': bucket}, action_id) AS t
    FROM action_status
    GROUP BY lkey, action_at
),
touched AS (
    SELECT p.*, t.t.action_id, t.t.action_date, t.t.channel, t.t.agency, t.t.agent_id,
           t.t.bucket AS action_bucket
    FROM pays p
    ASOF LEFT JOIN touch t ON t.lkey = p.lkey AND t.action_at < p.end_at
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
