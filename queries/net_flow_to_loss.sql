-- net_flow_to_loss (净损失迁徙率): principal written off during month t / principal in M0 at the
-- month-end seven months earlier. It equals the product of the seven flow rates along the
-- diagonal C->M1->...->M6->WO that ends at t (the ratios telescope), so it reads as "of a
-- current balance, the share that flows all the way to write-off". NULL without a denominator.
-- Grain: one row per month-end t and segment value. Parameters: $as_of, $filters, $by.
WITH months AS (
    SELECT DISTINCT month_end, segment_value
    FROM month_state_rows($filters, $by)
    WHERE month_end <= $as_of
),
current_balance AS (
    SELECT month_end, segment_value, sum(outstanding_principal) AS balance
    FROM month_state_rows($filters, $by)
    WHERE state = 'M0'
    GROUP BY ALL
),
write_offs AS (
    SELECT event_month_end AS month_end, segment_value, sum(amount) AS amount
    FROM vintage_rows($filters, $by)
    WHERE event = 'write_off'
    GROUP BY ALL
)
SELECT m.month_end, m.segment_value,
       CAST(last_day(m.month_end - INTERVAL 7 MONTH) AS DATE) AS base_month_end,
       CAST(coalesce(w.amount, 0) AS DECIMAL(18, 2)) AS written_off_principal,
       CAST(c.balance AS DECIMAL(18, 2)) AS base_current_principal,
       CAST(coalesce(w.amount, 0) AS DOUBLE) / nullif(CAST(c.balance AS DOUBLE), 0) AS rate
FROM months m
LEFT JOIN write_offs w ON w.month_end = m.month_end AND w.segment_value = m.segment_value
LEFT JOIN current_balance c
  ON c.month_end = last_day(m.month_end - INTERVAL 7 MONTH) AND c.segment_value = m.segment_value
ORDER BY m.month_end, m.segment_value;
