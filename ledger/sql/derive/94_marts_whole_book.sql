-- Whole-book marts for what the per-loan tables serve the pages (the marts of 90-93 have theirs
-- beside them).
-- collection_entry_all, collection_recovery_step_all: 48_collection_entry's tables summed over
-- every segment, for the whole book (no filter, no split; see mart_month_state_all). Grain: one
-- row per due date and paid-off date; one row per due date and recovery day j0 (~100k rows each
-- at a million loans, against ~0.9M and ~0.8M). Read them through collection_entry_rows() and
-- collection_step_rows(), never directly.
CREATE OR REPLACE TABLE collection_entry_all AS
SELECT due_date, paid_off_date,
       CAST(sum(amount_due) AS DECIMAL(18, 2))  AS amount_due,
       CAST(sum(paid_at_due) AS DECIMAL(18, 2)) AS paid_at_due
FROM collection_entry
GROUP BY ALL
ORDER BY due_date, paid_off_date;

CREATE OR REPLACE TABLE collection_recovery_step_all AS
SELECT due_date, j0, CAST(sum(inc) AS DECIMAL(18, 2)) AS inc
FROM collection_recovery_step
GROUP BY ALL
ORDER BY due_date, j0;

-- collection_entry_rows(filters, split): collection_entry's amounts for a query's $filters and
-- $by, with segment_value instead of seg_id (as month_state_rows). Sum the rows.
CREATE OR REPLACE MACRO collection_entry_rows(filters, split) AS TABLE
SELECT due_date, 'all' AS segment_value, paid_off_date, amount_due, paid_at_due
FROM collection_entry_all
WHERE len(filters) = 0 AND split = ''
UNION ALL
SELECT e.due_date, g.segment_value, e.paid_off_date, e.amount_due, e.paid_at_due
FROM collection_entry e
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE NOT (len(filters) = 0 AND split = '');

-- collection_step_rows(filters, split): collection_recovery_step's increments for a query's
-- $filters and $by, with segment_value instead of seg_id. Sum the rows.
CREATE OR REPLACE MACRO collection_step_rows(filters, split) AS TABLE
SELECT due_date, 'all' AS segment_value, j0, inc
FROM collection_recovery_step_all
WHERE len(filters) = 0 AND split = ''
UNION ALL
SELECT s.due_date, g.segment_value, s.j0, s.inc
FROM collection_recovery_step s
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE NOT (len(filters) = 0 AND split = '');

-- loan_first_due_all: the loans by what FPD needs of them (METRICS.md §5), summed over every
-- segment for the whole book (no filter, no split). Grain: one row per disbursement day, first
-- due date, first paid-off date and whether the loan ended by its first due date (~37k rows at a
-- million loans). Read it through first_due_rows(), never directly.
CREATE OR REPLACE TABLE loan_first_due_all AS
SELECT cohort, disbursed_date, first_due_date, first_paid_off_date,
       coalesce(coalesce(close_day, wo_date) <= first_due_date, false) AS ended_by_due,
       count(*) AS loans
FROM loan_status
GROUP BY ALL
ORDER BY cohort, disbursed_date, first_due_date, first_paid_off_date;

-- loan_first_due_by: the same per value of each segment, for a split with no filter (the early
-- warning page's FPD by risk grade). Grain: one row per segment, value and the columns above.
CREATE OR REPLACE TABLE loan_first_due_by AS
SELECT v.segment, v.value AS segment_value, l.cohort, l.disbursed_date, l.first_due_date,
       l.first_paid_off_date,
       coalesce(coalesce(l.close_day, l.wo_date) <= l.first_due_date, false) AS ended_by_due,
       count(*) AS loans
FROM loan_status l
JOIN segment_values v USING (seg_id)
GROUP BY ALL
ORDER BY segment, segment_value, cohort, disbursed_date, first_due_date, first_paid_off_date;

-- first_due_rows(filters, split): the loans for a query's $filters and $by as loan_first_due_all
-- has them, with segment_value (whole book: loan_first_due_all; a split with no filter:
-- loan_first_due_by; else the loans). Sum `loans`.
CREATE OR REPLACE MACRO first_due_rows(filters, split) AS TABLE
SELECT cohort, 'all' AS segment_value, disbursed_date, first_due_date, first_paid_off_date,
       ended_by_due, loans
FROM loan_first_due_all
WHERE len(filters) = 0 AND split = ''
UNION ALL
SELECT cohort, segment_value, disbursed_date, first_due_date, first_paid_off_date,
       ended_by_due, loans
FROM loan_first_due_by
WHERE len(filters) = 0 AND split <> '' AND segment = split
UNION ALL
SELECT l.cohort, g.segment_value, l.disbursed_date, l.first_due_date, l.first_paid_off_date,
       coalesce(coalesce(l.close_day, l.wo_date) <= l.first_due_date, false), 1
FROM loan_status l
JOIN seg_scope(filters, split) g USING (seg_id)
WHERE len(filters) > 0;
