-- segment_crosstab (风险交叉分析): one measure of segment_ranking.sql (same definitions, same
-- $measure list — keep the two files alike) for every pair of a value of $segment_a (rows) and a
-- value of $segment_b (columns): loans n, amount, bad loans, numerator and rate per cell, and
-- too_small when the cell has fewer loans than derive_settings.min_segment_size (a rate on so few
-- loans is noise: the page greys it out). Cells with no loans are absent.
-- Grain: one row per value of $segment_a and value of $segment_b.
-- Parameters: $as_of, $filters, $measure, $segment_a, $segment_b, $period_start.
WITH settings AS (
    SELECT min_segment_size, list_contains(vintage_thresholds, 30) AS has_ever30
    FROM derive_settings
),
kept AS (SELECT seg_id FROM seg_filter($filters)),
snapshot AS (SELECT max(month_end) AS month_end FROM mart_month_state WHERE month_end <= $as_of),
units AS (
    SELECT m.seg_id,
           sum(m.loans) AS n,
           sum(m.outstanding_principal) AS amount,
           coalesce(sum(m.loans) FILTER (WHERE m.dpd >= 30), 0) AS bad_n,
           coalesce(sum(m.outstanding_principal) FILTER (WHERE m.dpd >= 30), 0) AS bad_amount
    FROM mart_month_state m
    WHERE $measure IN ('dpd30_count', 'dpd30_balance')
      AND m.month_end = (SELECT month_end FROM snapshot)
      AND m.state IN ('M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6')
      AND m.seg_id IN (SELECT seg_id FROM kept)
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
        WHERE $measure = 'fpd30'
          AND l.first_due_date + 30 <= $as_of
          AND l.cohort >= coalesce($period_start::DATE, DATE '0001-01-01')
          AND l.seg_id IN (SELECT seg_id FROM kept)
    )
    GROUP BY seg_id
    UNION ALL
    SELECT v.seg_id,
           sum(v.loans) FILTER (WHERE v.event = 'size'),
           sum(v.amount) FILTER (WHERE v.event = 'size'),
           coalesce(sum(v.loans) FILTER (WHERE v.event = 'ever'), 0),
           coalesce(sum(v.amount) FILTER (WHERE v.event = 'ever'), 0)
    FROM mart_vintage v
    WHERE $measure IN ('ever30_mob6_count', 'ever30_mob6_balance')
      AND (SELECT has_ever30 FROM settings)
      AND last_day(v.cohort + INTERVAL 6 MONTH) <= $as_of
      AND v.cohort >= coalesce($period_start::DATE, DATE '0001-01-01')
      AND v.seg_id IN (SELECT seg_id FROM kept)
      AND (v.event = 'size'
           OR (v.event = 'ever' AND v.threshold = 30
               AND v.event_month_end <= last_day(v.cohort + INTERVAL 6 MONTH)))
    GROUP BY v.seg_id
),
cells AS (
    SELECT a.value AS row_value, b.value AS col_value,
           sum(u.n) AS n, sum(u.amount) AS amount, sum(u.bad_n) AS bad_n,
           sum(u.bad_amount) AS bad_amount
    FROM units u
    JOIN segment_values a ON a.seg_id = u.seg_id AND a.segment = $segment_a
    JOIN segment_values b ON b.seg_id = u.seg_id AND b.segment = $segment_b
    GROUP BY ALL
)
SELECT row_value, col_value,
       CAST(n AS BIGINT) AS loans,
       CAST(amount AS DECIMAL(18, 2)) AS amount,
       CAST(bad_n AS BIGINT) AS bad_loans,
       CASE WHEN $measure IN ('dpd30_balance', 'ever30_mob6_balance')
            THEN CAST(bad_amount AS DECIMAL(18, 2))
            ELSE CAST(bad_n AS DECIMAL(18, 2)) END AS numerator,
       CASE WHEN $measure IN ('dpd30_balance', 'ever30_mob6_balance')
            THEN CAST(bad_amount AS DOUBLE) / nullif(CAST(amount AS DOUBLE), 0)
            ELSE CAST(bad_n AS DOUBLE) / nullif(n, 0) END AS rate,
       n < (SELECT min_segment_size FROM settings) AS too_small
FROM cells
WHERE n > 0
ORDER BY row_value, col_value;
