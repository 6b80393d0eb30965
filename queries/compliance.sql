-- compliance (合规, METRICS.md §10): for actions in the period, the count breaking each conduct
-- rule (settings as stored in derive_settings), overall or per channel, agency, agent or month.
-- Rules: outside_hours (local time not in contact_hours), over_connected_cap_borrower_days
-- (borrower-days with more than connected_call_cap right-party phone/ivr contacts),
-- over_dial_cap_borrower_days (more than dial_cap phone/ivr actions), non_borrower_contacts
-- (contact_target not the borrower), complaints; 'actions' is the number of attempts. A
-- borrower-day over a cap counts once overall, and once for each group with actions in it.
-- Grain: one row per group value and rule. Parameters: $as_of, $filters, $period_start,
-- $period_end, $by ('', 'channel', 'agency', 'agent', 'month').
WITH acts AS (
    SELECT *,
        CASE $by WHEN 'channel' THEN channel
                 WHEN 'agency' THEN coalesce(agency, '(none)')
                 WHEN 'agent' THEN coalesce(agent_id, '(none)')
                 WHEN 'month' THEN strftime(action_date, '%Y-%m')
                 ELSE '' END AS group_value
    FROM action_status
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND seg_id IN (SELECT seg_id FROM seg_filter($filters))
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
),
borrower_day_groups AS (
    SELECT DISTINCT a.group_value, o.borrower_id, o.action_date, o.over_connected, o.over_dial
    FROM acts a
    JOIN over_caps o USING (borrower_id, action_date)
    WHERE a.channel IN ('phone', 'ivr') AND (o.over_connected OR o.over_dial)
),
counts AS (
    SELECT group_value, 'actions' AS rule, count(*) AS count FROM acts GROUP BY ALL
    UNION ALL
    SELECT group_value, 'outside_hours', count(*) FILTER (WHERE outside_hours) FROM acts GROUP BY ALL
    UNION ALL
    SELECT group_value, 'over_connected_cap_borrower_days',
           count(*) FILTER (WHERE over_connected) FROM borrower_day_groups GROUP BY ALL
    UNION ALL
    SELECT group_value, 'over_dial_cap_borrower_days',
           count(*) FILTER (WHERE over_dial) FROM borrower_day_groups GROUP BY ALL
    UNION ALL
    SELECT group_value, 'non_borrower_contacts', count(*) FILTER (WHERE non_borrower_contact)
    FROM acts GROUP BY ALL
    UNION ALL
    SELECT group_value, 'complaints', count(*) FILTER (WHERE complaint) FROM acts GROUP BY ALL
),
attempts AS (SELECT group_value, count(*) AS attempts FROM acts GROUP BY ALL),
rules AS (
    SELECT * FROM (VALUES ('actions', 0), ('outside_hours', 1),
                          ('over_connected_cap_borrower_days', 2), ('over_dial_cap_borrower_days', 3),
                          ('non_borrower_contacts', 4), ('complaints', 5)) AS r(rule, rule_order)
)
SELECT group_value, rule, count, attempts, per_10k_attempts
FROM (
    SELECT t.group_value, r.rule, r.rule_order, coalesce(c.count, 0) AS count, t.attempts,
           coalesce(c.count, 0) * 10000.0 / nullif(t.attempts, 0) AS per_10k_attempts
    FROM attempts t
    CROSS JOIN rules r
    LEFT JOIN counts c ON c.group_value = t.group_value AND c.rule = r.rule
    UNION ALL
    -- no action in the period: every rule is 0 of 0 attempts
    SELECT '', rule, rule_order, 0, 0, NULL FROM rules WHERE NOT EXISTS (SELECT 1 FROM acts)
)
ORDER BY group_value, rule_order;
