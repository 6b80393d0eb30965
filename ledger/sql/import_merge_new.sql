-- import_merge_new: this import's valid rows into the new database's raw tables.
-- The rows were staged in the import's scratch database, ledger_stage (ledger/db.py).
-- Grain: one row per key (loans: loan_id; installments: loan_id, installment_no; repayments:
-- payment_id; collection_actions: action_id; loan_extras: loan_id, name). Duplicates were
-- rejected before, so every key is unique here. No parameters.
-- A payment or action without an id gets a stable one: the hash of what identifies it and its
-- occurrence among identical rows, so that a re-sent export replaces rather than adds.

INSERT INTO main.loans
SELECT loan_id, borrower_id, disbursed_date, principal, term_months, product, region, risk_grade,
       credit_score, acquisition_channel, closed_date, close_reason
FROM ledger_stage.stg_loans
WHERE reason IS NULL;

INSERT INTO main.loan_extras
SELECT l.loan_id, e.name, e.value
FROM ledger_stage.stg_loan_extras AS e
JOIN ledger_stage.stg_loans AS l ON l.file_id = e.file_id AND l._ord = e._ord
WHERE l.reason IS NULL;

INSERT INTO main.installments
SELECT loan_id, installment_no, due_date, principal_due, interest_due, fee_due
FROM ledger_stage.stg_installments
WHERE reason IS NULL;

INSERT INTO main.repayments
SELECT payment_id, loan_id, paid_date, paid_at, amount, installment_no
FROM ledger_stage.stg_repayments
WHERE reason IS NULL AND payment_id IS NOT NULL;

INSERT INTO main.repayments
SELECT 'auto:' || md5(concat_ws('|', loan_id, coalesce(CAST(paid_at AS VARCHAR),
                                                       CAST(paid_date AS VARCHAR)),
                                CAST(amount AS VARCHAR),
                                CAST(row_number() OVER (
                                    PARTITION BY loan_id, paid_date, paid_at, amount
                                    ORDER BY file_id, _ord) AS VARCHAR))),
       loan_id, paid_date, paid_at, amount, installment_no
FROM ledger_stage.stg_repayments
WHERE reason IS NULL AND payment_id IS NULL;

INSERT INTO main.collection_actions
SELECT action_id, loan_id, action_at, channel, agent_id, agency, outcome, ptp_amount, ptp_date,
       cost, complaint, contact_target
FROM ledger_stage.stg_collection_actions
WHERE reason IS NULL AND action_id IS NOT NULL;

INSERT INTO main.collection_actions
SELECT 'auto:' || md5(concat_ws('|', loan_id, CAST(action_at AS VARCHAR), channel,
                                coalesce(agent_id, ''), coalesce(outcome, ''),
                                CAST(row_number() OVER (
                                    PARTITION BY loan_id, action_at, channel, agent_id, outcome
                                    ORDER BY file_id, _ord) AS VARCHAR))),
       loan_id, action_at, channel, agent_id, agency, outcome, ptp_amount, ptp_date, cost,
       complaint, contact_target
FROM ledger_stage.stg_collection_actions
WHERE reason IS NULL AND action_id IS NULL;
