-- risk_units(as_of, filters, measure, period_start): per seg_id the loans n, amount and the
-- "bad" loans and amount of one risk-driver measure (METRICS.md §11; definitions in
-- queries/segment_ranking.sql's header). The one definition behind the risk-drivers ranking and
-- cross-tab (queries/segment_ranking.sql, queries/segment_crosstab.sql).
-- Grain: one row per seg_id with loans for the measure.
CREATE OR REPLACE MACRO risk_units(as_of, filters, measure, period_start) AS TABLE
WITH snapshot AS (
    SELECT max(month_end) AS month_end FROM mart_month_state WHERE month_end <= CAST(as_of AS DATE)
)
SELECT m.seg_id,
       sum(m.loans) AS n,
       sum(m.outstanding_principal) AS amount,
       coalesce(sum(m.loans) FILTER (WHERE m.dpd >= 30), 0) AS bad_n,
       coalesce(sum(m.outstanding_principal) FILTER (WHERE m.dpd >= 30), 0) AS bad_amount
FROM mart_month_state m
WHERE measure IN ('dpd30_count', 'dpd30_balance')
  AND m.month_end = (SELECT month_end FROM snapshot)
  AND on_book(m.state)
  AND m.seg_id IN (SELECT seg_id FROM seg_filter(filters))
GROUP BY m.seg_id
UNION ALL
SELECT seg_id, count(*), sum(principal),
       count(*) FILTER (WHERE bad), coalesce(sum(principal) FILTER (WHERE bad), 0)
FROM (
    SELECT l.seg_id, l.principal,
           (coalesce(l.close_day, l.wo_date) IS NULL
                OR coalesce(l.close_day, l.wo_date) > l.first_due_date)
           AND (l.first_paid_off_date IS NULL
                OR l.first_paid_off_date > l.first_due_date + 30) AS bad
    FROM loan_status l
    WHERE measure = 'fpd30'
      AND l.first_due_date + 30 <= CAST(as_of AS DATE)
      AND l.cohort >= coalesce(CAST(period_start AS DATE), DATE '0001-01-01')
      AND l.seg_id IN (SELECT seg_id FROM seg_filter(filters))
)
GROUP BY seg_id
UNION ALL
SELECT v.seg_id,
       sum(v.loans) FILTER (WHERE v.event = 'size'),
       sum(v.amount) FILTER (WHERE v.event = 'size'),
       coalesce(sum(v.loans) FILTER (WHERE v.event = 'ever'), 0),
       coalesce(sum(v.amount) FILTER (WHERE v.event = 'ever'), 0)
FROM mart_vintage v
WHERE measure IN ('ever30_mob6_count', 'ever30_mob6_balance')
  AND (SELECT list_contains(vintage_thresholds, 30) FROM derive_settings)
  AND last_day(v.cohort + INTERVAL 6 MONTH) <= CAST(as_of AS DATE)
  AND v.cohort >= coalesce(CAST(period_start AS DATE), DATE '0001-01-01')
  AND v.seg_id IN (SELECT seg_id FROM seg_filter(filters))
  AND (v.event = 'size'
       OR (v.event = 'ever' AND v.threshold = 30
           AND v.event_month_end <= last_day(v.cohort + INTERVAL 6 MONTH)))
GROUP BY v.seg_id;
