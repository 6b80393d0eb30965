-- vintage_write_off (累计核销率, METRICS.md §6): per cohort and MOB, written-off outstanding
-- principal (on the day before write-off) up to that month-end / the cohort's principal.
-- Grain: one row per cohort (YYYY-MM), segment value and MOB.
-- Parameters: $as_of, $filters, $by.
WITH groups AS (SELECT * FROM seg_groups($by)),
v AS (
    SELECT m.*, g.segment_value
    FROM mart_vintage m
    JOIN groups g USING (seg_id)
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = m.seg_id
),
sizes AS (
    SELECT cohort, segment_value, sum(amount) AS amount
    FROM v WHERE event = 'size' AND cohort <= $as_of GROUP BY ALL
),
grid AS (
    SELECT s.*, mob, CAST(last_day(s.cohort + to_months(mob)) AS DATE) AS month_end
    FROM sizes s
    CROSS JOIN LATERAL (
        SELECT unnest(range(0, datediff('month', s.cohort, $as_of::DATE) + 1)) AS mob
    )
)
SELECT strftime(g.cohort, '%Y-%m') AS cohort, g.segment_value, g.mob,
       CAST(coalesce(sum(w.amount), 0) AS DECIMAL(18, 2)) AS written_off_principal,
       CAST(g.amount AS DECIMAL(18, 2)) AS cohort_principal,
       CAST(coalesce(sum(w.amount), 0) AS DOUBLE) / nullif(CAST(g.amount AS DOUBLE), 0) AS rate
FROM grid g
LEFT JOIN v w
  ON w.event = 'write_off' AND w.cohort = g.cohort AND w.segment_value = g.segment_value
 AND w.event_month_end <= g.month_end
WHERE g.month_end <= $as_of
GROUP BY g.cohort, g.segment_value, g.mob, g.amount
ORDER BY cohort, g.segment_value, g.mob;
