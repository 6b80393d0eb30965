-- portfolio_kpis (组合关键指标): the overview's headline figures at each month-end, each with its
-- value at the previous month-end and twelve month-ends earlier and the change against both.
-- KPIs: balance and loans on book; DPD1+/30+/90+ rates by balance and by count (METRICS.md §3);
-- entry rate by amount of the installments due in the month (§4); net flow to loss (principal
-- written off in the month / M0 principal seven month-ends earlier); principal written off in the
-- month (§1); recoveries = payments in the month on loans past due or written off the day before
-- (payment_status.is_recovery, §9).
-- change_1m / change_12m: for rates (unit '%') the difference in rate (0.002 = 0.2 points); for
-- amounts and counts the relative change (0.05 = +5%). NULL when the earlier value is missing or
-- zero (relative) — never 0.
-- Grain: one row per month-end (on or before $as_of, from $period_start's month on) and KPI.
-- Parameters: $as_of, $filters, $period_start (first day of the first month shown; NULL = all;
-- earlier months are still read for the comparisons).
WITH kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
since AS (
    -- the month-end before the earliest one an output row compares with (12 months back)
    SELECT coalesce(CAST(last_day($period_start::DATE - INTERVAL 13 MONTH) AS DATE),
                    DATE '1900-01-01') AS d
),
book AS (
    SELECT month_end,
           sum(loans)                                                  AS loans,
           sum(outstanding_principal)                                  AS balance,
           sum(loans) FILTER (WHERE dpd >= 1)                          AS n1,
           sum(loans) FILTER (WHERE dpd >= 30)                         AS n30,
           sum(loans) FILTER (WHERE dpd >= 90)                         AS n90,
           sum(outstanding_principal) FILTER (WHERE dpd >= 1)          AS b1,
           sum(outstanding_principal) FILTER (WHERE dpd >= 30)         AS b30,
           sum(outstanding_principal) FILTER (WHERE dpd >= 90)         AS b90,
           sum(outstanding_principal) FILTER (WHERE state = 'M0')      AS m0_balance
    FROM month_state_rows($filters, '')
    WHERE month_end <= $as_of
      AND month_end > (SELECT d FROM since) - INTERVAL 8 MONTH  -- net flow's base
      AND on_book(state)
    GROUP BY month_end
),
write_offs AS (
    SELECT event_month_end AS month_end, sum(amount) AS amount
    FROM vintage_rows($filters, '')
    WHERE event = 'write_off'
      AND event_month_end <= $as_of
    GROUP BY ALL
),
entries AS (
    -- grouped by an integer month key, turned into the month-end per group (last_day per row
    -- costs a second at a million loans)
    SELECT CAST(last_day(make_date(k // 100, k % 100, 1)) AS DATE) AS month_end, entered, due
    FROM (
        -- entry_rows: whole months from mart_entry, a month cut by $as_of from the installments
        SELECT due_month AS k, sum(amount_entered) AS entered, sum(amount_due) AS due
        FROM entry_rows($as_of::DATE, $filters, '')
        WHERE due_month > month_key((SELECT d FROM since))
        GROUP BY k
    )
),
recoveries AS (
    SELECT CAST(last_day(make_date(k // 100, k % 100, 1)) AS DATE) AS month_end, amount
    FROM (
        SELECT month_key(paid_date) AS k, sum(amount) AS amount
        FROM payment_status
        JOIN kept ON kept_seg = seg_id
        WHERE is_recovery
          AND paid_date <= $as_of
          AND paid_date > (SELECT d FROM since)
        GROUP BY k
    )
),
wide AS (
    SELECT b.month_end,
           CAST(b.balance AS DOUBLE)                                  AS balance,
           CAST(b.loans AS DOUBLE)                                    AS loans,
           CAST(coalesce(b.b1, 0) AS DOUBLE) / nullif(CAST(b.balance AS DOUBLE), 0)  AS dpd1_balance,
           CAST(coalesce(b.b30, 0) AS DOUBLE) / nullif(CAST(b.balance AS DOUBLE), 0) AS dpd30_balance,
           CAST(coalesce(b.b90, 0) AS DOUBLE) / nullif(CAST(b.balance AS DOUBLE), 0) AS dpd90_balance,
           coalesce(b.n1, 0) / nullif(b.loans, 0)                     AS dpd1_count,
           coalesce(b.n30, 0) / nullif(b.loans, 0)                    AS dpd30_count,
           coalesce(b.n90, 0) / nullif(b.loans, 0)                    AS dpd90_count,
           CAST(coalesce(e.entered, 0) AS DOUBLE) / nullif(CAST(e.due AS DOUBLE), 0) AS entry_rate,
           CAST(coalesce(w.amount, 0) AS DOUBLE)
               / nullif(CAST(base.m0_balance AS DOUBLE), 0)           AS net_flow_to_loss,
           CAST(coalesce(w.amount, 0) AS DOUBLE)                      AS write_offs,
           CAST(coalesce(r.amount, 0) AS DOUBLE)                      AS recoveries
    FROM book b
    LEFT JOIN write_offs w USING (month_end)
    LEFT JOIN entries e USING (month_end)
    LEFT JOIN recoveries r USING (month_end)
    LEFT JOIN book base
      ON base.month_end = CAST(last_day(b.month_end - INTERVAL 7 MONTH) AS DATE)
    WHERE b.month_end > (SELECT d FROM since)
),
kpis (kpi, kpi_order, unit) AS (
    VALUES ('balance', 1, '¥'), ('loans', 2, 'count'),
           ('dpd1_balance', 3, '%'), ('dpd30_balance', 4, '%'), ('dpd90_balance', 5, '%'),
           ('dpd1_count', 6, '%'), ('dpd30_count', 7, '%'), ('dpd90_count', 8, '%'),
           ('entry_rate', 9, '%'), ('net_flow_to_loss', 10, '%'),
           ('write_offs', 11, '¥'), ('recoveries', 12, '¥')
),
long AS (
    UNPIVOT wide
    ON balance, loans, dpd1_balance, dpd30_balance, dpd90_balance, dpd1_count, dpd30_count,
       dpd90_count, entry_rate, net_flow_to_loss, write_offs, recoveries
    INTO NAME kpi VALUE value
),
-- UNPIVOT drops NULL values: put every (month-end, KPI) back so that a missing rate stays NULL
grid AS (
    SELECT w.month_end, k.kpi, k.kpi_order, k.unit, l.value
    FROM (SELECT month_end FROM wide) w
    CROSS JOIN kpis k
    LEFT JOIN long l ON l.month_end = w.month_end AND l.kpi = k.kpi
)
SELECT g.month_end, g.kpi, g.unit, g.value,
       p.value AS prev_month_value,
       CASE WHEN g.unit = '%' THEN g.value - p.value
            ELSE g.value / nullif(p.value, 0) - 1 END AS change_1m,
       y.value AS year_ago_value,
       CASE WHEN g.unit = '%' THEN g.value - y.value
            ELSE g.value / nullif(y.value, 0) - 1 END AS change_12m
FROM grid g
LEFT JOIN grid p
  ON p.kpi = g.kpi AND p.month_end = CAST(last_day(g.month_end - INTERVAL 1 MONTH) AS DATE)
LEFT JOIN grid y
  ON y.kpi = g.kpi AND y.month_end = CAST(last_day(g.month_end - INTERVAL 12 MONTH) AS DATE)
WHERE g.month_end >= coalesce($period_start::DATE, DATE '1900-01-01')
ORDER BY g.month_end, g.kpi_order;
