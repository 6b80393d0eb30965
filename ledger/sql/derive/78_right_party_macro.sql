-- right_party(outcome): whether a collection action reached the right party (METRICS.md §9):
-- contacted, promised to pay, refused or paid. The one definition behind action_status's rpc and
-- the connected-call cap (79_over_cap_day).
CREATE OR REPLACE MACRO right_party(outcome) AS
    coalesce(outcome IN ('contacted', 'ptp', 'refused', 'paid'), false);
