-- derive_version: which derivation built the derived tables — a hash of the files in
-- ledger/sql/derive/ (ledger.derive.derivation_version). The app derives a database again, from
-- its raw tables, when it was built by other derivation code (an older version of this
-- project), instead of failing on tables or macros that code did not make.
CREATE OR REPLACE TABLE derive_version AS SELECT $derive_version::VARCHAR AS version;
