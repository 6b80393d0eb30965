-- vintage_thresholds: the DPD thresholds N for which "ever DPD N+" vintages were precomputed
-- (settings: vintage_thresholds), for the vintage page's selector. Grain: one row per N.
-- Parameters: none.
SELECT unnest(vintage_thresholds) AS threshold FROM derive_settings ORDER BY threshold;
