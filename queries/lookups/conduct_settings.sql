-- conduct_settings: the conduct-rule and attribution settings the figures were derived with
-- (METRICS.md §9-10), for showing each rule beside its setting; recovery_windows are the
-- attribution windows the Channels page offers. Grain: one row. Parameters: none.
SELECT left(CAST(contact_start AS VARCHAR), 5) AS contact_start,
       left(CAST(contact_end AS VARCHAR), 5) AS contact_end,
       connected_call_cap, dial_cap, attribution_window_days, recovery_windows, min_segment_size,
       as_of
FROM derive_settings;
