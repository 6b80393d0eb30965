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
-- - over-cap borrower-days as in compliance (flags in action_status): a borrower-day over a cap
--   counts for each agency (agent) with a phone/ivr action in it; breaches = outside-hours
--   actions + non-borrower contacts + borrower-days over either cap.
-- - a PTP is due (and can be kept) only once its date is on or before $as_of.
-- - too_small: fewer accounts than min_segment_size, so not to be ranked (METRICS.md §11).
-- - main_channel (and an agent's agency): the one with the most attempts in the period, the
--   first by name on a tie.
-- Grain: one row per agency (agent). Parameters: $as_of, $filters, $period_start, $period_end
-- (NULL = open), $window_days, $level ('agency' or 'agent').
WITH kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
unit_counts AS (
    -- the actions' counts per unit, channel and agency, from the whole-book month cube when the
    -- period is whole months (action_counts, ledger/sql/derive/84_action_marts.sql)
    SELECT CASE $level WHEN 'agency' THEN agency ELSE agent_id END AS unit,
           channel,
           coalesce(agency, '(in-house)') AS agency,
           sum(attempts) AS attempts,
           sum(rpc) AS rpc,
           sum(ptp) AS ptp,
           sum(ptp_due) AS ptp_due,
           sum(ptp_kept) AS ptp_kept,
           sum(cost) AS commission,
           sum(complaints) AS complaints,
           sum(outside_hours) AS outside_hours,
           sum(non_borrower_contacts) AS non_borrower_contacts
    FROM action_counts($filters, $as_of, $period_start, $period_end)
    WHERE (CASE $level WHEN 'agency' THEN agency ELSE agent_id END) IS NOT NULL
    GROUP BY ALL
),
placed_amounts AS (
    -- agencies only (an agent's first action on a loan is not a placement); agency_placement
    -- holds every placement with its past-due amount, kept here when in the period
    SELECT agency AS unit, count(*) AS placed_accounts, sum(placed_past_due) AS placed_past_due
    FROM agency_placement
    JOIN kept ON kept_seg = seg_id
    WHERE $level = 'agency'
      AND placed_date <= $as_of
      AND ($period_start::DATE IS NULL OR placed_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR placed_date <= $period_end::DATE)
    GROUP BY agency
),
per_unit AS (
    SELECT unit,
           CAST(sum(attempts) AS BIGINT) AS attempts,
           CAST(sum(rpc) AS BIGINT) AS rpc,
           CAST(sum(ptp) AS BIGINT) AS ptp,
           CAST(sum(ptp_due) AS BIGINT) AS ptp_due,
           CAST(sum(ptp_kept) AS BIGINT) AS ptp_kept,
           sum(commission) AS commission,
           CAST(sum(complaints) AS BIGINT) AS complaints,
           CAST(sum(outside_hours) AS BIGINT) AS outside_hours,
           CAST(sum(non_borrower_contacts) AS BIGINT) AS non_borrower_contacts
    FROM unit_counts
    GROUP BY unit
),
unit_main AS (
    -- a unit's main channel (and an agent's agency): the one with the most attempts, the first
    -- by name on a tie
    SELECT unit, first(channel ORDER BY n DESC, channel) AS main_channel
    FROM (SELECT unit, channel, sum(attempts) AS n FROM unit_counts GROUP BY ALL)
    GROUP BY unit
),
unit_agency AS (
    SELECT unit, first(agency ORDER BY n DESC, agency) AS agency
    FROM (SELECT unit, agency, sum(attempts) AS n FROM unit_counts GROUP BY ALL)
    GROUP BY unit
),
accounts_per_unit AS (
    -- distinct loans acted on (unit_accounts: whole-book months when the period is whole months)
    SELECT unit, accounts
    FROM unit_accounts($filters, $as_of, $period_start, $period_end, $level)
),
cap_days AS (
    -- distinct borrower-days over a cap (cap_day_counts: whole-book months when the period is
    -- whole months, else the flagged actions only)
    SELECT group_value AS unit,
           CAST(sum(over_connected_days) AS BIGINT) AS over_connected_cap_borrower_days,
           CAST(sum(over_dial_days) AS BIGINT) AS over_dial_cap_borrower_days
    FROM cap_day_counts($filters, $as_of, $period_start, $period_end, $level)
    WHERE group_value IS NOT NULL
    GROUP BY group_value
),
recoveries AS (
    -- (unit_recoveries: the whole book's monthly sums when the period is whole months)
    SELECT unit, recovered
    FROM unit_recoveries($filters, $as_of, $period_start, $period_end, $window_days, $level)
),
units AS (
    SELECT unit FROM per_unit
    UNION SELECT unit FROM placed_amounts
    UNION SELECT unit FROM recoveries WHERE unit IS NOT NULL
),
joined AS (
    SELECT u.unit, g.agency, m.main_channel,
           CASE WHEN $level = 'agency' THEN coalesce(p.placed_accounts, 0) END AS placed_accounts,
           CASE WHEN $level = 'agency' THEN coalesce(p.placed_past_due, 0) END AS placed_past_due,
           coalesce(a.attempts, 0) AS attempts,
           coalesce(n.accounts, 0) AS accounts,
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
    LEFT JOIN unit_main m USING (unit)
    LEFT JOIN unit_agency g USING (unit)
    LEFT JOIN accounts_per_unit n USING (unit)
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
