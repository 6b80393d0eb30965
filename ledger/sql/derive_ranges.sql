-- The loan ranges the per-loan derivation steps run over (ledger/derive.py): about $chunk_loans
-- loans each, by lkey, which numbers the loans in loan_id order (derive/01_segments.sql), so each
-- range is also a range of loan_ids. The steps filter the raw tables on those loan_ids, which lets
-- DuckDB skip the row groups of other ranges when an export lists its rows loan by loan.
SELECT min(lkey) AS lkey_first, max(lkey) AS lkey_last,
       min(loan_id) AS loan_id_first, max(loan_id) AS loan_id_last
FROM loan_segment
GROUP BY (lkey - 1) // $chunk_loans
ORDER BY lkey_first;
