-- loan_month: each loan's state at each month-end (METRICS.md §1-2) with the previous
-- month-end's state, so that roll matrices need no self-join.
-- Grain: one row per loan and month-end, from the disbursement month to the last month-end on
-- or before the as-of date. state is M0..M6 by DPD (bucket_edges), 'closed' or 'WO'; a loan not
-- on book has dpd, outstanding_principal and past_due_amount 0. Month-ends on book come from
-- loan_points; those from the close or write-off day on are 'closed' / 'WO' without a lookup.
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
              AND lkey BETWEEN $lkey_first AND $lkey_last
        )
    )
    WHERE d >= end_day
),
all_points AS (
    SELECT lkey, d AS month_end, state, dpd, outstanding_principal, past_due_amount
    FROM loan_points
    WHERE kind = 'month_end' AND lkey BETWEEN $lkey_first AND $lkey_last
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
    lag(p.state) OVER w AS prev_state,
    lag(p.outstanding_principal) OVER w AS prev_outstanding_principal
FROM all_points p
JOIN (SELECT * FROM loan_status WHERE lkey BETWEEN $lkey_first AND $lkey_last) l ON l.lkey = p.lkey
WINDOW w AS (PARTITION BY p.lkey ORDER BY p.month_end);
