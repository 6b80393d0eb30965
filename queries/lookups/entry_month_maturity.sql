-- entry_month_maturity: per entry month (METRICS.md §8: month of due_date + 1), the last day j
-- up to $max_day at which every entry of the month has been observed: the month's last possible
-- entry (due on the day before the month's last day) plus j is on or before $as_of. Days after it
-- are immature for the month as a whole (recovery_curve then rests on the early entries only).
-- Grain: one row per entry month (YYYY-MM) up to the as-of month. Parameters: $as_of, $max_day.
SELECT strftime(m, '%Y-%m') AS entry_month,
       CAST(least($max_day::INTEGER, greatest($as_of::DATE - (last_day(m) - 1), 0)) AS INTEGER)
           AS full_day
FROM (
    SELECT unnest(generate_series(
        CAST(date_trunc('month', (SELECT min(due_date) + 1 FROM installment_status)) AS DATE),
        CAST(date_trunc('month', $as_of::DATE) AS DATE),
        INTERVAL 1 MONTH)) AS m
)
ORDER BY entry_month;
