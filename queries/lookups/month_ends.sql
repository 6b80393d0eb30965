-- month_ends: the month-ends with data, newest first (for the as-of selector).
-- Grain: one row per month-end. Parameters: none.
SELECT DISTINCT month_end FROM mart_month_state ORDER BY month_end DESC;
