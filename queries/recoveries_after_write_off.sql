-- recoveries_after_write_off (核销后回收, METRICS.md §1, §9): payments on loans that were written
-- off at the end of the day before the payment (state WO; METRICS.md §1: later payments on a
-- written-off loan are recoveries and do not bring it back), by month of payment and by the
-- channel they are credited to: the latest action within $window_days before the payment
-- (payment day included; last touch as in channel_performance), else '(no action)'.
-- Grain: one row per payment month (YYYY-MM) and channel.
-- Parameters: $as_of, $filters, $period_start, $period_end (NULL = open), $window_days.
SELECT strftime(paid_date, '%Y-%m') AS month,
       CASE WHEN coalesce(touch_days <= $window_days::INTEGER, false) THEN last_channel
            ELSE '(no action)' END AS channel,
       CAST(sum(amount) AS DECIMAL(18, 2)) AS recovered,
       count(*) AS payments,
       count(DISTINCT loan_id) AS loans
FROM write_off_payments  -- payment_status's rows with state_before = 'WO'
JOIN (SELECT seg_id AS kept_seg FROM seg_filter($filters)) ON kept_seg = seg_id
WHERE state_before = 'WO'
  AND paid_date <= $as_of
  AND ($period_start::DATE IS NULL OR paid_date >= $period_start::DATE)
  AND ($period_end::DATE IS NULL OR paid_date <= $period_end::DATE)
GROUP BY 1, 2
ORDER BY month, channel = '(no action)', channel;
