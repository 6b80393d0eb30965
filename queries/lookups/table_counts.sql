-- table_counts: rows in each raw table of the current database and the rejects of the last
-- import, in a fixed order (for the data page). Grain: one row per table. Parameters: none.
SELECT * FROM (
    SELECT 1 AS ord, 'loans' AS table_name, count(*) AS row_count FROM loans
    UNION ALL SELECT 2, 'installments', count(*) FROM installments
    UNION ALL SELECT 3, 'repayments', count(*) FROM repayments
    UNION ALL SELECT 4, 'collection_actions', count(*) FROM collection_actions
    UNION ALL SELECT 5, 'loan_extras', count(*) FROM loan_extras
    UNION ALL SELECT 6, 'rejects', count(*) FROM rejects
)
ORDER BY ord;
