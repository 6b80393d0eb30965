-- segment_ranking (风险归因排名, METRICS.md §11): for one measure, every value of one segment with
-- its loans n, amount, the loans (and amount) that are "bad", the rate, a 95% Wilson interval,
-- the lift against the whole filtered book, and a rank. Values with fewer loans than
-- derive_settings.min_segment_size are flagged too_small and left unranked (rank NULL).
-- Measures ($measure, a fixed list):
--   dpd30_count / dpd30_balance: loans on book at the as-of month-end with DPD >= 30, as a share
--     of loans on book (count) or of outstanding principal (balance); amount = outstanding.
--   fpd30: FPD 30 (METRICS.md §5) over the cohorts from $period_start to the as-of date; amount =
--     principal of the loans observed.
--   ever30_mob6_count / ever30_mob6_balance: vintage ever DPD 30+ by MOB 6 (METRICS.md §6) over
--     the cohorts from $period_start whose MOB 6 month-end is on or before the as-of date;
--     amount = original principal.
-- The Wilson interval is on the count basis, (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)
-- with z = 1.96; it is NULL for the balance measures, whose rate is not a share of loans.
-- The per-segment counts come from the risk_units macro (ledger/sql/derive/95_risk_units_macro.sql),
-- which segment_crosstab.sql shares.
-- Grain: one row per value of $segment. Parameters: $as_of, $filters, $measure, $segment,
-- $period_start (first cohort for fpd30 / ever30; NULL = every cohort).
WITH settings AS (SELECT min_segment_size FROM derive_settings),
units AS (SELECT * FROM risk_units($as_of, $filters, $measure, $period_start)),
by_value AS (
    SELECT s.value AS segment_value,
           sum(u.n) AS n, sum(u.amount) AS amount, sum(u.bad_n) AS bad_n,
           sum(u.bad_amount) AS bad_amount
    FROM units u
    JOIN segment_values s ON s.seg_id = u.seg_id AND s.segment = $segment
    GROUP BY ALL
),
book AS (
    SELECT sum(n) AS n, sum(amount) AS amount, sum(bad_n) AS bad_n, sum(bad_amount) AS bad_amount
    FROM units
),
rated AS (
    SELECT v.*,
           CAST(v.bad_n AS DOUBLE) / nullif(v.n, 0) AS p,
           CASE WHEN $measure IN ('dpd30_balance', 'ever30_mob6_balance')
                THEN CAST(v.bad_amount AS DOUBLE) / nullif(CAST(v.amount AS DOUBLE), 0)
                ELSE CAST(v.bad_n AS DOUBLE) / nullif(v.n, 0) END AS rate,
           CASE WHEN $measure IN ('dpd30_balance', 'ever30_mob6_balance')
                THEN CAST(b.bad_amount AS DOUBLE) / nullif(CAST(b.amount AS DOUBLE), 0)
                ELSE CAST(b.bad_n AS DOUBLE) / nullif(b.n, 0) END AS portfolio_rate,
           $measure NOT IN ('dpd30_balance', 'ever30_mob6_balance') AS count_basis,
           v.n < (SELECT min_segment_size FROM settings) AS too_small
    FROM by_value v
    CROSS JOIN book b
),
wilson AS (
    SELECT *,
           CASE WHEN count_basis AND n > 0 THEN
               (p + 1.96 ^ 2 / (2 * n)
                - 1.96 * sqrt(p * (1 - p) / n + 1.96 ^ 2 / (4 * n ^ 2))) / (1 + 1.96 ^ 2 / n)
           END AS ci_low,
           CASE WHEN count_basis AND n > 0 THEN
               (p + 1.96 ^ 2 / (2 * n)
                + 1.96 * sqrt(p * (1 - p) / n + 1.96 ^ 2 / (4 * n ^ 2))) / (1 + 1.96 ^ 2 / n)
           END AS ci_high
    FROM rated
)
SELECT segment_value,
       CAST(n AS BIGINT) AS loans,
       CAST(amount AS DECIMAL(18, 2)) AS amount,
       CAST(bad_n AS BIGINT) AS bad_loans,
       CASE WHEN count_basis THEN CAST(bad_n AS DECIMAL(18, 2))
            ELSE CAST(bad_amount AS DECIMAL(18, 2)) END AS numerator,
       rate, ci_low, ci_high, portfolio_rate,
       rate / nullif(portfolio_rate, 0) AS lift,
       too_small,
       CASE WHEN NOT too_small AND rate IS NOT NULL THEN
           CAST(rank() OVER (PARTITION BY too_small OR rate IS NULL
                             ORDER BY rate DESC) AS INTEGER)
       END AS rank
FROM wilson
ORDER BY too_small, rate IS NULL, rate DESC, loans DESC, segment_value;
