-- mart_entry: the installments due, and those entering collection, per due month and segment
-- (METRICS.md §4): installments on loans not closed or written off by their due date; entered =
-- not paid off at the end of the due date. entry_rate and the overview's entry KPI read whole
-- months from here and installment_status only for a month the as-of date cuts (9.6M installments
-- at a million loans against at most months x segments rows here).
-- Grain: one row per due month (yyyymm, month_key) and seg_id.
CREATE OR REPLACE TABLE mart_entry AS
SELECT month_key(due_date) AS due_month,
       seg_id,
       count(*) AS n_due,
       sum(amount_due) AS amount_due,
       count(*) FILTER (WHERE paid_off_date IS NULL OR paid_off_date > due_date) AS n_entered,
       sum(amount_due) FILTER (WHERE paid_off_date IS NULL OR paid_off_date > due_date)
           AS amount_entered
FROM installment_status
WHERE end_day IS NULL OR end_day > due_date
GROUP BY ALL;

-- entry_months_through(as_of): the last due month mart_entry may be read for at `as_of` (the
-- as-of month when as_of is its last day, else the month before); the days after it, up to
-- as_of, are read from installment_status.
CREATE OR REPLACE MACRO entry_months_through(as_of) AS
    CASE WHEN as_of = last_day(as_of) THEN month_key(as_of)
         ELSE month_key(CAST(date_trunc('month', as_of) AS DATE) - 1) END;

-- mart_entry_all: the same summed over every segment, for the whole book (no filter, no split;
-- see mart_month_state_all). Grain: one row per due month. Read it through entry_rows().
CREATE OR REPLACE TABLE mart_entry_all AS
SELECT due_month,
       CAST(sum(n_due) AS BIGINT) AS n_due,
       sum(amount_due) AS amount_due,
       CAST(sum(n_entered) AS BIGINT) AS n_entered,
       sum(amount_entered) AS amount_entered
FROM mart_entry
GROUP BY due_month
ORDER BY due_month;

-- entry_rows(as_of, filters, split): the entry counts and amounts per due month up to as_of for a
-- query's $filters and $by, with segment_value (seg_groups) — whole months from mart_entry (from
-- mart_entry_all for the whole book), the days of a month cut by as_of from installment_status.
-- The one source of entry_rate and the overview's entry KPI. Columns: due_month, segment_value,
-- amount_entered, amount_due, n_entered, n_due (several rows per month and value; sum them).
CREATE OR REPLACE MACRO entry_rows(as_of, filters, split) AS TABLE
SELECT due_month, 'all' AS segment_value, amount_entered, amount_due, n_entered, n_due
FROM mart_entry_all
WHERE len(filters) = 0 AND split = ''
  AND due_month <= entry_months_through(as_of)
UNION ALL
SELECT e.due_month, g.segment_value, e.amount_entered, e.amount_due, e.n_entered, e.n_due
FROM mart_entry e
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE NOT (len(filters) = 0 AND split = '')
  AND e.due_month <= entry_months_through(as_of)
UNION ALL
SELECT month_key(i.due_date), g.segment_value,
       CASE WHEN i.paid_off_date IS NULL OR i.paid_off_date > i.due_date THEN i.amount_due END,
       i.amount_due,
       CAST(i.paid_off_date IS NULL OR i.paid_off_date > i.due_date AS INTEGER),
       1
FROM installment_status i
JOIN seg_scope(filters, split) g USING (seg_id)
-- no month is cut when as_of is a month-end (the pages' as-of dates): the first condition skips
-- the scan then (50 ms at 1M loans, for no row)
WHERE as_of <> last_day(as_of)
  AND i.due_date >= CAST(date_trunc('month', as_of) AS DATE)
  AND i.due_date <= as_of
  AND month_key(i.due_date) > entry_months_through(as_of)
  AND (i.end_day IS NULL OR i.end_day > i.due_date);
