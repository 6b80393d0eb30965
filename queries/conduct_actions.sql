-- conduct_actions (违规催收明细, METRICS.md §10): the actions behind one conduct rule's count, for a
-- drill-down and its export. No personal data: loan and action ids only (the borrower id is
-- used to find the borrower-days over a cap, never returned).
-- Rules: outside_hours (local time not in contact_hours), over_connected_cap / over_dial_cap (the
-- phone and ivr actions of borrower-days with more than connected_call_cap right-party contacts,
-- or more than dial_cap dials, counted over all actions in the period as in compliance),
-- non_borrower_contacts (contact_target not the borrower), complaints.
-- Narrowed to one channel, agency ('(none)' = actions without one) or agent when given.
-- rows_total is the number of offending actions before $limit; rows are newest first.
-- Grain: one row per offending action.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $rule, $channel,
-- $agency, $agent ('' = any), $limit.
WITH acts AS (
    SELECT *
    FROM action_status
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND seg_id IN (SELECT seg_id FROM seg_filter($filters))
),
over_caps AS (
    SELECT c.borrower_id, c.action_date,
           c.connected > s.connected_call_cap AS over_connected,
           c.dials > s.dial_cap AS over_dial,
           c.dials, c.connected
    FROM (
        SELECT borrower_id, action_date, count(*) AS dials, count(*) FILTER (WHERE rpc) AS connected
        FROM acts
        WHERE channel IN ('phone', 'ivr') AND $rule IN ('over_connected_cap', 'over_dial_cap')
        GROUP BY ALL
    ) c
    CROSS JOIN derive_settings s
),
flagged AS (
    SELECT a.*, o.dials AS borrower_day_dials, o.connected AS borrower_day_connected,
           CASE $rule
               WHEN 'outside_hours' THEN a.outside_hours
               WHEN 'non_borrower_contacts' THEN a.non_borrower_contact
               WHEN 'complaints' THEN a.complaint
               WHEN 'over_connected_cap' THEN coalesce(o.over_connected, false)
               WHEN 'over_dial_cap' THEN coalesce(o.over_dial, false)
               ELSE false END AS offending
    FROM acts a
    LEFT JOIN over_caps o
      ON o.borrower_id = a.borrower_id AND o.action_date = a.action_date
     AND a.channel IN ('phone', 'ivr')
),
chosen AS (
    SELECT *, count(*) OVER () AS rows_total
    FROM flagged
    WHERE offending
      AND ($channel = '' OR channel = $channel)
      AND ($agency = '' OR coalesce(agency, '(none)') = $agency)
      AND ($agent = '' OR agent_id = $agent)
)
SELECT action_id, loan_id, action_at, channel, agency, agent_id, outcome, contact_target,
       bucket, complaint, $rule AS rule, borrower_day_dials, borrower_day_connected, rows_total
FROM chosen
ORDER BY action_at DESC, action_id
LIMIT $limit;
