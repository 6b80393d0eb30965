-- roll_months: the later month-ends t of the month pairs the roll matrix has, newest first
-- (for the month-pair selector of the roll-rate page). Grain: one row per month-end.
-- Parameters: none.
SELECT DISTINCT to_month_end FROM mart_roll ORDER BY to_month_end DESC;
