-- segment_values: every segment and its values with the number of loans (for filter widgets).
-- Grain: one row per segment and value. Parameters: none.
SELECT v.segment, v.value, count(*) AS loans
FROM loan_segment l
JOIN segment_values v USING (seg_id)
GROUP BY ALL
ORDER BY v.segment, loans DESC, v.value;
