-- import_summary: the latest applied import (as-of date, when, sources, report JSON).
-- Grain: one row. Parameters: none.
SELECT import_id, started_at, finished_at, sources, as_of, report
FROM imports
ORDER BY import_id DESC
LIMIT 1;
