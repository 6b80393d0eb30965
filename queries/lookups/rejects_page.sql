-- rejects_page: one page of the rejected rows (file, line, the reason with its detail, the
-- original text), in table, file and line order, optionally for one reason code (the part of
-- the reason before ':'), with the number of rows matching overall.
-- Grain: one row per reject. Parameters: $reason ('' = every reason), $limit, $offset.
SELECT table_name, file, line, reason, original_text,
       count(*) OVER () AS matching
FROM rejects
WHERE $reason = '' OR split_part(reason, ':', 1) = $reason
ORDER BY table_name, file, line NULLS LAST, reason
LIMIT $limit OFFSET $offset;
