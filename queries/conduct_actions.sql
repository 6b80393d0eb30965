-- conduct_actions (违规催收明细, METRICS.md §10): the actions behind one conduct rule's count, for a
-- drill-down and its export. No personal data: loan and action ids only (the borrower key is
-- used to count the borrower-day's calls, never returned).
-- Rules: outside_hours (local time not in contact_hours), over_connected_cap / over_dial_cap (the
-- phone and ivr actions of borrower-days with more than connected_call_cap right-party contacts,
-- or more than dial_cap dials, over all the borrower's phone/ivr actions that day, as in
-- compliance), non_borrower_contacts (contact_target not the borrower), complaints.
-- Narrowed to one channel, agency ('(none)' = actions without one) or agent when given.
-- rows_total is the number of offending actions before $limit; rows are newest first;
-- borrower_day_dials / borrower_day_connected are the day's counts for the cap rules.
-- Read from conduct_flagged (ledger/sql/derive/84_action_marts.sql), the ~10% of actions that
-- break a rule: it holds every phone/ivr action of a borrower-day over a cap, so the day's counts
-- come from it too.
-- Grain: one row per offending action.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $rule, $channel,
-- $agency, $agent ('' = any), $limit.
WITH chosen AS (
    -- the offending actions, narrow: the wide columns are read for the rows shown only (reading
    -- them for every offending action cost 0.3 s at 1M loans)
    SELECT rowid AS row_id, action_at
    FROM conduct_flagged
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND CASE $rule
              WHEN 'outside_hours' THEN outside_hours
              WHEN 'non_borrower_contacts' THEN non_borrower_contact
              WHEN 'complaints' THEN complaint
              WHEN 'over_connected_cap' THEN over_connected_day
              WHEN 'over_dial_cap' THEN over_dial_day
              ELSE false END
      AND ($channel = '' OR channel = $channel)
      AND ($agency = '' OR coalesce(agency, '(none)') = $agency)
      AND ($agent = '' OR agent_id = $agent)
),
cutoff AS (
    -- the $limit newest are among the actions at or after the $limit-th newest time (ties
    -- included), so the action_id tie-break is read for those only
    SELECT min(action_at) AS cutoff_at
    FROM (SELECT action_at FROM chosen ORDER BY action_at DESC LIMIT $limit)
),
shown AS (
    SELECT action_id, lkey, bkey, action_date, action_at, channel, agency, agent_id, outcome,
           contact_target, bucket, complaint, (SELECT count(*) FROM chosen) AS rows_total
    FROM conduct_flagged
    WHERE rowid IN (
        SELECT row_id FROM chosen WHERE action_at >= (SELECT cutoff_at FROM cutoff)
    )
    ORDER BY action_at DESC, action_id
    LIMIT $limit
),
day_counts AS (
    -- only for the borrower-days shown
    SELECT a.bkey, a.action_date, count(*) AS dials, count(*) FILTER (WHERE a.rpc) AS connected
    FROM conduct_flagged a
    JOIN (SELECT DISTINCT bkey, action_date FROM shown) d USING (bkey, action_date)
    WHERE a.channel IN ('phone', 'ivr') AND $rule IN ('over_connected_cap', 'over_dial_cap')
    GROUP BY ALL
)
SELECT s.action_id, g.loan_id, s.action_at, s.channel, s.agency, s.agent_id, s.outcome,
       s.contact_target, s.bucket, s.complaint, $rule AS rule,
       c.dials AS borrower_day_dials, c.connected AS borrower_day_connected, s.rows_total
FROM shown s
JOIN loan_segment g ON g.lkey = s.lkey
LEFT JOIN day_counts c
  ON c.bkey = s.bkey AND c.action_date = s.action_date AND s.channel IN ('phone', 'ivr')
ORDER BY s.action_at DESC, s.action_id;
