-- segment_values: every segment and its values with the number of loans (for filter widgets).
-- Grain: one row per segment and value. Parameters: none.
SELECT segment, value, CAST(sum(loans) AS BIGINT) AS loans
FROM segment_values
GROUP BY ALL
ORDER BY segment, loans DESC, value;
