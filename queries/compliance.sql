-- compliance (合规, METRICS.md §10): for actions in the period, the count breaking each conduct
-- rule (settings as stored in derive_settings), overall or per channel, agency, agent or month.
-- Rules: outside_hours (local time not in contact_hours), over_connected_cap_borrower_days
-- (borrower-days with more than connected_call_cap right-party phone/ivr contacts),
-- over_dial_cap_borrower_days (more than dial_cap phone/ivr actions), non_borrower_contacts
-- (contact_target not the borrower), complaints; 'actions' is the number of attempts. A
-- borrower-day over a cap counts once overall, and once for each group with phone/ivr actions in
-- it; whether a borrower-day is over a cap is decided on all the borrower's phone/ivr actions that
-- day (flags in action_status), so a segment filter keeps the days with a call on its loans.
-- Grain: one row per group value and rule. Parameters: $as_of, $filters, $period_start,
-- $period_end, $by ('', 'channel', 'agency', 'agent', 'month').
WITH counts AS (
    -- every rule as a column, from the whole-book month cube when the period is whole months
    -- (action_counts, ledger/sql/derive/84_action_marts.sql); months group by an integer key,
    -- labelled per group
    SELECT CASE $by WHEN 'channel' THEN channel
                    WHEN 'agency' THEN coalesce(agency, '(none)')
                    WHEN 'agent' THEN coalesce(agent_id, '(none)')
                    ELSE '' END AS group_text,
           CASE WHEN $by = 'month' THEN month END AS group_month,
           CAST(sum(attempts) AS BIGINT) AS actions,
           CAST(sum(outside_hours) AS BIGINT) AS outside_hours,
           CAST(sum(non_borrower_contacts) AS BIGINT) AS non_borrower_contacts,
           CAST(sum(complaints) AS BIGINT) AS complaints
    FROM action_counts($filters, $as_of, $period_start, $period_end)
    GROUP BY ALL
),
cap_days AS (
    -- distinct borrower-days over a cap, counted once per group (cap_day_counts: whole-book
    -- months when the period is whole months, else the flagged actions only)
    SELECT CASE WHEN $by IN ('agency', 'agent') THEN coalesce(group_value, '(none)')
                WHEN $by = 'channel' THEN group_value
                ELSE '' END AS group_text,
           CASE WHEN $by = 'month' THEN month END AS group_month,
           CAST(sum(over_connected_days) AS BIGINT) AS over_connected_cap_borrower_days,
           CAST(sum(over_dial_days) AS BIGINT) AS over_dial_cap_borrower_days
    FROM cap_day_counts($filters, $as_of, $period_start, $period_end,
                        CASE WHEN $by IN ('channel', 'agency', 'agent') THEN $by ELSE '' END)
    GROUP BY ALL
),
wide AS (
    SELECT coalesce(month_label(c.group_month), c.group_text) AS group_value,
           c.actions, c.outside_hours,
           coalesce(d.over_connected_cap_borrower_days, 0) AS over_connected_cap_borrower_days,
           coalesce(d.over_dial_cap_borrower_days, 0) AS over_dial_cap_borrower_days,
           c.non_borrower_contacts, c.complaints
    FROM counts c
    LEFT JOIN cap_days d
      ON d.group_text = c.group_text AND d.group_month IS NOT DISTINCT FROM c.group_month
),
long AS (
    UNPIVOT wide
    ON actions, outside_hours, over_connected_cap_borrower_days, over_dial_cap_borrower_days,
       non_borrower_contacts, complaints
    INTO NAME rule VALUE count
),
rules AS (
    SELECT * FROM (VALUES ('actions', 0), ('outside_hours', 1),
                          ('over_connected_cap_borrower_days', 2), ('over_dial_cap_borrower_days', 3),
                          ('non_borrower_contacts', 4), ('complaints', 5)) AS r(rule, rule_order)
)
SELECT group_value, rule, count, attempts, per_10k_attempts
FROM (
    SELECT l.group_value, r.rule, r.rule_order, l.count, c.actions AS attempts,
           l.count * 10000.0 / nullif(c.actions, 0) AS per_10k_attempts
    FROM long l
    JOIN rules r USING (rule)
    JOIN wide c USING (group_value)
    UNION ALL
    -- no action in the period: every rule is 0 of 0 attempts
    SELECT '', rule, rule_order, 0, 0, NULL FROM rules WHERE NOT EXISTS (SELECT 1 FROM wide)
)
ORDER BY group_value, rule_order;
