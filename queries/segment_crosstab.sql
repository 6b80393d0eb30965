-- segment_crosstab (风险交叉分析): one measure of segment_ranking.sql (same definitions, from the
-- same risk_units macro) for every pair of a value of $segment_a (rows) and a
-- value of $segment_b (columns): loans n, amount, bad loans, numerator and rate per cell, and
-- too_small when the cell has fewer loans than derive_settings.min_segment_size (a rate on so few
-- loans is noise: the page greys it out). Cells with no loans are absent.
-- Grain: one row per value of $segment_a and value of $segment_b.
-- Parameters: $as_of, $filters, $measure, $segment_a, $segment_b, $period_start.
WITH settings AS (SELECT min_segment_size FROM derive_settings),
units AS (SELECT * FROM risk_units($as_of, $filters, $measure, $period_start)),
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
