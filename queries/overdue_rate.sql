-- overdue_rate (逾期率, METRICS.md §3): share of loans on book with DPD >= N, by count and by
-- outstanding principal, at each month-end up to the as-of date.
-- Grain: one row per month-end, segment value, threshold and basis.
-- Parameters: $as_of, $filters ('segment=value' list), $thresholds (list of N), $by (segment to
-- split by; '' for the whole book, segment_value 'all').
WITH book AS (
    -- summed to (month-end, segment value, DPD) before the thresholds multiply the rows
    SELECT month_end, segment_value, dpd,
           sum(loans) AS loans, sum(outstanding_principal) AS outstanding_principal
    FROM month_state_rows($filters, $by)
    WHERE month_end <= $as_of
      AND on_book(state)
    GROUP BY ALL
),
per_threshold AS (
    SELECT
        b.month_end,
        b.segment_value,
        t.threshold,
        sum(b.loans) FILTER (WHERE b.dpd >= t.threshold)                 AS n_over,
        sum(b.loans)                                                     AS n_book,
        sum(b.outstanding_principal) FILTER (WHERE b.dpd >= t.threshold) AS bal_over,
        sum(b.outstanding_principal)                                     AS bal_book
    FROM book b
    CROSS JOIN (SELECT unnest($thresholds::INTEGER[]) AS threshold) t
    GROUP BY ALL
)
SELECT month_end, segment_value, threshold, 'count' AS basis,
       CAST(coalesce(n_over, 0) AS DECIMAL(18, 2)) AS numerator,
       CAST(n_book AS DECIMAL(18, 2)) AS denominator,
       coalesce(n_over, 0) / nullif(n_book, 0) AS rate
FROM per_threshold
UNION ALL
SELECT month_end, segment_value, threshold, 'balance',
       CAST(coalesce(bal_over, 0) AS DECIMAL(18, 2)),
       CAST(bal_book AS DECIMAL(18, 2)),
       CAST(coalesce(bal_over, 0) AS DOUBLE) / nullif(CAST(bal_book AS DOUBLE), 0)
FROM per_threshold
ORDER BY month_end, segment_value, threshold, basis;
