-- rejects_page: one page of the rejected rows (file, line, the original text, the reason), in
-- file and line order, optionally for one reason, with the number of rows matching overall.
-- Grain: one row per reject. Parameters: $reason ('' = every reason), $limit, $offset.
SELECT table_name, file, line, reason, original_text,
       count(*) OVER () AS matching
FROM rejects
WHERE $reason = '' OR reason = $reason
ORDER BY table_name, file, line NULLS LAST, reason
LIMIT $limit OFFSET $offset;
