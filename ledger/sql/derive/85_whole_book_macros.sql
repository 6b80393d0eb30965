-- whole_book: the macros of a query asked for the whole book in whole months (whole_months():
-- no filter, as-of and period end on month-ends, period start on the first of a month — what
-- every page asks), holding only the branch such a call takes. The query runner
-- (queries/runner.py, whole_book_call) puts this schema first on the query's search path for
-- such calls, so the same .sql file binds these instead of main's.
-- Why: main's macros hold both branches, whole book and per action, and DuckDB binds both before
-- it drops the one not taken: 4-5 ms a macro at a million loans, 10-17 ms of a collections
-- query's 50-90 (bench/RESULTS.md, tenth session). The results are the same rows; a call that
-- is not whole months fails here instead of reading the wrong table. seg_filter() has no
-- version here: queries call it with other lists than $filters (roll_matrix_compare's sides).
CREATE SCHEMA IF NOT EXISTS whole_book;

-- whole_book_only(...): true for a whole-months call, else an error (the runner chose wrong).
CREATE OR REPLACE MACRO whole_book.whole_book_only(filters, as_of, period_start, period_end) AS
    CASE WHEN whole_months(filters, as_of, period_start, period_end) THEN true
         ELSE error('a whole_book macro called for other than whole months of the whole book')
    END;

-- summed_window(window_days): true for an attribution window the derivation summed the
-- recoveries for (derive_settings.recovery_windows), else an error (the runner chose wrong).
CREATE OR REPLACE MACRO whole_book.summed_window(window_days) AS
    CASE WHEN list_contains((SELECT recovery_windows FROM derive_settings), window_days::INTEGER)
         THEN true
         ELSE error('whole_book: no whole-book recovery sums for this attribution window') END;

-- The whole-months branches of main's macros (84_action_marts.sql), guarded.
CREATE OR REPLACE MACRO whole_book.action_counts(filters, as_of, period_start, period_end)
AS TABLE
SELECT *
FROM action_counts_months(as_of, period_start, period_end)
WHERE whole_book.whole_book_only(filters, as_of, period_start, period_end);

CREATE OR REPLACE MACRO whole_book.cap_day_counts(filters, as_of, period_start, period_end,
                                                  split) AS TABLE
SELECT *
FROM cap_day_counts_months(as_of, period_start, period_end, split)
WHERE whole_book.whole_book_only(filters, as_of, period_start, period_end);

CREATE OR REPLACE MACRO whole_book.unit_accounts(filters, as_of, period_start, period_end,
                                                 level) AS TABLE
SELECT *
FROM unit_accounts_months(as_of, period_start, period_end, level)
WHERE whole_book.whole_book_only(filters, as_of, period_start, period_end);

-- recovery_credits(): from recovery_credit_months when the units keep the buckets apart
-- (channel_units_apply), else from the payments (main's). The runner takes this schema only for
-- a window_days the table holds.
CREATE OR REPLACE MACRO whole_book.recovery_credits(filters, as_of, period_start, period_end,
                                                    window_days, split, in_bucket) AS TABLE
SELECT *
FROM recovery_credits_months(as_of, period_start, period_end, window_days, split, in_bucket)
WHERE whole_book.whole_book_only(filters, as_of, period_start, period_end)
  AND channel_units_apply(filters, as_of, period_start, period_end, split, in_bucket)
  AND whole_book.summed_window(window_days)
UNION ALL
SELECT *
FROM main.recovery_credits(filters, as_of, period_start, period_end, window_days, split,
                           in_bucket)
WHERE NOT channel_units_apply(filters, as_of, period_start, period_end, split, in_bucket);

-- unit_recoveries(): from unit_recovery_months (a window the table holds, as above).
CREATE OR REPLACE MACRO whole_book.unit_recoveries(filters, as_of, period_start, period_end,
                                                   window_days, level) AS TABLE
SELECT *
FROM unit_recoveries_months(as_of, period_start, period_end, window_days, level)
WHERE whole_book.whole_book_only(filters, as_of, period_start, period_end)
  AND whole_book.summed_window(window_days);
