-- day_state: a loan's DPD and state at the end of the day before each of its payments and
-- collection actions (METRICS.md §9: "bucket at action time = state at the end of the day before
-- the action"; a payment is a collection recovery when the loan was past due the day before).
-- Grain: one row per loan and such day. dpd is the raw DPD, also for loans no longer on book.
CREATE OR REPLACE TABLE day_state AS
WITH s AS (SELECT * FROM derive_settings),
days AS (
    SELECT DISTINCT lkey, d FROM (
        SELECT g.lkey, CAST(CAST(a.action_at AS DATE) - 1 AS DATE) AS d
        FROM collection_actions a
        JOIN loan_segment g USING (loan_id)
        WHERE CAST(a.action_at AS DATE) <= (SELECT as_of FROM s)
          AND g.lkey BETWEEN $lkey_first AND $lkey_last AND a.loan_id BETWEEN $loan_id_first AND $loan_id_last
        UNION ALL
        SELECT lkey, CAST(paid_date - 1 AS DATE) AS d
        FROM pay_day
        WHERE lkey BETWEEN $lkey_first AND $lkey_last
    )
),
unpaid_order AS (
    SELECT lkey, due_date,
           day_key(coalesce(paid_off_date, DATE '9999-12-31')) + installment_no AS unpaid_key
    FROM installment_paid
    WHERE lkey BETWEEN $lkey_first AND $lkey_last
),
with_dpd AS (
    SELECT x.lkey, x.d,
           CASE WHEN u.due_date < x.d THEN CAST(x.d - u.due_date AS INTEGER) ELSE 0 END AS dpd
    FROM (SELECT *, day_key(d) + 999999 AS end_key FROM days) x
    ASOF LEFT JOIN unpaid_order u ON u.lkey = x.lkey AND u.unpaid_key > x.end_key
)
SELECT w.lkey, w.d, w.dpd,
       loan_state(w.dpd, w.d, l.wo_date, l.close_day, (SELECT bucket_edges FROM s)) AS state
FROM with_dpd w
JOIN (SELECT * FROM loan_status WHERE lkey BETWEEN $lkey_first AND $lkey_last) l ON l.lkey = w.lkey;
