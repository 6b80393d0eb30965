-- Variant of 70_loan_month: the previous month-end's state and principal by an equality join on
-- (lkey, previous month-end) instead of lag() OVER (PARTITION BY lkey ORDER BY month_end),
-- which sorts every loan-month.
CREATE OR REPLACE TABLE loan_month AS
WITH last_month_end AS (
    SELECT CASE WHEN last_day(as_of) = as_of THEN as_of
                ELSE CAST(date_trunc('month', as_of) - INTERVAL 1 DAY AS DATE) END AS d
    FROM derive_settings
),
ended AS (
    SELECT lkey, d AS month_end,
           CASE WHEN wo_date IS NOT NULL THEN 'WO' ELSE 'closed' END AS state
    FROM (
        SELECT lkey, wo_date, coalesce(close_day, wo_date) AS end_day,
               CAST(last_day(cohort + to_months(k)) AS DATE) AS d
        FROM (
            SELECT lkey, cohort, close_day, wo_date,
                   unnest(range(0, datediff('month', cohort, (SELECT d FROM last_month_end)) + 1))
                       AS k
            FROM loan_status
            WHERE coalesce(close_day, wo_date) IS NOT NULL
              AND cohort <= (SELECT d FROM last_month_end)
        )
    )
    WHERE d >= end_day
),
all_points AS MATERIALIZED (
    SELECT lkey, d AS month_end, state, dpd, outstanding_principal, past_due_amount
    FROM loan_points
    WHERE kind = 'month_end'
    UNION ALL
    SELECT lkey, month_end, state, 0, CAST(0 AS DECIMAL(18, 2)), CAST(0 AS DECIMAL(18, 2))
    FROM ended
)
SELECT
    l.loan_id,
    p.lkey,
    p.month_end,
    l.seg_id,
    l.cohort,
    CAST(datediff('month', l.cohort, p.month_end) AS INTEGER) AS mob,
    p.state,
    p.dpd,
    p.outstanding_principal,
    p.past_due_amount,
    q.state AS prev_state,
    q.outstanding_principal AS prev_outstanding_principal
FROM all_points p
JOIN loan_status l ON l.lkey = p.lkey
LEFT JOIN all_points q
       ON q.lkey = p.lkey
      AND q.month_end = CAST(last_day(p.month_end - INTERVAL 1 MONTH) AS DATE);
