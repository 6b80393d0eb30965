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
