-- flow_rate (迁徙率, METRICS.md §7): outstanding principal in M(i+1) at month-end t / outstanding
-- principal in M(i) at t-1, for C(M0)->M1 ... M5->M6; M6->WO uses the principal written off
-- during month t. The aggregate ratio practitioners use: it can exceed 1. NULL when the
-- denominator is 0. Grain: one row per month pair, segment value and step.
-- Parameters: $as_of, $filters, $by.
WITH balances AS (
    SELECT month_end, segment_value, state, sum(outstanding_principal) AS balance
    FROM month_state_rows($filters, $by)
    WHERE month_end <= $as_of
    GROUP BY ALL
),
write_offs AS (
    SELECT event_month_end AS month_end, segment_value, 'WO' AS state, sum(amount) AS balance
    FROM vintage_rows($filters, $by)
    WHERE event = 'write_off' AND event_month_end <= $as_of
    GROUP BY ALL
),
month_pairs AS (
    -- from each segment's own first month-end on (a segment that starts later has no pairs
    -- before it existed)
    SELECT DISTINCT CAST(last_day(month_end - INTERVAL 1 MONTH) AS DATE) AS from_month_end,
           month_end AS to_month_end, segment_value
    FROM (
        SELECT month_end, segment_value,
               min(month_end) OVER (PARTITION BY segment_value) AS first_month_end
        FROM balances
    )
    WHERE month_end > first_month_end
),
steps AS (
    SELECT * FROM (VALUES ('M0', 'M1', 1), ('M1', 'M2', 2), ('M2', 'M3', 3), ('M3', 'M4', 4),
                          ('M4', 'M5', 5), ('M5', 'M6', 6), ('M6', 'WO', 7))
        AS t(from_state, to_state, step)
),
targets AS (
    SELECT * FROM balances WHERE state <> 'WO'
    UNION ALL
    SELECT * FROM write_offs
)
SELECT p.from_month_end, p.to_month_end, p.segment_value, s.from_state, s.to_state,
       CAST(coalesce(n.balance, 0) AS DECIMAL(18, 2)) AS numerator,
       CAST(coalesce(d.balance, 0) AS DECIMAL(18, 2)) AS denominator,
       CAST(coalesce(n.balance, 0) AS DOUBLE) / nullif(CAST(coalesce(d.balance, 0) AS DOUBLE), 0)
           AS rate
FROM month_pairs p
CROSS JOIN steps s
LEFT JOIN targets n
  ON n.month_end = p.to_month_end AND n.segment_value = p.segment_value AND n.state = s.to_state
LEFT JOIN balances d
  ON d.month_end = p.from_month_end AND d.segment_value = p.segment_value
 AND d.state = s.from_state
ORDER BY p.to_month_end, p.segment_value, s.step;
