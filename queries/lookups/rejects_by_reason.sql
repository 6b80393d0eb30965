-- rejects_by_reason: the rows the last import refused, per table and reason code (the part of
-- the stored reason before ':'; the rest is the row's own detail), with the number of records,
-- of distinct source lines (a short row can be recorded once per missing column), and one
-- example of the detail. Grain: one row per table and reason code. Parameters: none.
SELECT table_name,
       split_part(reason, ':', 1) AS reason,
       count(*) AS records,
       count(DISTINCT (file, line)) AS lines,
       trim(min(substr(reason, length(split_part(reason, ':', 1)) + 2))) AS example
FROM rejects
GROUP BY ALL
ORDER BY records DESC, table_name, reason;
