-- action_status: every collection action up to the as-of date with what the metrics need
-- (METRICS.md §9-10): bucket at action time, right-party contact, PTP due and kept, and the
-- conduct flags. Grain: one row per action.
-- The loan and the borrower are kept as their integer keys lkey and bkey: writing loan_id and
-- borrower_id as well cost the step ~15%, and only the conduct drill-down shows a loan_id (looked
-- up in loan_segment for the rows it shows).
-- PTP kept: payments from the action's day to ptp_date, both inclusive, total at least
-- ptp_amount - paid_tolerance; only PTPs whose ptp_date is on or before the as-of date are due.
-- over_connected_day / over_dial_day: a phone or ivr action on a borrower-day over a cap
-- (79_over_cap_day.sql, which counts all the borrower's loans, whatever range they are in).
CREATE OR REPLACE TABLE action_status AS
WITH s AS (SELECT * FROM derive_settings),
acts AS NOT MATERIALIZED (
    SELECT a.*, CAST(a.action_at AS DATE) AS action_date, l.lkey, l.seg_id, l.cohort,
           g.bkey,
           right_party(a.outcome) AS rpc
    FROM collection_actions a
    JOIN loan_status l USING (loan_id)
    JOIN loan_segment g ON g.lkey = l.lkey
    WHERE CAST(a.action_at AS DATE) <= (SELECT as_of FROM s)
      AND l.lkey BETWEEN $lkey_first AND $lkey_last
      AND g.lkey BETWEEN $lkey_first AND $lkey_last
      AND a.loan_id BETWEEN $loan_id_first AND $loan_id_last
),
pay_day_r AS (SELECT * FROM pay_day WHERE lkey BETWEEN $lkey_first AND $lkey_last),
-- PTP kept needs the payments from the action's day to ptp_date: looked up for the PTP rows
-- only, which are then put back beside the others. Joining the lookups back by action_id (text)
-- cost 18 s of this step at 1M; acts is NOT MATERIALIZED because reading it twice (PTPs and the
-- rest) is cheaper than writing it aside and scanning it (62 s -> 27 s, bench/RESULTS.md).
with_ptp AS (
    SELECT *, NULL AS paid_for_ptp FROM acts WHERE outcome IS DISTINCT FROM 'ptp'
    UNION ALL BY NAME
    SELECT a.*, coalesce(pb.cum_paid, 0) - coalesce(pp.cum_paid, 0) AS paid_for_ptp
    FROM (SELECT * FROM acts WHERE outcome = 'ptp') a
    ASOF LEFT JOIN pay_day_r pp ON pp.lkey = a.lkey AND pp.paid_date < a.action_date
    ASOF LEFT JOIN pay_day_r pb ON pb.lkey = a.lkey AND pb.paid_date <= a.ptp_date
)
SELECT
    a.action_id,
    a.lkey,
    a.bkey,
    a.seg_id,
    a.cohort,
    a.action_at,
    a.action_date,
    a.channel,
    a.agency,
    a.agent_id,
    a.outcome,
    a.ptp_amount,
    a.ptp_date,
    coalesce(a.cost, 0) AS cost,
    coalesce(a.complaint, false) AS complaint,
    a.contact_target,
    coalesce(ds.state, 'M0') AS bucket,
    a.rpc,
    coalesce(a.outcome = 'ptp', false) AS is_ptp,
    coalesce(a.outcome = 'ptp' AND a.ptp_date <= s.as_of, false) AS ptp_due,
    coalesce(
        a.outcome = 'ptp' AND a.ptp_date <= s.as_of
        AND a.paid_for_ptp >= a.ptp_amount - s.paid_tolerance,
        false) AS ptp_kept,
    NOT (CAST(a.action_at AS TIME) >= s.contact_start AND CAST(a.action_at AS TIME) < s.contact_end)
        AS outside_hours,
    coalesce(a.contact_target <> 'borrower', false) AS non_borrower_contact,
    coalesce(a.channel IN ('phone', 'ivr') AND oc.over_connected, false) AS over_connected_day,
    coalesce(a.channel IN ('phone', 'ivr') AND oc.over_dial, false) AS over_dial_day
FROM with_ptp a
CROSS JOIN s
LEFT JOIN over_cap_day oc ON oc.bkey = a.bkey AND oc.action_date = a.action_date
LEFT JOIN (SELECT * FROM day_state WHERE lkey BETWEEN $lkey_first AND $lkey_last) ds
    ON ds.lkey = a.lkey AND ds.d = a.action_date - 1;
