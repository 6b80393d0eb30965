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
JOIN seg_groups(split) g USING (seg_id)
JOIN (SELECT seg_id AS kept_seg FROM seg_filter(filters)) ON kept_seg = e.seg_id
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
JOIN seg_groups(split) g USING (seg_id)
JOIN (SELECT seg_id AS kept_seg FROM seg_filter(filters)) ON kept_seg = s.seg_id
WHERE NOT (len(filters) = 0 AND split = '');
