-- write_off_recovery (核销回收率, METRICS.md §1): per write-off month, the loans and principal
-- written off (outstanding principal the day before the write-off) and what has been recovered
-- on them since: payments made while the loan was already written off at the end of the day
-- before, up to the as-of date. The rate is recovered / written-off principal; it keeps growing
-- as a month ages, so months_observed (whole months from the write-off month's end to the as-of
-- date) is given beside it.
-- Grain: one row per write-off month (YYYY-MM).
-- Parameters: $as_of, $filters, $period_start, $period_end (write-off dates; NULL = open).
WITH wo AS (
    SELECT lkey, wo_date, wo_principal
    FROM written_off_loans  -- loan_status's rows with a wo_date
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE wo_date <= $as_of
      AND ($period_start::DATE IS NULL OR wo_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR wo_date <= $period_end::DATE)
),
recovered AS (
    SELECT p.lkey, sum(p.amount) AS recovered
    FROM write_off_payments p  -- payment_status's rows with state_before = 'WO'
    WHERE p.state_before = 'WO'
      AND p.paid_date <= $as_of
      AND p.lkey IN (SELECT lkey FROM wo)
    GROUP BY p.lkey
)
SELECT strftime(wo_date, '%Y-%m') AS write_off_month,
       count(*) AS loans,
       CAST(sum(wo_principal) AS DECIMAL(18, 2)) AS written_off_principal,
       CAST(coalesce(sum(r.recovered), 0) AS DECIMAL(18, 2)) AS recovered,
       count(r.lkey) AS recovering_loans,
       CAST(coalesce(sum(r.recovered), 0) AS DOUBLE)
           / nullif(CAST(sum(wo_principal) AS DOUBLE), 0) AS rate,
       datediff('month', last_day(min(wo_date)), last_day($as_of::DATE)) AS months_observed
FROM wo
LEFT JOIN recovered r USING (lkey)
GROUP BY ALL
ORDER BY write_off_month;
