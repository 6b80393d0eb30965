-- agency_recovery_curve (委外回收曲线): for loans placed with an agency in the period — a
-- placement is the agency's first action on the loan (any channel) up to the as-of date — the
-- share of the past-due amount at placement (end of the day before; METRICS.md §1) recovered by
-- day j: payments on the loan from the placement day to placement day + j, both inclusive, each
-- loan's sum capped at its placed past-due amount (payments on later installments are not
-- credited beyond what was placed). Day j of a placement counts only when placement day + j is on
-- or before the as-of date (immature days are left out, never counted as zero), as in
-- recovery_curve. Placements are compared on like accounts by their bucket at placement.
-- Grain: one row per agency, group value ('' pooled over the period, or placement month YYYY-MM
-- when $by = 'month') and day j = 1..$max_day.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $bucket (bucket at
-- placement; '' = every bucket), $by ('' or 'month'), $max_day.
WITH placed AS (
    SELECT agency, lkey, placed_date, paid_before, placed_past_due AS base,
           CASE $by WHEN 'month' THEN strftime(placed_date, '%Y-%m') ELSE '' END AS group_value,
           CAST(least($max_day::INTEGER, $as_of::DATE - placed_date) AS INTEGER) AS max_j
    FROM agency_placement
    JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
    WHERE placed_date <= $as_of
      AND ($period_start::DATE IS NULL OR placed_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR placed_date <= $period_end::DATE)
      AND ($bucket = '' OR placed_bucket = $bucket)
),
based AS (
    SELECT * FROM placed WHERE max_j >= 1
),
increments AS (
    -- what each payment day in a placement's window adds to its recovered amount (capped at the
    -- placed past-due amount): recovered by this payment day less recovered by the previous
    -- payment day in the window (none when that day is before the placement, or there is none);
    -- summed per day j0 (the first day j whose window includes the payment day) before the join
    -- with the days, which multiplies rows by $max_day
    SELECT b.agency, b.group_value, b.max_j,
           greatest(CAST(p.paid_date - b.placed_date AS INTEGER), 1) AS j0,
           sum(least(p.cum_paid - b.paid_before, b.base)
               - CASE WHEN p.prev_paid_date >= b.placed_date
                      THEN least(p.prev_cum_paid - b.paid_before, b.base) ELSE 0 END) AS inc
    FROM based b
    JOIN placement_pay_days p  -- pay_day from the placements on (84_action_marts.sql)
      ON p.lkey = b.lkey
     AND p.paid_date >= b.placed_date
     AND p.paid_date <= b.placed_date + b.max_j
    WHERE b.base > 0
    GROUP BY ALL
),
days AS (SELECT unnest(range(1, $max_day::INTEGER + 1)) AS day),
numerators AS (
    SELECT i.agency, i.group_value, d.day, sum(i.inc) AS recovered
    FROM increments i JOIN days d ON i.max_j >= d.day AND i.j0 <= d.day
    GROUP BY ALL
),
bases AS (
    SELECT agency, group_value, max_j, count(*) AS placed_accounts, sum(base) AS placed_past_due
    FROM based
    GROUP BY ALL
),
denominators AS (
    SELECT b.agency, b.group_value, d.day, CAST(sum(b.placed_accounts) AS BIGINT) AS placed_accounts,
           sum(b.placed_past_due) AS placed_past_due
    FROM bases b JOIN days d ON b.max_j >= d.day
    GROUP BY ALL
)
SELECT d.agency, d.group_value, d.day, d.placed_accounts,
       CAST(d.placed_past_due AS DECIMAL(18, 2)) AS placed_past_due,
       CAST(coalesce(n.recovered, 0) AS DECIMAL(18, 2)) AS recovered,
       CAST(coalesce(n.recovered, 0) AS DOUBLE) / nullif(CAST(d.placed_past_due AS DOUBLE), 0)
           AS rate
FROM denominators d
LEFT JOIN numerators n USING (agency, group_value, day)
ORDER BY d.agency, d.group_value, d.day;
