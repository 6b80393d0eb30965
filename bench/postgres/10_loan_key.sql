-- loan_key: loans disbursed by the as-of date with an integer key (as ledger's loan_segment.lkey).
CREATE UNLOGGED TABLE loan_key AS
SELECT loan_id,
       CAST(row_number() OVER (ORDER BY loan_id) AS INTEGER) AS lkey,
       disbursed_date, principal, closed_date, close_reason
FROM loans
WHERE disbursed_date <= (SELECT as_of FROM derive_settings);
CREATE UNIQUE INDEX ON loan_key (loan_id);
ANALYZE loan_key;
