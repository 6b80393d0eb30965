-- bucket_distribution (账龄分布, METRICS.md §2): loans and outstanding principal on book by state
-- M0..M6 at each month-end, with each state's share of the book.
-- Grain: one row per month-end and state. Parameters: $as_of, $filters.
WITH per_state AS (
    SELECT month_end, state,
           CAST(sum(loans) AS BIGINT) AS loans,
           CAST(sum(outstanding_principal) AS DECIMAL(18, 2)) AS outstanding_principal,
           CAST(sum(past_due_amount) AS DECIMAL(18, 2)) AS past_due_amount
    FROM month_state_rows($filters, '')
    WHERE month_end <= $as_of
      AND on_book(state)
    GROUP BY ALL
)
SELECT month_end, state, loans, outstanding_principal, past_due_amount,
       loans / nullif(sum(loans) OVER (PARTITION BY month_end), 0) AS loan_share,
       CAST(outstanding_principal AS DOUBLE)
           / nullif(CAST(sum(outstanding_principal) OVER (PARTITION BY month_end) AS DOUBLE), 0)
           AS balance_share
FROM per_state
ORDER BY month_end, state;
