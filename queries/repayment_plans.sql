-- repayment_plans (协商还款): repayment plans offered (channel 'repayment_plan') in the period and
-- what became of them. A loan's offer day is its first repayment_plan action up to the as-of
-- date; it is 'agreed' when any of its repayment_plan actions has outcome plan_agreed (from the
-- first such day, the agreement day), else 'not_agreed'. Each is followed from its start day s
-- (agreement day, or offer day when not agreed):
-- - kept (agreed only): a payment in each of the first $kept_months 30-day windows after s
--   ((s, s+30], (s+30, s+60], ...), or cured within them; due once s + 30·$kept_months is on or
--   before the as-of date.
-- - cured: back at DPD 0, or closed other than by write-off, at the end of some day from s to
--   s + $cure_days, before any write-off (as in channel_cure); due once s + $cure_days ≤ as-of.
--   A loan at DPD 0 or closed at the end of s is cured on s.
-- - re-defaulted: of the cured, those whose DPD reaches 30 again within 90 days after the cure
--   day (an installment falling due after the cure and still unpaid 30 days later, with that day
--   within the 90 and before any closing); due once cure day + 90 ≤ as-of. A loan cured by
--   closing cannot re-default and counts as not re-defaulted.
-- Rates are NULL without a denominator; offers = loans offered a plan in the group (both
-- statuses), share_of_offers = loans / offers.
-- Each plan loan's offer and agreement days, cure days, re-defaults and paid windows from either
-- start day are derived once (plan_outcomes, ledger/sql/derive/84_action_marts.sql); this query
-- picks the start the as-of date gives and counts what is due.
-- Grain: one row per group value ('', offer month YYYY-MM or quarter YYYY-Qn) and plan status.
-- Parameters: $as_of, $filters, $period_start, $period_end (offer days; NULL = open), $by ('',
-- 'month' or 'quarter'), $kept_months, $cure_days.
WITH plans AS (
    SELECT p.*,
           CASE WHEN agreed_date <= $as_of THEN 'agreed' ELSE 'not_agreed' END AS plan_status,
           CASE $by WHEN 'month' THEN strftime(offered_date, '%Y-%m')
                    WHEN 'quarter' THEN strftime(offered_date, '%Y') || '-Q'
                                        || CAST(quarter(offered_date) AS VARCHAR)
                    ELSE '' END AS group_value
    FROM plan_outcomes p
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE offered_date <= $as_of
      AND ($period_start::DATE IS NULL OR offered_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR offered_date <= $period_end::DATE)
),
followed AS (
    SELECT group_value, plan_status, start_day, first_unpaid_window, redefaulted,
           CASE WHEN cure_from_start <= start_day + $cure_days::INTEGER THEN cure_from_start END
               AS cure_day,
           start_day + $cure_days::INTEGER <= $as_of AS cure_due,
           plan_status = 'agreed' AND start_day + 30 * $kept_months::INTEGER <= $as_of AS kept_due
    FROM (
        SELECT group_value, plan_status,
               CASE plan_status WHEN 'agreed' THEN agreed_date ELSE offered_date END AS start_day,
               CASE plan_status WHEN 'agreed' THEN a_cure_day ELSE o_cure_day END
                   AS cure_from_start,
               CASE plan_status WHEN 'agreed' THEN a_redefaulted ELSE o_redefaulted END
                   AS redefaulted,
               a_first_unpaid_window AS first_unpaid_window
        FROM plans
    )
),
per_loan AS (
    SELECT group_value, plan_status, kept_due,
           kept_due AND (first_unpaid_window > $kept_months::INTEGER
                         OR cure_day <= start_day + 30 * $kept_months::INTEGER) AS kept,
           cure_due,
           cure_due AND cure_day IS NOT NULL AS cured,
           cure_due AND cure_day IS NOT NULL AND cure_day + 90 <= $as_of AS redefault_due,
           cure_due AND cure_day IS NOT NULL AND cure_day + 90 <= $as_of AND redefaulted
               AS redefaulted
    FROM followed
),
counts AS (
    SELECT group_value, plan_status,
           count(*) AS loans,
           count(*) FILTER (WHERE kept_due) AS kept_due,
           count(*) FILTER (WHERE kept) AS kept,
           count(*) FILTER (WHERE cure_due) AS cure_due,
           count(*) FILTER (WHERE cured) AS cured,
           count(*) FILTER (WHERE redefault_due) AS redefault_due,
           count(*) FILTER (WHERE redefaulted) AS redefaulted
    FROM per_loan
    GROUP BY ALL
)
SELECT group_value, plan_status, loans,
       sum(loans) OVER (PARTITION BY group_value) AS offers,
       loans * 1.0 / sum(loans) OVER (PARTITION BY group_value) AS share_of_offers,
       kept_due, kept,
       CASE WHEN plan_status = 'agreed' THEN kept * 1.0 / nullif(kept_due, 0) END AS kept_rate,
       cure_due, cured, cured * 1.0 / nullif(cure_due, 0) AS cure_rate,
       redefault_due, redefaulted, redefaulted * 1.0 / nullif(redefault_due, 0) AS redefault_rate
FROM counts
ORDER BY group_value, plan_status;
