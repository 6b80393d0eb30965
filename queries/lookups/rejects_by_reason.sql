-- rejects_by_reason: the rows the last import refused, per table and reason, with the number of
-- records and of distinct source lines (a short row can be recorded once per missing column).
-- Grain: one row per table and reason. Parameters: none.
SELECT table_name, reason, count(*) AS records,
       count(DISTINCT (file, line)) AS lines
FROM rejects
GROUP BY ALL
ORDER BY records DESC, table_name, reason;
