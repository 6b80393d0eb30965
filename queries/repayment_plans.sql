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
-- - re-defaulted: of the cured, those whose DPD reaches 30 again within 90 days after the cure
--   day (an installment falling due after the cure and still unpaid 30 days later, with that day
--   within the 90 and before any closing); due once cure day + 90 ≤ as-of. A loan cured by
--   closing cannot re-default and counts as not re-defaulted.
-- Rates are NULL without a denominator; offers = loans offered a plan in the group (both
-- statuses), share_of_offers = loans / offers.
-- The plan loans' closing days, installments and payment days are read from plan_loans,
-- plan_installments and plan_pay_days (ledger/sql/derive/84_action_marts.sql), the plan actions
-- from plan_actions.
-- Grain: one row per group value ('', offer month YYYY-MM or quarter YYYY-Qn) and plan status.
-- Parameters: $as_of, $filters, $period_start, $period_end (offer days; NULL = open), $by ('',
-- 'month' or 'quarter'), $kept_months, $cure_days.
WITH offers AS (
    SELECT lkey,
           min(action_date) AS offered_date,
           min(action_date) FILTER (WHERE outcome = 'plan_agreed') AS agreed_date
    FROM plan_actions
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE action_date <= $as_of
    GROUP BY lkey
),
plans AS (
    SELECT lkey,
           CASE WHEN agreed_date IS NULL THEN 'not_agreed' ELSE 'agreed' END AS plan_status,
           coalesce(agreed_date, offered_date) AS start_day,
           CASE $by WHEN 'month' THEN strftime(offered_date, '%Y-%m')
                    WHEN 'quarter' THEN strftime(offered_date, '%Y') || '-Q'
                                        || CAST(quarter(offered_date) AS VARCHAR)
                    ELSE '' END AS group_value
    FROM offers
    WHERE ($period_start::DATE IS NULL OR offered_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR offered_date <= $period_end::DATE)
),
cure_points AS (
    SELECT lkey, paid_off_date AS cure_day
    FROM plan_installments
    WHERE lkey IN (SELECT lkey FROM plans)
      AND paid_off_date IS NOT NULL AND (next_due_date IS NULL OR next_due_date >= paid_off_date)
),
first_cures AS (
    -- the first cure point on or after the start day: a join and min() over the ~15k plan loans'
    -- few installments, where an ASOF join took ~20 ms more at a million loans
    SELECT p.lkey, min(c.cure_day) AS cure_day
    FROM plans p
    JOIN cure_points c ON c.lkey = p.lkey AND c.cure_day >= p.start_day
    GROUP BY p.lkey
),
cures AS (
    SELECT p.*, l.close_day, l.wo_date,
           least(c.cure_day, CASE WHEN l.close_day >= p.start_day THEN l.close_day END) AS first_ok
    FROM plans p
    LEFT JOIN first_cures c ON c.lkey = p.lkey
    JOIN plan_loans l ON l.lkey = p.lkey
),
followed AS (
    SELECT *,
           CASE WHEN first_ok <= start_day + $cure_days::INTEGER
                 AND (wo_date IS NULL OR first_ok < wo_date) THEN first_ok END AS cure_day,
           start_day + $cure_days::INTEGER <= $as_of AS cure_due,
           start_day + 30 * $kept_months::INTEGER <= $as_of AS kept_due
    FROM cures
),
windows_paid AS (
    SELECT f.lkey,
           count(DISTINCT CAST(ceil((pd.paid_date - f.start_day) / 30.0) AS INTEGER)) AS windows
    FROM followed f
    JOIN plan_pay_days pd
      ON pd.lkey = f.lkey
     AND pd.paid_date > f.start_day
     AND pd.paid_date <= f.start_day + 30 * $kept_months::INTEGER
    WHERE f.plan_status = 'agreed'
    GROUP BY f.lkey
),
redefaults AS (
    SELECT DISTINCT f.lkey
    FROM followed f
    JOIN plan_installments i ON i.lkey = f.lkey
    WHERE f.cure_day IS NOT NULL
      AND i.due_date >= f.cure_day
      AND i.due_date + 30 <= f.cure_day + 90
      AND (i.paid_off_date IS NULL OR i.paid_off_date > i.due_date + 30)
      AND (f.close_day IS NULL OR f.close_day > i.due_date + 30)
),
per_loan AS (
    SELECT f.group_value, f.plan_status,
           f.kept_due AND f.plan_status = 'agreed' AS kept_due,
           f.kept_due AND f.plan_status = 'agreed'
               AND (coalesce(w.windows, 0) >= $kept_months::INTEGER
                    OR f.cure_day <= f.start_day + 30 * $kept_months::INTEGER) AS kept,
           f.cure_due,
           f.cure_due AND f.cure_day IS NOT NULL AS cured,
           f.cure_due AND f.cure_day IS NOT NULL AND f.cure_day + 90 <= $as_of AS redefault_due,
           f.cure_due AND f.cure_day IS NOT NULL AND f.cure_day + 90 <= $as_of
               AND r.lkey IS NOT NULL AS redefaulted
    FROM followed f
    LEFT JOIN windows_paid w USING (lkey)
    LEFT JOIN redefaults r USING (lkey)
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
