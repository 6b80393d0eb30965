-- plan_complaints (协商还款与投诉): complaints on accounts with and without a repayment plan, on
-- like accounts: loans with at least one action in the period while in M3..M6 (the stage at which
-- plans are offered), grouped by whether the loan had a plan agreed (an action with outcome
-- plan_agreed up to the as-of date), offered but not agreed, or none; their actions in the
-- period while in M3..M6 are counted. Rates are NULL without a denominator.
-- Grain: one row per plan status (agreed, not_agreed, no_plan).
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open).
WITH kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
plans AS (
    SELECT lkey, bool_or(outcome = 'plan_agreed') AS agreed
    FROM plan_actions
    JOIN kept ON kept_seg = seg_id
    WHERE action_date <= $as_of
    GROUP BY lkey
),
per_loan AS (
    -- each loan's actions first, then the loans by plan status: a loan has one status, so its
    -- accounts are counted without a DISTINCT aggregate, and the plans join the loans, not
    -- their actions
    SELECT lkey,
           count(*) AS attempts,
           count(*) FILTER (WHERE complaint) AS complaints,
           count(*) FILTER (WHERE non_borrower_contact) AS non_borrower_contacts,
           count(*) FILTER (WHERE outside_hours) AS outside_hours
    FROM action_status
    JOIN kept ON kept_seg = seg_id
    WHERE NOT whole_months($filters, $as_of, $period_start, $period_end)
      AND action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND bucket BETWEEN 'M3' AND 'M6'  -- M3..M6: states sort as text (45_loan_state_macro.sql)
    GROUP BY lkey
),
per_status AS (
    SELECT CASE WHEN p.agreed THEN 'agreed' WHEN p.lkey IS NOT NULL THEN 'not_agreed'
                ELSE 'no_plan' END AS plan_status,
           count(*) AS accounts,
           sum(l.attempts) AS attempts,
           sum(l.complaints) AS complaints,
           sum(l.non_borrower_contacts) AS non_borrower_contacts,
           sum(l.outside_hours) AS outside_hours
    FROM per_loan l
    LEFT JOIN plans p USING (lkey)
    GROUP BY 1
    UNION ALL
    -- whole book, whole months: the same from plan_conduct_months
    -- (ledger/sql/derive/84_action_marts.sql), a loan counted in its first month in the period
    SELECT CASE WHEN agreed_month <= month_key($as_of) THEN 'agreed'
                WHEN plan_month <= month_key($as_of) THEN 'not_agreed'
                ELSE 'no_plan' END AS plan_status,
           CAST(sum(loans) FILTER (
               WHERE prev_month IS NULL OR prev_month < month_key($period_start::DATE))
               AS BIGINT) AS accounts,
           sum(attempts), sum(complaints), sum(non_borrower_contacts), sum(outside_hours)
    FROM plan_conduct_months
    WHERE whole_months($filters, $as_of, $period_start, $period_end)
      AND month <= month_key($as_of)
      AND ($period_start::DATE IS NULL OR month >= month_key($period_start::DATE))
      AND ($period_end::DATE IS NULL OR month <= month_key($period_end::DATE))
    GROUP BY 1
)
SELECT s.plan_status, coalesce(p.accounts, 0) AS accounts, coalesce(p.attempts, 0) AS attempts,
       p.attempts * 1.0 / nullif(p.accounts, 0) AS attempts_per_account,
       coalesce(p.complaints, 0) AS complaints,
       p.complaints * 10000.0 / nullif(p.attempts, 0) AS complaints_per_10k,
       p.complaints * 1000.0 / nullif(p.accounts, 0) AS complaints_per_1k_accounts,
       coalesce(p.non_borrower_contacts, 0) AS non_borrower_contacts,
       coalesce(p.outside_hours, 0) AS outside_hours
FROM (VALUES ('agreed', 1), ('not_agreed', 2), ('no_plan', 3)) AS s(plan_status, o)
LEFT JOIN per_status p USING (plan_status)
ORDER BY s.o;
