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

-- mart_month_state_all: the same summed over every segment. Grain: one row per month-end, state,
-- dpd (a few thousand rows). The pages' default view is the whole book, with no filter and no
-- split: read from here it costs ~10 ms at a million loans, against ~70 ms from the 1M rows
-- above (bench/RESULTS.md). Read it through month_state_rows(), never directly.
CREATE OR REPLACE TABLE mart_month_state_all AS
SELECT
    month_end,
    state,
    dpd,
    CAST(sum(loans) AS BIGINT)                         AS loans,
    CAST(sum(outstanding_principal) AS DECIMAL(18, 2)) AS outstanding_principal,
    CAST(sum(past_due_amount) AS DECIMAL(18, 2))       AS past_due_amount
FROM mart_month_state
GROUP BY month_end, state, dpd
ORDER BY month_end, state, dpd;

-- mart_month_state_by: the same summed per value of each segment, for a split with no filter
-- (the trends page's overdue rate by risk grade): the rows of one segment are those of its few
-- values, not of every seg_id. Grain: one row per segment, value, month-end, state, dpd.
CREATE OR REPLACE TABLE mart_month_state_by AS
SELECT
    v.segment,
    v.value                                              AS segment_value,
    m.month_end,
    m.state,
    m.dpd,
    CAST(sum(m.loans) AS BIGINT)                         AS loans,
    CAST(sum(m.outstanding_principal) AS DECIMAL(18, 2)) AS outstanding_principal,
    CAST(sum(m.past_due_amount) AS DECIMAL(18, 2))       AS past_due_amount
FROM mart_month_state m
JOIN segment_values v USING (seg_id)
GROUP BY ALL
ORDER BY segment, segment_value, month_end, state, dpd;

-- month_state_rows(filters, split): mart_month_state's rows for a query's $filters and $by, with
-- segment_value (seg_groups) instead of seg_id: for the whole book (no filter, no split) the
-- rows of mart_month_state_all, for a split with no filter those of mart_month_state_by, else
-- the per-seg_id rows. DuckDB drops the branches not taken, as their conditions are constants
-- once the parameters are bound. Sum the rows: there may be several per month-end, segment
-- value, state and dpd.
CREATE OR REPLACE MACRO month_state_rows(filters, split) AS TABLE
SELECT month_end, 'all' AS segment_value, state, dpd, loans, outstanding_principal,
       past_due_amount
FROM mart_month_state_all
WHERE len(filters) = 0 AND split = ''
UNION ALL
SELECT month_end, segment_value, state, dpd, loans, outstanding_principal, past_due_amount
FROM mart_month_state_by
WHERE len(filters) = 0 AND split <> '' AND segment = split
UNION ALL
SELECT m.month_end, g.segment_value, m.state, m.dpd, m.loans, m.outstanding_principal,
       m.past_due_amount
FROM mart_month_state m
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE len(filters) > 0;
