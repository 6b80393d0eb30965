-- segment_movers (变动最大的细分): every segment value (product, region, risk grade, channel,
-- credit band and the extra loan columns) with its overdue rate DPD N+ (METRICS.md §3) at the
-- latest month-end on or before the as-of date and at the month-end one or twelve months
-- earlier, ranked by the size of the change. A value with fewer than min_segment_size loans on
-- book at either month-end is marked too small and not ranked (METRICS.md §11). Segments that
-- the filters already fix, or with a single value in the selection, are left out (they equal
-- the whole selection).
-- Grain: one row per segment and value. rank 1 = moved most; NULL = not ranked.
-- Parameters: $as_of, $filters, $threshold (N), $basis ('balance' | 'count'),
-- $compare ('1m' | '12m').
WITH kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
fixed AS (SELECT DISTINCT split_part(f, '=', 1) AS segment FROM unnest($filters::VARCHAR[]) u(f)),
latest AS (SELECT max(month_end) AS d FROM mart_month_state WHERE month_end <= $as_of),
ends AS (
    SELECT d AS now_end,
           CAST(last_day(d - CASE WHEN $compare = '1m' THEN INTERVAL 1 MONTH
                                  ELSE INTERVAL 12 MONTH END) AS DATE) AS then_end
    FROM latest
),
per_seg AS (
    -- summed per seg_id before segment_values multiplies the rows by the number of segments
    SELECT m.seg_id,
           sum(m.loans) FILTER (WHERE m.month_end = e.now_end)                     AS loans,
           sum(m.outstanding_principal) FILTER (WHERE m.month_end = e.now_end)     AS balance,
           sum(m.loans) FILTER (WHERE m.month_end = e.now_end AND m.dpd >= $threshold)
                                                                                   AS loans_over,
           sum(m.outstanding_principal)
               FILTER (WHERE m.month_end = e.now_end AND m.dpd >= $threshold)      AS balance_over,
           sum(m.loans) FILTER (WHERE m.month_end = e.then_end)                    AS loans_then,
           sum(m.outstanding_principal) FILTER (WHERE m.month_end = e.then_end)    AS balance_then,
           sum(m.loans) FILTER (WHERE m.month_end = e.then_end AND m.dpd >= $threshold)
                                                                                   AS loans_over_then,
           sum(m.outstanding_principal)
               FILTER (WHERE m.month_end = e.then_end AND m.dpd >= $threshold)     AS balance_over_then
    FROM mart_month_state m
    CROSS JOIN ends e
    JOIN kept ON kept_seg = m.seg_id
    WHERE m.month_end IN (e.now_end, e.then_end)
      AND on_book(m.state)
    GROUP BY m.seg_id
),
per_value AS (
    SELECT v.segment, v.value,
           sum(p.loans) AS loans, sum(p.balance) AS balance,
           sum(p.loans_over) AS loans_over, sum(p.balance_over) AS balance_over,
           sum(p.loans_then) AS loans_then, sum(p.balance_then) AS balance_then,
           sum(p.loans_over_then) AS loans_over_then,
           sum(p.balance_over_then) AS balance_over_then
    FROM per_seg p
    JOIN segment_values v USING (seg_id)
    WHERE v.segment NOT IN (SELECT segment FROM fixed)
    GROUP BY ALL
),
rates AS (
    SELECT per_value.*,
           CASE WHEN $basis = 'count'
                THEN coalesce(loans_over, 0) / nullif(loans, 0)
                ELSE CAST(coalesce(balance_over, 0) AS DOUBLE) / nullif(CAST(balance AS DOUBLE), 0)
           END AS rate,
           CASE WHEN $basis = 'count'
                THEN coalesce(loans_over_then, 0) / nullif(loans_then, 0)
                ELSE CAST(coalesce(balance_over_then, 0) AS DOUBLE)
                     / nullif(CAST(balance_then AS DOUBLE), 0)
           END AS rate_then,
           coalesce(loans, 0) < (SELECT min_segment_size FROM derive_settings)
               OR coalesce(loans_then, 0) < (SELECT min_segment_size FROM derive_settings)
               AS too_small
    FROM per_value
    WHERE segment IN (SELECT segment FROM per_value GROUP BY segment HAVING count(*) > 1)
),
ranked AS (
    SELECT *, rate - rate_then AS change,
           CASE WHEN NOT too_small AND rate - rate_then IS NOT NULL
                THEN row_number() OVER (
                    PARTITION BY (NOT too_small AND rate - rate_then IS NOT NULL)
                    ORDER BY abs(rate - rate_then) DESC, segment, value)
           END AS rank
    FROM rates
)
SELECT segment, value, (SELECT now_end FROM ends) AS month_end,
       (SELECT then_end FROM ends) AS compare_month_end,
       $threshold::INTEGER AS threshold, $basis AS basis,
       rate, rate_then, change, rank, too_small,
       CAST(coalesce(loans, 0) AS BIGINT) AS loans,
       CAST(coalesce(balance, 0) AS DECIMAL(18, 2)) AS balance,
       CAST(coalesce(loans_then, 0) AS BIGINT) AS loans_then,
       CAST(coalesce(balance_then, 0) AS DECIMAL(18, 2)) AS balance_then
FROM ranked
ORDER BY rank NULLS LAST, segment, value;
