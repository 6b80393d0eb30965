-- mart_month_state: loans and amounts by month-end, segment, state and DPD. Small (its size does
-- not grow with the number of loans beyond segments × DPD values), it serves overdue rates at any
-- threshold, bucket distributions and flow rates. Grain: one row per month-end, seg_id, state, dpd.
CREATE OR REPLACE TABLE mart_month_state AS
SELECT
    month_end,
    seg_id,
    state,
    dpd,
    count(*)                                       AS loans,
    CAST(sum(outstanding_principal) AS DECIMAL(18, 2)) AS outstanding_principal,
    CAST(sum(past_due_amount) AS DECIMAL(18, 2))       AS past_due_amount
FROM loan_month
GROUP BY month_end, seg_id, state, dpd
ORDER BY month_end, seg_id, state, dpd;
