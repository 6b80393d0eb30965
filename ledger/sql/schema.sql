-- Keys are unique by construction: the importer rejects duplicates (no index constraints, which
-- would cost memory and time on bulk loads of millions of rows).
-- Raw tables: the ledger contract (shared/spec/LEDGER.md) after mapping, typing and validation.
-- One row per loan / installment / payment / collection action. Money is DECIMAL, never DOUBLE.
-- Personal data never reaches these tables in clear (borrower_id is kept as given: it is an id;
-- names, phone numbers, ID-card numbers and addresses are dropped or replaced by a keyed hash).

CREATE TABLE loans (
    loan_id             VARCHAR NOT NULL,
    borrower_id         VARCHAR NOT NULL,
    disbursed_date      DATE NOT NULL,
    principal           DECIMAL(18, 2) NOT NULL,
    term_months         INTEGER,
    product             VARCHAR,
    region              VARCHAR,
    risk_grade          VARCHAR,
    credit_score        DOUBLE,
    acquisition_channel VARCHAR,
    closed_date         DATE,
    close_reason        VARCHAR
);

-- Any other loan column, kept in long form: one row per loan and extra column.
-- A low-cardinality text column becomes a segment (see derive: segment_values).
CREATE TABLE loan_extras (
    loan_id VARCHAR NOT NULL,
    name    VARCHAR NOT NULL,
    value   VARCHAR
);

CREATE TABLE installments (
    loan_id        VARCHAR NOT NULL,
    installment_no INTEGER NOT NULL,
    due_date       DATE NOT NULL,
    principal_due  DECIMAL(18, 2) NOT NULL,
    interest_due   DECIMAL(18, 2) NOT NULL,
    fee_due        DECIMAL(18, 2) NOT NULL DEFAULT 0
);

-- payment_id is always set: when the export has none, the importer derives a stable one from
-- (loan_id, paid_at, amount, occurrence) so that a re-sent export does not count twice.
CREATE TABLE repayments (
    payment_id     VARCHAR NOT NULL,
    loan_id        VARCHAR NOT NULL,
    paid_date      DATE NOT NULL,
    paid_at        TIMESTAMP,
    amount         DECIMAL(18, 2) NOT NULL,
    installment_no INTEGER
);

-- action_id is always set (derived like payment_id when absent).
CREATE TABLE collection_actions (
    action_id      VARCHAR NOT NULL,
    loan_id        VARCHAR NOT NULL,
    action_at      TIMESTAMP NOT NULL,
    channel        VARCHAR NOT NULL,
    agent_id       VARCHAR,
    agency         VARCHAR,
    outcome        VARCHAR,
    ptp_amount     DECIMAL(18, 2),
    ptp_date       DATE,
    cost           DECIMAL(18, 4),
    complaint      BOOLEAN,
    contact_target VARCHAR
);

-- One row per applied import.
CREATE TABLE imports (
    import_id   INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    sources     VARCHAR,     -- JSON list of the files read
    as_of       DATE,        -- the data's as-of date (latest date in the export, or chosen)
    report      VARCHAR      -- JSON: the import report (tables read/loaded/rejected, rejects)
);

-- Rows refused by validation in the last import: file, line, the original text and the reason.
CREATE TABLE rejects (
    import_id     INTEGER NOT NULL,
    table_name    VARCHAR NOT NULL,
    file          VARCHAR NOT NULL,
    line          BIGINT,
    original_text VARCHAR,
    reason        VARCHAR NOT NULL
);
