-- derive_settings: the as-of date and the metric settings used by this derivation.
-- Grain: one row. Parameters: every setting of ledger/settings.toml plus $as_of.
-- Stored in the database so that queries and pages read the settings the figures were made with.
CREATE OR REPLACE TABLE derive_settings AS
SELECT
    $as_of::DATE                             AS as_of,
    $paid_tolerance::DECIMAL(18, 4)          AS paid_tolerance,
    $write_off_after_dpd::INTEGER            AS write_off_after_dpd,
    $bucket_edges::INTEGER[]                 AS bucket_edges,
    $attribution_window_days::INTEGER        AS attribution_window_days,
    $recovery_windows::INTEGER[]             AS recovery_windows,
    $contact_start::TIME                     AS contact_start,
    $contact_end::TIME                       AS contact_end,
    $connected_call_cap::INTEGER             AS connected_call_cap,
    $dial_cap::INTEGER                       AS dial_cap,
    $min_segment_size::INTEGER               AS min_segment_size,
    $max_segment_values::INTEGER             AS max_segment_values,
    $vintage_thresholds::INTEGER[]           AS vintage_thresholds;
