-- derive_settings: the as-of date and the settings the current figures were derived with (the
-- minimum segment size, bucket edges, windows, caps). Grain: one row. Parameters: none.
SELECT * FROM derive_settings;
