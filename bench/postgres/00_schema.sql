-- Raw tables the core derivation reads (the columns it needs, types as in ledger/sql/schema.sql)
-- and the settings row. Unlogged: a benchmark scratch database, rebuilt every run.
CREATE UNLOGGED TABLE loans (
    loan_id        VARCHAR NOT NULL,
    disbursed_date DATE NOT NULL,
    principal      NUMERIC(18, 2) NOT NULL,
    closed_date    DATE,
    close_reason   VARCHAR
);
CREATE UNLOGGED TABLE installments (
    loan_id        VARCHAR NOT NULL,
    installment_no INTEGER NOT NULL,
    due_date       DATE NOT NULL,
    principal_due  NUMERIC(18, 2) NOT NULL,
    interest_due   NUMERIC(18, 2) NOT NULL,
    fee_due        NUMERIC(18, 2) NOT NULL
);
CREATE UNLOGGED TABLE repayments (
    loan_id   VARCHAR NOT NULL,
    paid_date DATE NOT NULL,
    amount    NUMERIC(18, 2) NOT NULL
);
CREATE UNLOGGED TABLE derive_settings (
    as_of               DATE NOT NULL,
    paid_tolerance      NUMERIC(18, 4) NOT NULL,
    write_off_after_dpd INTEGER NOT NULL,
    bucket_edges        INTEGER[] NOT NULL
);
