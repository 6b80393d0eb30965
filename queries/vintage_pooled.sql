-- vintage_pooled (分组账龄曲线): ever DPD N+ by MOB (METRICS.md §6) pooled per value of a
-- segment over one fixed set of cohorts: those disbursed from $period_start's month on that have
-- reached MOB $max_mob by the as-of date. At MOB m = 0..$max_mob: the loans (or original
-- principal) of those cohorts that had DPD >= N by their MOB-m month-end / the loans (principal)
-- of those cohorts. The same cohorts stand behind every point, so a curve never falls because
-- younger, riskier cohorts drop out at older MOBs; `cohorts` says how many there are.
-- Grain: one row per segment value, MOB and basis ('count' | 'principal').
-- Parameters: $as_of, $filters, $by, $threshold (one of derive_settings.vintage_thresholds; any
-- other returns no rows), $period_start (first cohort; NULL = all), $max_mob (the horizon).
WITH groups AS (SELECT * FROM seg_groups($by)),
v AS (
    SELECT m.*, g.segment_value
    FROM mart_vintage m
    JOIN groups g USING (seg_id)
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = m.seg_id
    WHERE m.cohort <= $as_of
      AND m.cohort >= coalesce($period_start::DATE, DATE '1900-01-01')
      AND list_contains((SELECT vintage_thresholds FROM derive_settings), $threshold::INTEGER)
),
sizes AS (
    SELECT cohort, segment_value, sum(loans) AS loans, sum(amount) AS amount
    FROM v
    WHERE event = 'size'
      AND last_day(cohort + to_months($max_mob::INTEGER)) <= $as_of
    GROUP BY ALL
),
grid AS (
    SELECT s.*, mob, CAST(last_day(s.cohort + to_months(mob)) AS DATE) AS month_end
    FROM sizes s
    CROSS JOIN LATERAL (
        SELECT unnest(range(0, $max_mob::INTEGER + 1)) AS mob
    )
),
cells AS (
    SELECT g.cohort, g.segment_value, g.mob, g.loans AS cohort_loans, g.amount AS cohort_amount,
           coalesce(sum(e.loans), 0) AS ever_loans,
           coalesce(sum(e.amount), 0) AS ever_amount
    FROM grid g
    LEFT JOIN v e
      ON e.event = 'ever' AND e.threshold = $threshold
     AND e.cohort = g.cohort AND e.segment_value = g.segment_value
     AND e.event_month_end <= g.month_end
    WHERE g.month_end <= $as_of
    GROUP BY ALL
),
pooled AS (
    SELECT segment_value, mob, count(*) AS cohorts,
           sum(ever_loans) AS ever_loans, sum(cohort_loans) AS cohort_loans,
           sum(ever_amount) AS ever_amount, sum(cohort_amount) AS cohort_amount
    FROM cells
    GROUP BY ALL
)
SELECT segment_value, mob, $threshold::INTEGER AS threshold, 'count' AS basis, cohorts,
       CAST(ever_loans AS DECIMAL(18, 2)) AS numerator,
       CAST(cohort_loans AS DECIMAL(18, 2)) AS denominator,
       ever_loans / nullif(cohort_loans, 0) AS rate
FROM pooled
UNION ALL
SELECT segment_value, mob, $threshold::INTEGER, 'principal', cohorts,
       CAST(ever_amount AS DECIMAL(18, 2)), CAST(cohort_amount AS DECIMAL(18, 2)),
       CAST(ever_amount AS DOUBLE) / nullif(CAST(cohort_amount AS DOUBLE), 0)
FROM pooled
ORDER BY segment_value, mob, basis;
