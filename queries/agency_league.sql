-- agency_league (委外机构排名, METRICS.md §9-10): a league table of third-party agencies
-- ($level = 'agency': every action carrying an agency, whatever its channel — an agency's robot
-- calls count as its own) or of agents and collectors ($level = 'agent': every action carrying an
-- agent id, in-house collectors and field visitors included).
-- - placed_accounts / placed_past_due (agencies; NULL for agents): loans placed in the period —
--   a placement is the agency's first action on the loan up to the as-of date — and their
--   past-due amount at the end of the day before it (METRICS.md §1: Σ amount due before that day
--   less paid to it).
-- - attempts, accounts, right-party contacts, PTPs, PTPs due and kept, complaints and the conduct
--   flags of its actions in the period; commission = the cost of those actions.
-- - recovered: collection recoveries in the period credited by last touch within $window_days
--   (as in channel_performance) to an action of that agency (agent); net = recovered − commission.
-- - over-cap borrower-days as in compliance: a borrower-day over a cap counts for each agency
--   (agent) with a phone/ivr action in it; breaches = outside-hours actions + non-borrower
--   contacts + borrower-days over either cap.
-- - too_small: fewer accounts than min_segment_size, so not to be ranked (METRICS.md §11).
-- Grain: one row per agency (agent). Parameters: $as_of, $filters, $period_start, $period_end
-- (NULL = open), $window_days, $level ('agency' or 'agent').
WITH kept AS (SELECT seg_id FROM seg_filter($filters)),
acts AS (
    SELECT lkey, borrower_id, action_date, channel, agency, rpc, is_ptp, ptp_due, ptp_kept, cost,
           complaint, outside_hours, non_borrower_contact,
           CASE $level WHEN 'agency' THEN agency ELSE agent_id END AS unit
    FROM action_status
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND seg_id IN (SELECT seg_id FROM kept)
),
unit_acts AS (SELECT * FROM acts WHERE unit IS NOT NULL),
placements AS (
    -- agencies only: an agent's first action on a loan is not a placement (and the lookups of
    -- the past-due amount would cost as much as the rest of the table); placements are found
    -- over all actions up to the as-of date, then kept when they fall in the period
    SELECT agency AS unit, lkey, min(action_date) AS placed_date
    FROM action_status
    WHERE $level = 'agency'
      AND agency IS NOT NULL
      AND action_date <= $as_of
      AND seg_id IN (SELECT seg_id FROM kept)
    GROUP BY ALL
),
placed AS (
    SELECT * FROM placements
    WHERE ($period_start::DATE IS NULL OR placed_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR placed_date <= $period_end::DATE)
),
placed_due AS (
    SELECT p.unit, p.lkey, p.placed_date,
           coalesce(sum(i.amount_due) FILTER (WHERE i.due_date < p.placed_date - 1), 0) AS due_before
    FROM placed p
    LEFT JOIN installment_status i ON i.lkey = p.lkey
    GROUP BY ALL
),
placed_amounts AS (
    SELECT d.unit,
           count(*) AS placed_accounts,
           sum(greatest(d.due_before - coalesce(pd.cum_paid, 0), 0)) AS placed_past_due
    FROM placed_due d
    ASOF LEFT JOIN pay_day pd ON pd.lkey = d.lkey AND pd.paid_date <= d.placed_date - 1
    GROUP BY d.unit
),
per_unit AS (
    SELECT unit,
           mode(coalesce(agency, '(in-house)')) AS agency,
           mode(channel) AS main_channel,
           count(*) AS attempts,
           count(DISTINCT lkey) AS accounts,
           count(*) FILTER (WHERE rpc) AS rpc,
           count(*) FILTER (WHERE is_ptp) AS ptp,
           count(*) FILTER (WHERE ptp_due) AS ptp_due,
           count(*) FILTER (WHERE ptp_kept) AS ptp_kept,
           sum(cost) AS commission,
           count(*) FILTER (WHERE complaint) AS complaints,
           count(*) FILTER (WHERE outside_hours) AS outside_hours,
           count(*) FILTER (WHERE non_borrower_contact) AS non_borrower_contacts
    FROM unit_acts
    GROUP BY unit
),
calls AS (
    SELECT borrower_id, action_date,
           count(*) AS dials,
           count(*) FILTER (WHERE rpc) AS connected
    FROM acts
    WHERE channel IN ('phone', 'ivr')
    GROUP BY ALL
),
over_caps AS (
    SELECT c.borrower_id, c.action_date,
           c.connected > s.connected_call_cap AS over_connected,
           c.dials > s.dial_cap AS over_dial
    FROM calls c CROSS JOIN derive_settings s
    WHERE c.connected > s.connected_call_cap OR c.dials > s.dial_cap
),
cap_days AS (
    SELECT unit,
           count(*) FILTER (WHERE over_connected) AS over_connected_cap_borrower_days,
           count(*) FILTER (WHERE over_dial) AS over_dial_cap_borrower_days
    FROM (
        SELECT DISTINCT a.unit, o.borrower_id, o.action_date, o.over_connected, o.over_dial
        FROM unit_acts a
        JOIN over_caps o USING (borrower_id, action_date)
        WHERE a.channel IN ('phone', 'ivr')
    )
    GROUP BY unit
),
recoveries AS (
    SELECT CASE $level WHEN 'agency' THEN last_agency ELSE last_agent_id END AS unit,
           sum(amount) AS recovered
    FROM payment_status
    WHERE is_recovery
      AND touch_days <= $window_days::INTEGER
      AND paid_date <= $as_of
      AND ($period_start::DATE IS NULL OR paid_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR paid_date <= $period_end::DATE)
      AND seg_id IN (SELECT seg_id FROM kept)
    GROUP BY 1
),
units AS (
    SELECT unit FROM per_unit
    UNION SELECT unit FROM placed_amounts
    UNION SELECT unit FROM recoveries WHERE unit IS NOT NULL
),
joined AS (
    SELECT u.unit, a.agency, a.main_channel,
           CASE WHEN $level = 'agency' THEN coalesce(p.placed_accounts, 0) END AS placed_accounts,
           CASE WHEN $level = 'agency' THEN coalesce(p.placed_past_due, 0) END AS placed_past_due,
           coalesce(a.attempts, 0) AS attempts,
           coalesce(a.accounts, 0) AS accounts,
           coalesce(a.rpc, 0) AS rpc,
           coalesce(a.ptp, 0) AS ptp,
           coalesce(a.ptp_due, 0) AS ptp_due,
           coalesce(a.ptp_kept, 0) AS ptp_kept,
           coalesce(r.recovered, 0) AS recovered,
           coalesce(a.commission, 0) AS commission,
           coalesce(a.complaints, 0) AS complaints,
           coalesce(a.outside_hours, 0) AS outside_hours,
           coalesce(a.non_borrower_contacts, 0) AS non_borrower_contacts,
           coalesce(c.over_connected_cap_borrower_days, 0) AS over_connected_cap_borrower_days,
           coalesce(c.over_dial_cap_borrower_days, 0) AS over_dial_cap_borrower_days
    FROM units u
    LEFT JOIN per_unit a USING (unit)
    LEFT JOIN placed_amounts p USING (unit)
    LEFT JOIN recoveries r USING (unit)
    LEFT JOIN cap_days c USING (unit)
)
SELECT
    CASE $level WHEN 'agency' THEN unit ELSE coalesce(agency, '(in-house)') END AS agency,
    CASE $level WHEN 'agent' THEN unit END AS agent_id,
    main_channel,
    placed_accounts,
    CAST(placed_past_due AS DECIMAL(18, 2)) AS placed_past_due,
    attempts,
    accounts,
    rpc,
    rpc / nullif(attempts, 0) AS contact_rate,
    ptp,
    ptp_due,
    ptp_kept,
    ptp_kept / nullif(ptp_due, 0) AS ptp_kept_rate,
    CAST(recovered AS DECIMAL(18, 2)) AS recovered,
    CAST(commission AS DECIMAL(18, 2)) AS commission,
    CAST(recovered - commission AS DECIMAL(18, 2)) AS net_recovered,
    CAST(commission AS DOUBLE) / nullif(CAST(recovered AS DOUBLE), 0) AS commission_rate,
    CAST(recovered AS DOUBLE) / nullif(attempts, 0) AS recovered_per_attempt,
    complaints,
    complaints * 10000.0 / nullif(attempts, 0) AS complaints_per_10k,
    outside_hours,
    non_borrower_contacts,
    over_connected_cap_borrower_days,
    over_dial_cap_borrower_days,
    outside_hours + non_borrower_contacts + over_connected_cap_borrower_days
        + over_dial_cap_borrower_days AS breaches,
    (outside_hours + non_borrower_contacts + over_connected_cap_borrower_days
        + over_dial_cap_borrower_days) * 10000.0 / nullif(attempts, 0) AS breaches_per_10k,
    accounts < (SELECT min_segment_size FROM derive_settings) AS too_small
FROM joined
ORDER BY agency, agent_id;
