-- month_key(d): the month of a date as the integer yyyymm; month_label(k): that as 'YYYY-MM'.
-- Queries group millions of rows by month: the integer key is about five times cheaper per row
-- than strftime or date_trunc, and the label is made once per group.
CREATE OR REPLACE MACRO month_key(d) AS year(d) * 100 + month(d);
CREATE OR REPLACE MACRO month_label(k) AS printf('%04d-%02d', k // 100, k % 100);
-- Accounts worked in a period without a DISTINCT aggregate (queries/channel_*.sql): an action
-- is its loan's first of a group (channel, bucket) in the period exactly when the previous action
-- of that group (prev_in_channel*, 80_action_status.sql) is before the period's first day — or
-- before the action's month's, when the period is split by month. ps: the period's first day
-- (NULL = open).
CREATE OR REPLACE MACRO group_first_day(d, ps, by_month) AS
    CASE WHEN by_month THEN greatest(date_trunc('month', d)::DATE, coalesce(ps, DATE '0001-01-01'))
         ELSE ps END;
CREATE OR REPLACE MACRO first_in_group(prev, first_day) AS
    coalesce(prev < first_day, prev IS NULL);
