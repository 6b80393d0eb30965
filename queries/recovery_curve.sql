-- recovery_curve (回收率曲线, METRICS.md §8): for installments entering collection in a month
-- (not paid off at the end of the due date; loans ended by the due date excluded; entry month =
-- month of due_date + 1), the share of the amount then unpaid that is recovered by day j after the
-- due date, j = 1..$max_day. Day j of an entry counts only when due_date + j is on or before the
-- as-of date: unobserved days are left out, never counted as zero.
-- Grain: one row per entry month (YYYY-MM), segment value and day.
-- Parameters: $as_of, $filters, $by, $max_day.
WITH bases AS (
    -- entries and steps come derived (48_collection_entry, summed for the whole book in
    -- 94_marts_whole_book): no lookups here
    SELECT month_key(e.due_date + 1) AS entry_month, e.segment_value,
           CAST(least($max_day::INTEGER, $as_of::DATE - e.due_date) AS INTEGER) AS max_j,
           sum(e.amount_due - e.paid_at_due) AS base
    FROM collection_entry_rows($filters, $by) e
    WHERE e.due_date < $as_of
    GROUP BY ALL
),
increments AS (
    -- summed per day j0 before the join with the days (which multiplies rows by $max_day)
    SELECT month_key(s.due_date + 1) AS entry_month, s.segment_value,
           CAST(least($max_day::INTEGER, $as_of::DATE - s.due_date) AS INTEGER) AS max_j,
           s.j0, sum(s.inc) AS inc
    FROM collection_step_rows($filters, $by) s
    WHERE s.due_date < $as_of
      AND s.j0 <= least($max_day::INTEGER, $as_of::DATE - s.due_date)
    GROUP BY ALL
),
days AS (SELECT unnest(range(1, $max_day::INTEGER + 1)) AS day),
numerators AS (
    SELECT i.entry_month, i.segment_value, d.day, sum(i.inc) AS recovered
    FROM increments i JOIN days d ON i.max_j >= d.day AND i.j0 <= d.day
    GROUP BY ALL
),
denominators AS (
    SELECT b.entry_month, b.segment_value, d.day, sum(b.base) AS base
    FROM bases b JOIN days d ON b.max_j >= d.day
    GROUP BY ALL
)
SELECT month_label(d.entry_month) AS entry_month, d.segment_value, d.day,
       CAST(coalesce(n.recovered, 0) AS DECIMAL(18, 2)) AS recovered,
       CAST(d.base AS DECIMAL(18, 2)) AS entered_unpaid,
       CAST(coalesce(n.recovered, 0) AS DOUBLE) / nullif(CAST(d.base AS DOUBLE), 0) AS rate
FROM denominators d
LEFT JOIN numerators n USING (entry_month, segment_value, day)
ORDER BY d.entry_month, d.segment_value, d.day;
