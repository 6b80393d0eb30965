-- month_key(d): the month of a date as the integer yyyymm; month_label(k): that as 'YYYY-MM'.
-- Queries group millions of rows by month: the integer key is about five times cheaper per row
-- than strftime or date_trunc, and the label is made once per group.
CREATE OR REPLACE MACRO month_key(d) AS year(d) * 100 + month(d);
CREATE OR REPLACE MACRO month_label(k) AS printf('%04d-%02d', k // 100, k % 100);
