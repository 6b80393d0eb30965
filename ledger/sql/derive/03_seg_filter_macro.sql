-- seg_filter(filters): the seg_ids matching a list of 'segment=value' filters.
-- Values of one segment are alternatives (OR); different segments must all match (AND).
-- An empty list matches every segment. Used by every query in queries/ with $filters bound.
CREATE OR REPLACE MACRO seg_filter(filters) AS TABLE
SELECT v.seg_id
FROM segment_values v
JOIN (SELECT DISTINCT f FROM unnest(filters) AS u(f)) w
  ON v.segment || '=' || v.value = w.f
GROUP BY v.seg_id
HAVING count(DISTINCT v.segment) = (
    SELECT count(DISTINCT split_part(f, '=', 1)) FROM unnest(filters) AS u(f)
)
UNION ALL
SELECT seg_id FROM seg_ids WHERE len(filters) = 0;

-- seg_groups(split): every seg_id with its value of segment `split` (segment_value), or with
-- 'all' when `split` is '' — the split of the metrics that take $by. Used as `groups` in
-- queries/.
CREATE OR REPLACE MACRO seg_groups(split) AS TABLE
SELECT seg_id, value AS segment_value FROM segment_values WHERE segment = split
UNION ALL
SELECT seg_id, 'all' FROM seg_ids WHERE split = '';

-- seg_scope(filters, split): the seg_ids a query's $filters keep, each with its value of $by
-- (segment_value) — the per-seg_id branch of the mart macros (month_state_rows and the like).
CREATE OR REPLACE MACRO seg_scope(filters, split) AS TABLE
SELECT g.seg_id, g.segment_value
FROM seg_groups(split) g
JOIN seg_filter(filters) k USING (seg_id);
