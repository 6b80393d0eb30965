-- import_merge_old: the rows of the current database that this import does not replace.
-- Runs after import_merge_new.sql: main.* holds this import's rows, so an old row is kept when
-- its key is not among them (a later export replaces earlier rows by key; keys it does not hold
-- stay). Grain and keys as in import_merge_new.sql; old_db is the current database, attached
-- read-only. The imports history is kept whole; rejects are the last import's only (not copied).
-- No parameters.

INSERT INTO main.loans
SELECT o.loan_id, o.borrower_id, o.disbursed_date, o.principal, o.term_months, o.product,
       o.region, o.risk_grade, o.credit_score, o.acquisition_channel, o.closed_date,
       o.close_reason
FROM old_db.main.loans AS o
ANTI JOIN main.loans AS n ON n.loan_id = o.loan_id;

INSERT INTO main.loan_extras
SELECT o.loan_id, o.name, o.value
FROM old_db.main.loan_extras AS o
ANTI JOIN main.loan_extras AS n ON n.loan_id = o.loan_id AND n.name = o.name;

INSERT INTO main.installments
SELECT o.loan_id, o.installment_no, o.due_date, o.principal_due, o.interest_due, o.fee_due
FROM old_db.main.installments AS o
ANTI JOIN main.installments AS n
    ON n.loan_id = o.loan_id AND n.installment_no = o.installment_no;

INSERT INTO main.repayments
SELECT o.payment_id, o.loan_id, o.paid_date, o.paid_at, o.amount, o.installment_no
FROM old_db.main.repayments AS o
ANTI JOIN main.repayments AS n ON n.payment_id = o.payment_id;

INSERT INTO main.collection_actions
SELECT o.action_id, o.loan_id, o.action_at, o.channel, o.agent_id, o.agency, o.outcome,
       o.ptp_amount, o.ptp_date, o.cost, o.complaint, o.contact_target
FROM old_db.main.collection_actions AS o
ANTI JOIN main.collection_actions AS n ON n.action_id = o.action_id;

INSERT INTO main.imports
SELECT import_id, started_at, finished_at, sources, as_of, report
FROM old_db.main.imports;
