-- The collections pages' smaller copies of action_status (METRICS.md §9-10). At a million loans
-- the channels, agencies and conduct pages counted ~10M actions per view (1.2-1.7 s warm).
-- - Whole-book monthly tables, read when whole_months() holds (no filter, month-aligned dates,
--   as the sidebar gives): action_month_cube (counts), cap_day_months (borrower-days over a cap),
--   unit_account_months and channel_unit_months (distinct loans as sums over months: each loan
--   counted once per month with the last earlier month it was seen in), plan_conduct_months.
-- - Subsets read for any filter and dates: conduct_flagged (the actions breaking a rule), the
--   plan loans' actions, installments and payment days, the placed loans' payment days.
-- Both paths are checked against each other and the reference in
-- tests/test_reference_vs_sql.py::test_whole_month_collection_counts and in
-- tests/test_collections_queries.py. About 12 s of the 1M derivation (bench/RESULTS.md).

-- action_month_cube: action_status's counts summed over every segment, per month of the action,
-- channel, bucket at action time, agency and agent. ptp_due_month (the month of the PTP's date,
-- for the due PTPs) is kept so that a query can count only the PTPs due by its own as-of
-- month-end. Grain: one row per month, channel, bucket, agency, agent and ptp_due_month (~60k
-- rows at a million loans). Read it through action_counts(), never directly.
CREATE OR REPLACE TABLE action_month_cube AS
SELECT
    month_key(action_date)                              AS month,
    channel,
    bucket,
    agency,
    agent_id,
    CASE WHEN ptp_due THEN month_key(ptp_date) END     AS ptp_due_month,
    count(*)                                            AS attempts,
    count(*) FILTER (WHERE rpc)                         AS rpc,
    count(*) FILTER (WHERE is_ptp)                      AS ptp,
    count(*) FILTER (WHERE ptp_due)                     AS ptp_due,
    count(*) FILTER (WHERE ptp_kept)                    AS ptp_kept,
    CAST(sum(cost) AS DECIMAL(18, 4))                   AS cost,
    count(*) FILTER (WHERE complaint)                   AS complaints,
    count(*) FILTER (WHERE outside_hours)               AS outside_hours,
    count(*) FILTER (WHERE non_borrower_contact)        AS non_borrower_contacts
FROM action_status
GROUP BY ALL
ORDER BY month, channel, bucket, agency, agent_id, ptp_due_month;

