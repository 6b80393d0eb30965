-- The loan ranges the per-loan derivation steps run over (ledger/derive.py): lkey ranges of
-- about $chunk_loans loans that never split a borrower, since lkeys are numbered by borrower
-- (derive/01_segments.sql) and the conduct caps of action_status count a borrower's calls on all
-- their loans. Loans without a borrower (never capped) are each their own borrower here.
SELECT min(lkey) AS lkey_first, max(lkey) AS lkey_last
FROM (
    SELECT lkey,
           CASE WHEN borrower_id IS NULL THEN lkey
                ELSE min(lkey) OVER (PARTITION BY bkey) END AS borrower_first
    FROM loan_segment
)
GROUP BY (borrower_first - 1) // $chunk_loans
ORDER BY lkey_first;
