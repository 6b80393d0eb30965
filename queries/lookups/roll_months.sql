-- roll_months: the month pairs (t-1, t) the roll matrix has, newest first (for the month-pair
-- selector of the roll-rate page). Grain: one row per later month-end t. Parameters: none.
SELECT DISTINCT CAST(last_day(to_month_end - INTERVAL 1 MONTH) AS DATE) AS from_month_end,
       to_month_end
FROM mart_roll_all  -- the month-ends of mart_roll, in a table of thousands of rows, not millions
ORDER BY to_month_end DESC;
