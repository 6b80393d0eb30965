-- over_cap_day: the borrower-days over a conduct cap (METRICS.md §10): more than
-- connected_call_cap right-party phone/ivr contacts, or more than dial_cap phone/ivr actions, on
-- all the borrower's loans that day. A day is either wholly on or before an as-of date or not, so
-- the flags hold for any as-of the queries choose; a segment filter keeps the borrower-days with a
-- phone/ivr action on a loan of the segment, counted on all the borrower's calls that day (the cap
-- protects the borrower, whatever the product). 80_action_status flags its actions from here.
-- Built for all loans at once, before the per-loan steps' ranges, because a borrower's loans may
-- fall in different ranges. Grain: one row per borrower (bkey) and day over a cap.
CREATE OR REPLACE TABLE over_cap_day AS
WITH s AS (SELECT * FROM derive_settings),
calls AS (
    SELECT g.bkey, CAST(a.action_at AS DATE) AS action_date,
           count(*) AS dials,
           count(*) FILTER (WHERE right_party(a.outcome)) AS connected
    FROM collection_actions a
    JOIN loan_segment g USING (loan_id)
    WHERE a.channel IN ('phone', 'ivr')
      AND CAST(a.action_at AS DATE) <= (SELECT as_of FROM s)
    GROUP BY ALL
)
SELECT c.bkey, c.action_date,
       c.connected > s.connected_call_cap AS over_connected,
       c.dials > s.dial_cap AS over_dial
FROM calls c
CROSS JOIN s
WHERE c.connected > s.connected_call_cap OR c.dials > s.dial_cap;
