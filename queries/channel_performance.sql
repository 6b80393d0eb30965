-- channel_performance (催收渠道效果, METRICS.md §9): for actions in the period, per channel (and
-- per bucket at action time, agency, agent or month when $by asks): attempts, accounts, right-party
-- contacts, PTPs, PTPs due and kept, cost, complaints; and the collection recoveries of payments in
-- the period, credited by last touch within $window_days (the payment day included) or to
-- '(no action)'. Rates are NULL without a denominator.
-- $bucket keeps the actions in one bucket at action time and the recoveries credited in it (to an
-- action in that bucket, or to '(no action)' with the loan in it the day before the payment), as
-- in channel_trend: the rows that $by = 'bucket' gives for that bucket, for a fraction of the scan.
-- Grain: one row per channel and group value ('' when $by = '').
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $window_days, $by
-- ('', 'bucket', 'agency', 'agent', 'month'), $bucket ('' = every bucket).
WITH kept AS (SELECT seg_id AS kept_seg FROM seg_filter($filters)),
acts AS (
    SELECT
        channel,
        -- months group by an integer key, labelled per group (strftime per row costs seconds)
        CASE $by WHEN 'bucket' THEN bucket
                 WHEN 'agency' THEN coalesce(agency, '(none)')
                 WHEN 'agent' THEN coalesce(agent_id, '(none)')
                 ELSE '' END AS group_text,
        CASE WHEN $by = 'month' THEN month_key(action_date) ELSE 0 END AS group_month,
        lkey, rpc, is_ptp,
        -- a PTP is due (and can be kept) only once its date is observed at the chosen as-of
        ptp_due AND ptp_date <= $as_of AS ptp_due,
        ptp_kept AND ptp_date <= $as_of AS ptp_kept,
        cost, complaint
    FROM action_status
    JOIN kept ON kept_seg = seg_id
    WHERE NOT channel_units_apply($filters, $as_of, $period_start, $period_end, $by, $bucket)
      AND action_date <= $as_of
      AND ($period_start::DATE IS NULL OR action_date >= $period_start::DATE)
      AND ($period_end::DATE IS NULL OR action_date <= $period_end::DATE)
      AND ($bucket = '' OR bucket = $bucket)
),
cube_groups AS (
    -- whole book, whole months (channel_units_apply): the counts from the month cube
    -- (action_counts) and the accounts from channel_unit_months, whose units of a group's months
    -- count a loan once over the period (the row whose prev_month is before it), once per month
    -- when split by month (ledger/sql/derive/84_action_marts.sql)
    SELECT channel,
           CASE $by WHEN 'bucket' THEN bucket ELSE '' END AS group_text,
           CASE WHEN $by = 'month' THEN month ELSE 0 END AS group_month,
           CAST(sum(attempts) AS BIGINT) AS attempts,
           CAST(sum(rpc) AS BIGINT) AS rpc,
           CAST(sum(ptp) AS BIGINT) AS ptp,
           CAST(sum(ptp_due) AS BIGINT) AS ptp_due,
           CAST(sum(ptp_kept) AS BIGINT) AS ptp_kept,
           sum(cost) AS cost,
           CAST(sum(complaints) AS BIGINT) AS complaints
    FROM action_counts($filters, $as_of, $period_start, $period_end)
    WHERE channel_units_apply($filters, $as_of, $period_start, $period_end, $by, $bucket)
      AND ($bucket = '' OR bucket = $bucket)
    GROUP BY ALL
),
unit_groups AS (
    SELECT channel,
           CASE $by WHEN 'bucket' THEN bucket ELSE '' END AS group_text,
           CASE WHEN $by = 'month' THEN month ELSE 0 END AS group_month,
           CAST(sum(units) FILTER (
               WHERE $by = 'month' OR prev_month IS NULL
                  OR prev_month < month_key($period_start::DATE)) AS BIGINT) AS accounts
    FROM channel_unit_months
    WHERE channel_units_apply($filters, $as_of, $period_start, $period_end, $by, $bucket)
      AND ($bucket = '' OR bucket = $bucket)
      AND month <= month_key($as_of)
      AND ($period_start::DATE IS NULL OR month >= month_key($period_start::DATE))
      AND ($period_end::DATE IS NULL OR month <= month_key($period_end::DATE))
    GROUP BY ALL
),
recoveries AS (
    -- the recoveries credited per channel and group (recovery_credits: the whole book's monthly
    -- sums when the units allow, ledger/sql/derive/84_action_marts.sql)
    SELECT channel, group_text, group_month, recovered, recovered_accounts
    FROM recovery_credits($filters, $as_of, $period_start, $period_end, $window_days, $by,
                          $bucket)
),
per_group AS (
    SELECT
        channel, group_text, group_month,
        count(*) AS attempts,
        count(DISTINCT lkey) AS accounts,
        count(*) FILTER (WHERE rpc) AS rpc,
        count(*) FILTER (WHERE is_ptp) AS ptp,
        count(*) FILTER (WHERE ptp_due) AS ptp_due,
        count(*) FILTER (WHERE ptp_kept) AS ptp_kept,
        sum(cost) AS cost,
        count(*) FILTER (WHERE complaint) AS complaints
    FROM acts
    GROUP BY ALL
    UNION ALL
    SELECT channel, group_text, group_month, attempts, coalesce(u.accounts, 0), rpc, ptp, ptp_due,
           ptp_kept, cost, complaints
    FROM cube_groups
    LEFT JOIN unit_groups u USING (channel, group_text, group_month)
),
joined AS (
    -- A channel credited with a recovery but without attempts in the period has 0 attempts, not
    -- NULL; '(no action)' has no attempts at all (NULL).
    SELECT
        channel,
        CASE WHEN group_month > 0 THEN month_label(group_month) ELSE group_text END AS group_value,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.attempts, 0) END AS attempts,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.accounts, 0) END AS accounts,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.rpc, 0) END AS rpc,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.ptp, 0) END AS ptp,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.ptp_due, 0) END AS ptp_due,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.ptp_kept, 0) END AS ptp_kept,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.cost, 0) END AS cost,
        CASE WHEN channel <> '(no action)' THEN coalesce(a.complaints, 0) END AS complaints,
        CASE WHEN channel <> '(no action)' THEN coalesce(r.recovered, 0) ELSE r.recovered END
            AS recovered,
        r.recovered_accounts
    FROM per_group a
    FULL OUTER JOIN recoveries r USING (channel, group_text, group_month)
)
SELECT
    channel,
    group_value,
    attempts,
    accounts,
    rpc,
    rpc / nullif(attempts, 0) AS contact_rate,
    ptp,
    ptp / nullif(rpc, 0) AS ptp_rate,
    ptp_due,
    ptp_kept,
    ptp_kept / nullif(ptp_due, 0) AS ptp_kept_rate,
    CAST(recovered AS DECIMAL(18, 2)) AS recovered,
    CAST(cost AS DECIMAL(18, 4)) AS cost,
    CAST(cost AS DOUBLE) / nullif(CAST(recovered AS DOUBLE), 0) AS cost_per_recovered,
    complaints,
    complaints * 10000.0 / nullif(attempts, 0) AS complaints_per_10k,
    CAST(coalesce(recovered, 0) AS DOUBLE) / nullif(attempts, 0) AS recovered_per_attempt,
    CAST(coalesce(recovered, 0) AS DOUBLE) / nullif(accounts, 0) AS recovered_per_account,
    recovered_accounts
FROM joined
ORDER BY channel = '(no action)', channel, group_value;
