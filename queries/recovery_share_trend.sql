-- recovery_share_trend (回收率趋势, METRICS.md §8): for installments entering collection in a month
-- (as in recovery_curve: not paid off at the end of the due date, loans ended by the due date
-- excluded, entry month = month of due_date + 1), the share of the amount unpaid at the due date
-- that is recovered by day j after it, for each j of $days (D7, D30, D90).
-- Unlike the curve, which uses whatever entries are observed, a month's figure is shown only once
-- every entry of the month has been observed for j days (the month's last possible entry, due on
-- the day before its last day, plus j, is on or before the as-of date); before that the month is
-- immature and its rate and recovered amount are NULL — never a partial figure or zero.
-- Grain: one row per entry month (YYYY-MM), segment value and j.
-- Parameters: $as_of, $filters, $by, $days.
WITH days AS (SELECT unnest($days::INTEGER[]) AS day),
bases AS (
    -- entries and their recovery steps come derived (48_collection_entry, summed for the whole
    -- book in 94_marts_whole_book)
    SELECT CAST(date_trunc('month', e.due_date + 1) AS DATE) AS entry_month_start,
           e.segment_value, sum(e.amount_due - e.paid_at_due) AS entered_unpaid
    FROM collection_entry_rows($filters, $by) e
    WHERE e.due_date < $as_of
    GROUP BY ALL
),
increments AS (
    -- recovered by day j = the increments of days j0 <= j, summed per month and j0 first
    SELECT CAST(date_trunc('month', s.due_date + 1) AS DATE) AS entry_month_start,
           s.segment_value, s.j0, sum(s.inc) AS inc
    FROM collection_step_rows($filters, $by) s
    WHERE s.due_date < $as_of
      AND s.j0 <= (SELECT max(day) FROM days)
    GROUP BY ALL
),
months AS (
    SELECT b.entry_month_start, b.segment_value, d.day, b.entered_unpaid,
           coalesce(sum(i.inc), 0) AS recovered,
           last_day(b.entry_month_start) - 1 + d.day <= $as_of AS mature
    FROM bases b
    CROSS JOIN days d
    LEFT JOIN increments i
      ON i.entry_month_start = b.entry_month_start
     AND i.segment_value = b.segment_value
     AND i.j0 <= d.day
    GROUP BY b.entry_month_start, b.segment_value, d.day, b.entered_unpaid
)
SELECT strftime(entry_month_start, '%Y-%m') AS entry_month, segment_value, day,
       CAST(entered_unpaid AS DECIMAL(18, 2)) AS entered_unpaid,
       CAST(CASE WHEN mature THEN recovered END AS DECIMAL(18, 2)) AS recovered,
       CASE WHEN mature
            THEN CAST(recovered AS DOUBLE) / nullif(CAST(entered_unpaid AS DOUBLE), 0) END AS rate,
       mature
FROM months
ORDER BY entry_month, segment_value, day;
