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
SELECT DISTINCT seg_id FROM segment_values WHERE len(filters) = 0;