-- whole_months(filters, as_of, period_start, period_end): whether a query may read the cube —
-- no segment filter, an as-of and period end on a month-end and a period start on the first of
-- a month (what the pages' sidebar gives). Then "on or before the as-of date" and "in the
-- period" are questions about months. Other calls read action_status.
CREATE OR REPLACE MACRO whole_months(filters, as_of, period_start, period_end) AS
    len(filters) = 0
    AND last_day(as_of::DATE) = as_of::DATE
    AND (period_start::DATE IS NULL OR day(period_start::DATE) = 1)
    AND (period_end::DATE IS NULL OR last_day(period_end::DATE) = period_end::DATE);

-- action_counts(filters, as_of, period_start, period_end): the actions a query's parameters keep
-- (action date on or before as_of and in the period, loans in the filter's segments), as counts
-- per month (month_key), channel, bucket, agency and agent: from action_month_cube when
-- whole_months() allows it, else from action_status, one row per action. DuckDB drops the branch
-- not taken: the conditions are constants once the parameters are bound. A PTP counts as due
-- (and kept) only once its date is on or before as_of. Sum the rows. action_counts_months() is
-- the whole-months branch, which whole_book.action_counts (85_whole_book_macros.sql) takes alone.
CREATE OR REPLACE MACRO action_counts_months(as_of, period_start, period_end) AS TABLE
SELECT month, channel, bucket, agency, agent_id, attempts, rpc, ptp,
       CASE WHEN ptp_due_month <= month_key(as_of::DATE) THEN ptp_due ELSE 0 END AS ptp_due,
       CASE WHEN ptp_due_month <= month_key(as_of::DATE) THEN ptp_kept ELSE 0 END AS ptp_kept,
       cost, complaints, outside_hours, non_borrower_contacts
FROM action_month_cube
WHERE month <= month_key(as_of::DATE)
  AND (period_start::DATE IS NULL OR month >= month_key(period_start::DATE))
  AND (period_end::DATE IS NULL OR month <= month_key(period_end::DATE));

CREATE OR REPLACE MACRO action_counts(filters, as_of, period_start, period_end) AS TABLE
SELECT *
FROM action_counts_months(as_of, period_start, period_end)
WHERE whole_months(filters, as_of, period_start, period_end)
UNION ALL
SELECT month_key(a.action_date), a.channel, a.bucket, a.agency, a.agent_id,
       1, CAST(a.rpc AS BIGINT), CAST(a.is_ptp AS BIGINT),
       CAST(a.ptp_due AND a.ptp_date <= as_of::DATE AS BIGINT),
       CAST(a.ptp_kept AND a.ptp_date <= as_of::DATE AS BIGINT),
       a.cost, CAST(a.complaint AS BIGINT), CAST(a.outside_hours AS BIGINT),
       CAST(a.non_borrower_contact AS BIGINT)
FROM action_status a
JOIN seg_filter(filters) k USING (seg_id)
WHERE NOT whole_months(filters, as_of, period_start, period_end)
  AND a.action_date <= as_of::DATE
  AND (period_start::DATE IS NULL OR a.action_date >= period_start::DATE)
  AND (period_end::DATE IS NULL OR a.action_date <= period_end::DATE);

-- conduct_flagged: the actions breaking a conduct rule (outside hours, a non-borrower contact, a
-- complaint, a phone/ivr action on a borrower-day over a cap), with what the conduct drill-down
-- shows. A borrower-day over a cap flags every phone/ivr action of that day, so the day's calls
-- are all here. Grain: one row per flagged action (~1M of ~10M at a million loans), newest
-- first.
CREATE OR REPLACE TABLE conduct_flagged AS
SELECT action_id, lkey, bkey, seg_id, action_at, action_date, channel, agency, agent_id, outcome,
       contact_target, bucket, rpc, complaint, outside_hours, non_borrower_contact,
       over_connected_day, over_dial_day
FROM action_status
WHERE outside_hours OR non_borrower_contact OR complaint OR over_connected_day OR over_dial_day
ORDER BY action_at DESC, action_id;

-- split_value(split, channel, agency, agent_id): an action's group for a split of the cap days
-- ('channel', 'agency', 'agent'; '' for split ''), as cap_day_months and cap_day_counts group.
CREATE OR REPLACE MACRO split_value(split, channel, agency, agent_id) AS
    CASE split WHEN 'channel' THEN channel
               WHEN 'agency' THEN agency
               WHEN 'agent' THEN agent_id
               ELSE '' END;

-- cap_day_months: the borrower-days over a cap (compliance, METRICS.md §10) for the whole book,
-- counted per month and per group of each split: a borrower-day counts once overall (split '')
-- and once for each channel, agency or agent with a flagged phone/ivr action in it. A borrower-day
-- lies in one month, so the months of a period add up. group_value is NULL for the actions
-- without an agency (agent), '' for split ''. Grain: one row per split (split_by), group value
-- and month.
-- Read it through cap_day_counts(), never directly.
CREATE OR REPLACE TABLE cap_day_months AS
SELECT split_by, group_value, month,
       count(*) FILTER (WHERE over_connected) AS over_connected_days,
       count(*) FILTER (WHERE over_dial) AS over_dial_days
FROM (
    SELECT DISTINCT
           s.split_by,
           split_value(s.split_by, f.channel, f.agency, f.agent_id) AS group_value,
           month_key(f.action_date) AS month, f.bkey, f.action_date,
           f.over_connected_day AS over_connected, f.over_dial_day AS over_dial
    FROM conduct_flagged f
    CROSS JOIN (VALUES (''), ('channel'), ('agency'), ('agent')) AS s(split_by)
    WHERE f.over_connected_day OR f.over_dial_day
)
GROUP BY ALL
ORDER BY split_by, group_value, month;

-- cap_day_counts(filters, as_of, period_start, period_end, split): the borrower-days over the
-- connected-call cap and over the dial cap among the flagged actions a query's parameters keep,
-- per month and group value of `split` ('', 'channel', 'agency', 'agent'; group_value as in
-- cap_day_months): from cap_day_months when whole_months() allows it, else counted from
-- conduct_flagged. Sum the rows over months for a period. cap_day_counts_months(): the
-- whole-months branch (also whole_book.cap_day_counts).
CREATE OR REPLACE MACRO cap_day_counts_months(as_of, period_start, period_end, split) AS TABLE
SELECT group_value, month, over_connected_days, over_dial_days
FROM cap_day_months c
WHERE c.split_by = split
  AND month <= month_key(as_of::DATE)
  AND (period_start::DATE IS NULL OR month >= month_key(period_start::DATE))
  AND (period_end::DATE IS NULL OR month <= month_key(period_end::DATE));

CREATE OR REPLACE MACRO cap_day_counts(filters, as_of, period_start, period_end, split) AS TABLE
SELECT *
FROM cap_day_counts_months(as_of, period_start, period_end, split)
WHERE whole_months(filters, as_of, period_start, period_end)
UNION ALL
SELECT group_value, month,
       count(*) FILTER (WHERE over_connected) AS over_connected_days,
       count(*) FILTER (WHERE over_dial) AS over_dial_days
FROM (
    SELECT DISTINCT
           split_value(split, f.channel, f.agency, f.agent_id) AS group_value,
           month_key(f.action_date) AS month, f.bkey, f.action_date,
           f.over_connected_day AS over_connected, f.over_dial_day AS over_dial
    FROM conduct_flagged f
    JOIN seg_filter(filters) k USING (seg_id)
    WHERE NOT whole_months(filters, as_of, period_start, period_end)
      AND (f.over_connected_day OR f.over_dial_day)
      AND f.action_date <= as_of::DATE
      AND (period_start::DATE IS NULL OR f.action_date >= period_start::DATE)
      AND (period_end::DATE IS NULL OR f.action_date <= period_end::DATE)
)
GROUP BY ALL;

-- unit_account_months: the loans each agency and each agent worked, for the whole book, as
-- counts that add up over any run of months to distinct loans. A loan counts in every month with
-- an action of the unit on it, with the month of the unit's previous action on it (prev_month,
-- NULL for the first): the distinct loans of months a..b are the rows of those months whose
-- prev_month is before a (or NULL); those of one month are all its rows. split_by is 'agency' or
-- 'agent', unit the agency or agent id. Grain: one row per split, unit, month and prev_month.
-- Read it through unit_accounts(), never directly.
CREATE OR REPLACE TABLE unit_account_months AS
WITH worked AS (
    SELECT DISTINCT s.split_by,
           CASE s.split_by WHEN 'agency' THEN a.agency ELSE a.agent_id END AS unit,
           a.lkey, month_key(a.action_date) AS month
    FROM action_status a
    CROSS JOIN (VALUES ('agency'), ('agent')) AS s(split_by)
    WHERE (CASE s.split_by WHEN 'agency' THEN a.agency ELSE a.agent_id END) IS NOT NULL
)
SELECT split_by, unit, month, prev_month, count(*) AS accounts
FROM (
    SELECT split_by, unit, month,
           lag(month) OVER (PARTITION BY split_by, unit, lkey ORDER BY month) AS prev_month
    FROM worked
)
GROUP BY ALL
ORDER BY split_by, unit, month, prev_month;

-- unit_accounts(filters, as_of, period_start, period_end, level): the distinct loans each agency
-- (level 'agency') or agent ('agent') acted on in a query's period, from unit_account_months when
-- whole_months() allows it, else counted from action_status. Grain: one row per unit.
-- unit_accounts_months(): the whole-months branch (also whole_book.unit_accounts).
CREATE OR REPLACE MACRO unit_accounts_months(as_of, period_start, period_end, level) AS TABLE
SELECT unit, CAST(sum(accounts) AS BIGINT) AS accounts
FROM unit_account_months
WHERE split_by = level
  AND month <= month_key(as_of::DATE)
  AND (period_start::DATE IS NULL OR month >= month_key(period_start::DATE))
  AND (period_end::DATE IS NULL OR month <= month_key(period_end::DATE))
  -- the loan's first month in the period: no earlier month, or the last one before the period
  AND (prev_month IS NULL OR prev_month < month_key(period_start::DATE))
GROUP BY unit;

CREATE OR REPLACE MACRO unit_accounts(filters, as_of, period_start, period_end, level) AS TABLE
SELECT *
FROM unit_accounts_months(as_of, period_start, period_end, level)
WHERE whole_months(filters, as_of, period_start, period_end)
UNION ALL
SELECT CASE level WHEN 'agency' THEN a.agency ELSE a.agent_id END AS unit,
       count(DISTINCT a.lkey) AS accounts
FROM action_status a
JOIN seg_filter(filters) k USING (seg_id)
WHERE NOT whole_months(filters, as_of, period_start, period_end)
  AND a.action_date <= as_of::DATE
  AND (period_start::DATE IS NULL OR a.action_date >= period_start::DATE)
  AND (period_end::DATE IS NULL OR a.action_date <= period_end::DATE)
  AND (CASE level WHEN 'agency' THEN a.agency ELSE a.agent_id END) IS NOT NULL
GROUP BY 1;

-- channel_unit_months: the channels pages' units (METRICS.md §9) for the whole book, counted: a
-- unit is a loan, a channel and the bucket at action time, taken once per month with an action of
-- that channel on the loan in that bucket. first_day is the unit's first action day of the month,
-- prev_month the previous month with one (NULL for the first). The distinct loans of months a..b
-- are the units of those months whose prev_month is before a (or NULL), and first_day is then the
-- start day in the period (channel_cure's s); the units of one month are all its rows.
-- cure_in (M1..M6 only): the days from first_day to the first day at whose end the loan is at
-- DPD 0 or closed other than by write-off, found as channel_cure finds it; NULL when there is
-- none, or it is not before the write-off. Grain: one row per bucket, channel, month, prev_month,
-- first_day and cure_in, with the number of units (~0.8M rows for ~4.7M units and ~10M actions
-- at a million loans). Read it only under whole_months().
CREATE OR REPLACE TABLE channel_unit_months AS
WITH firsts AS (
    SELECT lkey, channel, bucket, month_key(action_date) AS month, min(action_date) AS first_day
    FROM action_status
    GROUP BY ALL
),
units AS (
    SELECT *, lag(month) OVER (PARTITION BY lkey, channel, bucket ORDER BY month) AS prev_month
    FROM firsts
),
cure_points AS (
    -- days at whose end the loan is at DPD 0: an installment paid off, the next not yet overdue
    SELECT lkey, paid_off_date AS cure_day
    FROM installment_status
    WHERE paid_off_date IS NOT NULL AND (next_due_date IS NULL OR next_due_date >= paid_off_date)
),
cured AS (
    SELECT u.bucket, u.channel, u.month, u.prev_month, u.first_day,
           least(c.cure_day, CASE WHEN l.close_day >= u.first_day THEN l.close_day END) AS cure_day,
           l.wo_date
    FROM (SELECT * FROM units WHERE bucket IN ('M1', 'M2', 'M3', 'M4', 'M5', 'M6')) u
    ASOF LEFT JOIN cure_points c ON c.lkey = u.lkey AND u.first_day <= c.cure_day
    JOIN loan_status l ON l.lkey = u.lkey
)
SELECT bucket, channel, month, prev_month, first_day, cure_in, count(*) AS units
FROM (
    SELECT bucket, channel, month, prev_month, first_day,
           CASE WHEN wo_date IS NULL OR cure_day < wo_date THEN cure_day - first_day END AS cure_in
    FROM cured
    UNION ALL
    SELECT bucket, channel, month, prev_month, first_day, NULL
    FROM units
    WHERE bucket NOT IN ('M1', 'M2', 'M3', 'M4', 'M5', 'M6')
)
GROUP BY ALL
ORDER BY bucket, month, channel;

-- channel_units_apply(filters, as_of, period_start, period_end, split, bucket): whether
-- channel_performance (split = its $by) and channel_trend (split 'month') may take their counts
-- from action_counts' cube and their accounts from channel_unit_months: whole months, and units
-- that keep the buckets apart (one bucket, or split by bucket) — over every bucket, a loan in
-- two buckets is one account, which the units cannot tell.
CREATE OR REPLACE MACRO channel_units_apply(filters, as_of, period_start, period_end, split,
                                            bucket) AS
    whole_months(filters, as_of, period_start, period_end)
    AND split IN ('', 'bucket', 'month')
    AND (bucket <> '' OR split = 'bucket');

-- credited_channel(touched, last_channel), credited_bucket(touched, last_action_bucket,
-- state_before): where a collection recovery is credited (METRICS.md §9) — to the channel of the
-- latest action within the attribution window before it (touched; the payment day included),
-- in that action's bucket, or else to '(no action)', in the loan's state the day before the
-- payment. The one statement of the rule for recovery_credits() and recovery_credit_months.
CREATE OR REPLACE MACRO credited_channel(touched, last_channel) AS
    CASE WHEN touched THEN last_channel ELSE '(no action)' END;
CREATE OR REPLACE MACRO credited_bucket(touched, last_action_bucket, state_before) AS
    CASE WHEN touched THEN last_action_bucket ELSE state_before END;

-- recovery_credits(filters, as_of, period_start, period_end, window_days, split, in_bucket):
-- what channel_performance and channel_trend read: the collection recoveries of payments in a
-- query's period, credited within window_days (credited_channel, credited_bucket), summed per
-- channel and group of `split`
-- (group_text for 'bucket', 'agency', 'agent' or ''; group_month, a month_key, for 'month'),
-- with the distinct loans recovered; in_bucket ('' = every bucket) keeps one bucket. Read from
-- the payments; whole_book.recovery_credits (85_whole_book_macros.sql) reads
-- recovery_credit_months where it can. Grain: one row per channel and group.
CREATE OR REPLACE MACRO recovery_credits(filters, as_of, period_start, period_end, window_days,
                                         split, in_bucket) AS TABLE
WITH credited AS (
    SELECT p.*, coalesce(p.touch_days <= window_days::INTEGER, false) AS touched
    FROM payment_status p
    JOIN seg_filter(filters) k USING (seg_id)
    WHERE p.is_recovery
      AND p.paid_date <= as_of::DATE
      AND (period_start::DATE IS NULL OR p.paid_date >= period_start::DATE)
      AND (period_end::DATE IS NULL OR p.paid_date <= period_end::DATE)
)
SELECT
    credited_channel(touched, last_channel) AS channel,
    CASE split WHEN 'bucket' THEN credited_bucket(touched, last_action_bucket, state_before)
               WHEN 'agency' THEN coalesce(CASE WHEN touched THEN last_agency END, '(none)')
               WHEN 'agent' THEN coalesce(CASE WHEN touched THEN last_agent_id END, '(none)')
               ELSE '' END AS group_text,
    CASE WHEN split = 'month' THEN month_key(paid_date) ELSE 0 END AS group_month,
    sum(amount) AS recovered,
    count(DISTINCT lkey) AS recovered_accounts
FROM credited
WHERE in_bucket = '' OR credited_bucket(touched, last_action_bucket, state_before) = in_bucket
GROUP BY ALL;

-- recovery_credit_months: the whole book's collection recoveries credited as
-- recovery_credits() credits them, for each attribution window of
-- derive_settings.recovery_windows (credit_window), summed per month, channel and bucket. A loan
-- counts once per month with a recovery credited to that channel in that bucket, with the last
-- earlier such month (prev_month, as in channel_unit_months), so that distinct loans add up over
-- months.
-- Grain: one row per window, bucket, channel, month and prev_month. Read it through
-- whole_book.recovery_credits (85_whole_book_macros.sql).
CREATE OR REPLACE TABLE recovery_credit_months AS
WITH credited AS (
    SELECT w.credit_window, p.lkey, month_key(p.paid_date) AS month, p.amount,
           coalesce(p.touch_days <= w.credit_window, false) AS touched,
           p.last_channel, p.last_action_bucket, p.state_before
    FROM payment_status p
    CROSS JOIN (SELECT unnest(recovery_windows) AS credit_window FROM derive_settings) w
    WHERE p.is_recovery
),
loan_months AS (
    SELECT credit_window,
           credited_bucket(touched, last_action_bucket, state_before) AS bucket,
           credited_channel(touched, last_channel) AS channel,
           month, lkey, sum(amount) AS amount
    FROM credited
    GROUP BY ALL
)
SELECT credit_window, bucket, channel, month, prev_month, count(*) AS loans, sum(amount) AS amount
FROM (
    SELECT *, lag(month) OVER (PARTITION BY credit_window, lkey, channel, bucket ORDER BY month)
                  AS prev_month
    FROM loan_months
)
GROUP BY ALL
ORDER BY credit_window, bucket, month, channel;

-- recovery_credits_months(as_of, period_start, period_end, window_days, split, in_bucket):
-- recovery_credits()'s rows from recovery_credit_months, for whole months of the whole
-- book where the units keep the buckets apart (channel_units_apply) and window_days is one of
-- the table's: the distinct loans of a group over the period are its rows whose prev_month is
-- before the period (every row of a month when split by month).
CREATE OR REPLACE MACRO recovery_credits_months(as_of, period_start, period_end, window_days,
                                                split, in_bucket) AS TABLE
SELECT channel,
       CASE split WHEN 'bucket' THEN bucket ELSE '' END AS group_text,
       CASE WHEN split = 'month' THEN month ELSE 0 END AS group_month,
       sum(amount) AS recovered,
       CAST(sum(loans) FILTER (
           WHERE split = 'month' OR prev_month IS NULL
              OR prev_month < month_key(period_start::DATE)) AS BIGINT) AS recovered_accounts
FROM recovery_credit_months r
WHERE r.credit_window = window_days::INTEGER
  AND (in_bucket = '' OR bucket = in_bucket)
  AND month <= month_key(as_of::DATE)
  AND (period_start::DATE IS NULL OR month >= month_key(period_start::DATE))
  AND (period_end::DATE IS NULL OR month <= month_key(period_end::DATE))
GROUP BY ALL;

-- unit_recoveries(filters, as_of, period_start, period_end, window_days, level): what
-- agency_league reads: the collection recoveries of payments in a query's period credited to an
-- agency (level 'agency') or agent ('agent'), the one of the latest action within window_days
-- before the payment (the payment day included). unit is NULL for a payment credited to no
-- action, or to an action without one. Read from the payments; whole_book.unit_recoveries reads
-- unit_recovery_months. Grain: one row per unit.
CREATE OR REPLACE MACRO unit_recoveries(filters, as_of, period_start, period_end, window_days,
                                        level) AS TABLE
SELECT CASE level WHEN 'agency' THEN p.last_agency ELSE p.last_agent_id END AS unit,
       sum(p.amount) AS recovered
FROM payment_status p
JOIN seg_filter(filters) k USING (seg_id)
WHERE p.is_recovery
  AND p.touch_days <= window_days::INTEGER
  AND p.paid_date <= as_of::DATE
  AND (period_start::DATE IS NULL OR p.paid_date >= period_start::DATE)
  AND (period_end::DATE IS NULL OR p.paid_date <= period_end::DATE)
GROUP BY 1;

-- unit_recovery_months: the sums of unit_recoveries() for the whole book, per attribution
-- window of derive_settings.recovery_windows (credit_window), split_by ('agency', 'agent'), unit
-- and month. Grain: one row per window, split, unit and month. Read it through
-- whole_book.unit_recoveries.
CREATE OR REPLACE TABLE unit_recovery_months AS
SELECT w.credit_window, s.split_by,
       CASE s.split_by WHEN 'agency' THEN p.last_agency ELSE p.last_agent_id END AS unit,
       month_key(p.paid_date) AS month,
       sum(p.amount) AS recovered
FROM payment_status p
CROSS JOIN (SELECT unnest(recovery_windows) AS credit_window FROM derive_settings) w
CROSS JOIN (VALUES ('agency'), ('agent')) AS s(split_by)
WHERE p.is_recovery AND p.touch_days <= w.credit_window
GROUP BY ALL
ORDER BY ALL;

-- unit_recoveries_months(as_of, period_start, period_end, window_days, level): the same sums
-- from unit_recovery_months, for whole months of the whole book.
CREATE OR REPLACE MACRO unit_recoveries_months(as_of, period_start, period_end, window_days,
                                               level) AS TABLE
SELECT unit, sum(recovered) AS recovered
FROM unit_recovery_months r
WHERE r.credit_window = window_days::INTEGER
  AND r.split_by = level
  AND month <= month_key(as_of::DATE)
  AND (period_start::DATE IS NULL OR month >= month_key(period_start::DATE))
  AND (period_end::DATE IS NULL OR month <= month_key(period_end::DATE))
GROUP BY unit;

-- plan_actions: the repayment-plan actions (channel 'repayment_plan'), ~0.2% of the actions,
-- which the plan queries read for any filter and dates instead of scanning every action's
-- channel. Grain: one row per action.
CREATE OR REPLACE TABLE plan_actions AS
SELECT lkey, seg_id, action_date, outcome
FROM action_status
WHERE channel = 'repayment_plan'
ORDER BY lkey, action_date;

-- plan_outcomes: what repayment_plans needs of each loan offered a plan, for any as-of date,
-- period, filter and terms: its first repayment_plan action (offered_date) and first plan_agreed
-- one (agreed_date; NULL if none), and, followed from each possible start day (the offer day,
-- o_*, and the agreement day, a_*):
-- - *_cure_day: the first day from the start on at whose end the loan is at DPD 0 or closed
--   (not written off), before any write-off: the start day itself when the loan is at DPD 0 or
--   closed at its end, else the first later day an installment is paid off with none due before
--   that day left unpaid (next_due_date on or after it), or the closing day; NULL if none;
-- - *_redefaulted: whether, after that cure day, an installment falling due on or after it is
--   still unpaid 30 days after its due date, that day within 90 days of the cure and before
--   any closing (DPD 30 again within 90 days);
-- - a_first_unpaid_window: the first 30-day window (s + 30(w-1), s + 30w] after the agreement
--   day s without a payment (w = 1, 2, ...): a plan is kept for k months when it is over k.
-- The as-of date of a query decides which start applies (agreed on or before it or not) and
-- what is due; the days are read from tables derived as of the data's as-of date, as before.
-- Grain: one row per loan with a repayment_plan action (~10k at a million loans), where the
-- query looked the loans' installments and payment days up each time (~30 operators).
CREATE OR REPLACE TABLE plan_outcomes AS
WITH plans AS (
    SELECT lkey, any_value(seg_id) AS seg_id,
           min(action_date) AS offered_date,
           min(action_date) FILTER (WHERE outcome = 'plan_agreed') AS agreed_date
    FROM plan_actions
    GROUP BY lkey
),
starts AS (
    SELECT lkey, 'o' AS kind, offered_date AS start_day FROM plans
    UNION ALL
    SELECT lkey, 'a', agreed_date FROM plans WHERE agreed_date IS NOT NULL
),
insts AS (
    SELECT lkey, due_date, paid_off_date, next_due_date
    FROM installment_status
    WHERE lkey IN (SELECT lkey FROM plans)
),
ended AS (
    SELECT lkey, close_day, wo_date
    FROM loan_status
    WHERE lkey IN (SELECT lkey FROM plans)
),
at_start AS (
    -- at DPD 0 at the end of the start day: no installment due before it unpaid at its end
    SELECT st.lkey, st.kind, st.start_day,
           NOT EXISTS (
               SELECT 1 FROM insts i
               WHERE i.lkey = st.lkey AND i.due_date < st.start_day
                 AND (i.paid_off_date IS NULL OR i.paid_off_date > st.start_day)
           ) AS dpd0_at_start
    FROM starts st
),
later_cures AS (
    SELECT st.lkey, st.kind, min(i.paid_off_date) AS cure_day
    FROM starts st
    JOIN insts i ON i.lkey = st.lkey
    WHERE i.paid_off_date >= st.start_day
      AND (i.next_due_date IS NULL OR i.next_due_date >= i.paid_off_date)
    GROUP BY ALL
),
cures AS (
    SELECT a.lkey, a.kind, a.start_day, e.close_day,
           CASE
               WHEN e.wo_date <= a.start_day THEN NULL
               WHEN e.close_day <= a.start_day OR a.dpd0_at_start THEN a.start_day
               ELSE least(c.cure_day, e.close_day)
           END AS first_ok,
           e.wo_date
    FROM at_start a
    JOIN ended e USING (lkey)
    LEFT JOIN later_cures c USING (lkey, kind)
),
cured AS (
    SELECT lkey, kind, start_day, close_day,
           CASE WHEN wo_date IS NULL OR first_ok < wo_date THEN first_ok END AS cure_day
    FROM cures
),
redefaults AS (
    SELECT DISTINCT c.lkey, c.kind
    FROM cured c
    JOIN insts i ON i.lkey = c.lkey
    WHERE i.due_date >= c.cure_day
      AND i.due_date + 30 <= c.cure_day + 90
      AND (i.paid_off_date IS NULL OR i.paid_off_date > i.due_date + 30)
      AND (c.close_day IS NULL OR c.close_day > i.due_date + 30)
),
paid_windows AS (
    -- the distinct 30-day windows after the agreement day with a payment, numbered from 1
    SELECT DISTINCT st.lkey,
           CAST(ceil((pd.paid_date - st.start_day) / 30.0) AS INTEGER) AS w
    FROM starts st
    JOIN pay_day pd ON pd.lkey = st.lkey AND pd.paid_date > st.start_day
    WHERE st.kind = 'a'
),
first_gaps AS (
    -- windows 1..m all paid exactly when the m smallest window numbers are 1..m
    SELECT lkey, 1 + count(*) FILTER (WHERE w = rn) AS first_unpaid_window
    FROM (SELECT lkey, w, row_number() OVER (PARTITION BY lkey ORDER BY w) AS rn
          FROM paid_windows)
    GROUP BY lkey
),
followed AS (
    SELECT c.lkey, c.kind, c.cure_day, r.lkey IS NOT NULL AS redefaulted
    FROM cured c
    LEFT JOIN redefaults r USING (lkey, kind)
)
SELECT p.lkey, p.seg_id, p.offered_date, p.agreed_date,
       o.cure_day AS o_cure_day, o.redefaulted AS o_redefaulted,
       a.cure_day AS a_cure_day, a.redefaulted AS a_redefaulted,
       CASE WHEN p.agreed_date IS NOT NULL THEN coalesce(g.first_unpaid_window, 1) END
           AS a_first_unpaid_window
FROM plans p
JOIN followed o ON o.lkey = p.lkey AND o.kind = 'o'
LEFT JOIN followed a ON a.lkey = p.lkey AND a.kind = 'a'
LEFT JOIN first_gaps g ON g.lkey = p.lkey
ORDER BY p.lkey;

-- plan_conduct_months: plan_complaints' accounts for the whole book, counted: a loan once per
-- month with an action while in M3..M6, with the last earlier such month (prev_month, as in
-- channel_unit_months), the months of its first repayment-plan action and of its first
-- agreement (a loan's plan status at a month-end as-of), and its actions' counts in the month.
-- Grain: one row per month, prev_month, plan_month and agreed_month. Read it only under
-- whole_months().
CREATE OR REPLACE TABLE plan_conduct_months AS
WITH plans AS (
    SELECT lkey,
           month_key(min(action_date)) AS plan_month,
           month_key(min(action_date) FILTER (WHERE outcome = 'plan_agreed')) AS agreed_month
    FROM plan_actions
    GROUP BY lkey
),
loan_months AS (
    SELECT lkey, month_key(action_date) AS month,
           count(*) AS attempts,
           count(*) FILTER (WHERE complaint) AS complaints,
           count(*) FILTER (WHERE non_borrower_contact) AS non_borrower_contacts,
           count(*) FILTER (WHERE outside_hours) AS outside_hours
    FROM action_status
    WHERE bucket BETWEEN 'M3' AND 'M6'  -- M3..M6: states sort as text (45_loan_state_macro.sql)
    GROUP BY ALL
)
SELECT m.month, m.prev_month, p.plan_month, p.agreed_month,
       count(*) AS loans,
       sum(m.attempts) AS attempts,
       sum(m.complaints) AS complaints,
       sum(m.non_borrower_contacts) AS non_borrower_contacts,
       sum(m.outside_hours) AS outside_hours
FROM (SELECT *, lag(month) OVER (PARTITION BY lkey ORDER BY month) AS prev_month
      FROM loan_months) m
LEFT JOIN plans p USING (lkey)
GROUP BY ALL
ORDER BY ALL;

-- placement_pay_days: the payment days (pay_day) of the loans placed with an agency, from the
-- loan's first placement on: what agency_recovery_curve looks up, ~2% of pay_day's rows at a
-- million loans. prev_paid_date and prev_cum_paid are those of the loan's previous row here
-- (NULL for its first, whose previous payment day, if any, is before every placement of the
-- loan): what a payment day adds to a placement's recovery is then read from one row, where a
-- lag() over each placement's payment days cost the curve ~50 ms of its ~120 at a million loans.
-- Grain: one row per loan and payment day.
CREATE OR REPLACE TABLE placement_pay_days AS
SELECT lkey, paid_date, cum_paid,
       lag(paid_date) OVER (PARTITION BY lkey ORDER BY paid_date) AS prev_paid_date,
       lag(cum_paid) OVER (PARTITION BY lkey ORDER BY paid_date) AS prev_cum_paid
FROM (
    SELECT p.lkey, p.paid_date, p.cum_paid
    FROM pay_day p
    JOIN (SELECT lkey, min(placed_date) AS first_placed FROM agency_placement GROUP BY lkey) a
      ON a.lkey = p.lkey AND p.paid_date >= a.first_placed
)
ORDER BY lkey, paid_date;
