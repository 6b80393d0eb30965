"""Validation: every row read is either loaded or rejected with a reason, never dropped.

Rows are typed and checked set-based in DuckDB: each file is staged once into a table per
ledger table (typed columns plus `reason`) in the import's scratch database (in memory, or a
file for big imports: ledger.db.attach_stage), then checks that need other rows run as
SQL over the staged rows (duplicates, orphans, dates against the loan). A row gets the first
reason that applies, in this order:

1. missing_required_value  a required column is empty (or holds a "no value" word: NULL, -, …)
2. unreadable values, column by column in contract order:
   unparseable_date        a date/timestamp column that is no date (or a year outside 1970–2100)
   missing_time            action_at is a date without a time of day (a mapping format for
                           action_at can accept dates alone)
   unparseable_amount      an amount that is no number (after ¥ ￥ 元 RMB and 1,234 separators)
   unparseable_number      credit_score is no number
   bad_installment_no      installment_no is not a whole number ≥ 1
   bad_term_months         term_months is not a whole number ≥ 1
   unparseable_bool        complaint is not true/false, 1/0, yes/no, Y/N, 是/否
   unknown_channel         channel maps to nothing in the vocabulary (the value is named)
   unknown_outcome         outcome likewise
   unknown_contact_target  contact_target likewise
   unknown_close_reason    close_reason likewise
3. values out of range:
   non_positive_principal  principal ≤ 0
   negative_amount         a due amount, ptp_amount or cost < 0
   reversal                a repayment with a negative amount (its own reason: never netted)
   zero_amount             a repayment of 0
4. one row's columns that disagree:
   closed_before_disbursement  closed_date before disbursed_date
   amount_due_mismatch     amount_due given with principal/interest and not their sum
                           (with or without fee_due)
   ptp_missing_amount_or_date  outcome ptp without a positive ptp_amount and a ptp_date
5. against other rows (after the above):
   unknown_loan_id         the loan is neither among this import's loaded loans nor in the
                           database; the text says when the loan's own row was rejected
   due_before_disbursement an installment due before its loan was disbursed
   paid_before_disbursement a repayment dated before its loan was disbursed
   due_dates_out_of_order  an installment due earlier than a lower-numbered installment of the
                           same loan in this import: the waterfall pays in installment_no order
                           and DPD counts from the oldest unpaid due date, which only agree
                           when due dates do not decrease with the number
   duplicate_key           the key appeared earlier in this import (files in path order, then
                           lines): the first valid row is loaded, later ones are rejected.
                           Keys: loans loan_id; installments (loan_id, installment_no);
                           repayments payment_id; collection_actions action_id (when given).
CSV lines DuckDB cannot split into the header's columns:
   wrong_field_count       a line with more or fewer fields than the header
   bad_quoting             a quote that is not closed or is followed by other text on its line

The stored reason is "<code>: <readable text>"; reports count by code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from ledger import pii
from ledger.db import STAGE_DB
from ledger.errors import refuse
from ledger.mapping import TABLES, VOCABULARIES, ColumnPlan, Mapping, vocabulary_rows
from ledger.readers import (
    Source,
    csv_relation,
    drop_lines,
    load_lines,
    original_text_sql,
    parse_line,
    slow_line_map,
)
from ledger.values import (
    EXAMPLES,
    amount_expr,
    date_expr,
    format_has_time,
    has_time_expr,
    install_macros,
    int_expr,
    number_expr,
    ts_expr,
)

REASONS: dict[str, str] = {
    "missing_required_value": "a required column is empty",
    "unparseable_date": "a date or timestamp that cannot be read",
    "missing_time": "a timestamp column holding a date without a time of day",
    "unparseable_amount": "an amount that cannot be read",
    "unparseable_number": "a number that cannot be read",
    "bad_installment_no": "installment_no is not a whole number of at least 1",
    "bad_term_months": "term_months is not a whole number of at least 1",
    "unparseable_bool": "a yes/no column that cannot be read",
    "unknown_channel": "a collection channel outside the vocabulary",
    "unknown_outcome": "a collection outcome outside the vocabulary",
    "unknown_contact_target": "a contact target outside the vocabulary",
    "unknown_close_reason": "a close reason outside the vocabulary",
    "non_positive_principal": "principal is zero or negative",
    "negative_amount": "a negative amount where only ≥ 0 makes sense",
    "reversal": "a repayment with a negative amount (a reversal)",
    "zero_amount": "a repayment of zero",
    "closed_before_disbursement": "closed_date before disbursed_date",
    "amount_due_mismatch": "amount_due disagrees with principal_due + interest_due (+ fee_due)",
    "ptp_missing_amount_or_date": "a promise to pay without its amount or date",
    "unknown_loan_id": "the loan_id is not a loan of this import or of the database",
    "due_before_disbursement": "an installment due before its loan was disbursed",
    "paid_before_disbursement": "a repayment dated before its loan was disbursed",
    "due_dates_out_of_order": "an installment due before a lower-numbered one of the same loan",
    "duplicate_key": "the row's key appeared earlier in this import",
    "wrong_field_count": "a CSV line with more or fewer fields than the header",
    "bad_quoting": "a CSV line whose quotes do not close properly",
}

# Columns of the staging tables: the raw table's columns plus where the row came from.
STAGE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "loans": [
        ("loan_id", "VARCHAR"),
        ("borrower_id", "VARCHAR"),
        ("disbursed_date", "DATE"),
        ("principal", "DECIMAL(18, 2)"),
        ("term_months", "INTEGER"),
        ("product", "VARCHAR"),
        ("region", "VARCHAR"),
        ("risk_grade", "VARCHAR"),
        ("credit_score", "DOUBLE"),
        ("acquisition_channel", "VARCHAR"),
        ("closed_date", "DATE"),
        ("close_reason", "VARCHAR"),
    ],
    "installments": [
        ("loan_id", "VARCHAR"),
        ("installment_no", "INTEGER"),
        ("due_date", "DATE"),
        ("principal_due", "DECIMAL(18, 2)"),
        ("interest_due", "DECIMAL(18, 2)"),
        ("fee_due", "DECIMAL(18, 2)"),
    ],
    "repayments": [
        ("payment_id", "VARCHAR"),
        ("loan_id", "VARCHAR"),
        ("paid_date", "DATE"),
        ("paid_at", "TIMESTAMP"),
        ("amount", "DECIMAL(18, 2)"),
        ("installment_no", "INTEGER"),
    ],
    "collection_actions": [
        ("action_id", "VARCHAR"),
        ("loan_id", "VARCHAR"),
        ("action_at", "TIMESTAMP"),
        ("channel", "VARCHAR"),
        ("agent_id", "VARCHAR"),
        ("agency", "VARCHAR"),
        ("outcome", "VARCHAR"),
        ("ptp_amount", "DECIMAL(18, 2)"),
        ("ptp_date", "DATE"),
        ("cost", "DECIMAL(18, 4)"),
        ("complaint", "BOOLEAN"),
        ("contact_target", "VARCHAR"),
    ],
}

META_COLUMNS = [
    ("file_id", "INTEGER"),
    ("_ord", "BIGINT"),
    ("reason", "VARCHAR"),
    ("ref_file", "INTEGER"),
    ("ref_ord", "BIGINT"),
]

VOCAB_KINDS = ("channel", "outcome", "contact_target", "close_reason", "bool")
TYPED_KINDS = ("date", "paid", "timestamp", "amount", "int", "number")
BLANK = "blank"


def stage_table(table: str) -> str:
    """Where a table's rows are staged: the import's scratch database (ledger.db.attach_stage)."""
    return f"{STAGE_DB}.stg_{table}"


@dataclass
class Malformed:
    record: int  # DuckDB's line number (a record count; = physical line without line breaks)
    text: str
    code: str
    detail: str


@dataclass
class FileState:
    """What happened to one source file (or sheet)."""

    file_id: int
    source: Source
    plan: ColumnPlan
    scan: str
    emitted: int = 0  # rows DuckDB produced, blank ones included
    blank_rows: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    blank_malformed: int = 0
    blank_malformed_lines: list[int] = field(default_factory=list)
    malformed_lines: dict[int, int] = field(default_factory=dict)
    staged_rejects: int = 0
    loaded: int = 0
    pii_dropped: list[str] = field(default_factory=list)

    @property
    def table(self) -> str:
        return self.plan.table

    @property
    def read(self) -> int:
        return self.emitted - self.blank_rows + len(self.malformed)

    @property
    def rejected(self) -> int:
        return self.staged_rejects + len(self.malformed)

    @property
    def blank(self) -> int:
        empty = len(self.source.csv.blank_lines) if self.source.csv else 0
        return self.blank_rows + self.blank_malformed + empty


def _lit(text: str) -> str:
    """A SQL string literal for the importer's own fixed text (never for data)."""
    return "'" + text.replace("'", "''") + "'"


def setup(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, key: bytes) -> None:
    """Macros and vocabulary lookups (temporary), and empty staging tables (in the scratch
    database, which must be attached)."""
    install_macros(con)
    pii.install_pii_macros(con, key)
    rows = vocabulary_rows(mapping)
    for vocab in VOCAB_KINDS:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE ledger_vocab_{vocab} (key VARCHAR, value VARCHAR)"
        )
        keys = [k for v, k, _ in rows if v == vocab]
        values = [t for v, _, t in rows if v == vocab]
        con.execute(
            f"INSERT INTO ledger_vocab_{vocab} SELECT unnest($k), unnest($v)",
            {"k": keys, "v": values},
        )
    for table, cols in STAGE_COLUMNS.items():
        defs = ", ".join(f"{n} {t}" for n, t in META_COLUMNS + cols)
        con.execute(f"CREATE OR REPLACE TABLE {stage_table(table)} ({defs})")
    con.execute(
        f"CREATE OR REPLACE TABLE {stage_table('loan_extras')} "
        "(file_id INTEGER, _ord BIGINT, name VARCHAR, value VARCHAR)"
    )


# --- one file → staged rows ----------------------------------------------------------------


class _Builder:
    """The SQL that stages one file: raw text (level 1) → typed values (level 2) → reason."""

    def __init__(self, st: FileState, mapping: Mapping | None) -> None:
        self.st = st
        self.plan = st.plan
        self.spec = TABLES[st.table]
        self.mapping = mapping
        self.params: dict[str, Any] = dict(st.source.params)
        self.p = f"{st.scan}_"

    def param(self, name: str, value: Any) -> str:
        key = f"{self.p}{name}"
        self.params[key] = value
        return f"${key}"

    def label(self, fname: str) -> str:
        """How a column is named in messages: the contract name and the export's header."""
        idxs = self.plan.fields.get(fname)
        text = fname
        if idxs:
            headers = [self.st.source.headers[i] for i in idxs]
            if headers != [fname]:
                text = f"{fname} ({', '.join(headers)})"
        return self.param(f"lbl_{fname}", text)

    def level1(self) -> str:
        src = self.st.source
        cols = [f"{self.st.file_id} AS file_id", "_ord"]
        if src.ncols:
            raw = ", ".join(f"c{i}" for i in range(src.ncols))
            cols.append(f"coalesce({raw}) IS NULL AS is_blank")
        else:
            cols.append("true AS is_blank")
        for f in self.spec.fields:
            idxs = self.plan.fields.get(f.name, [])
            if f.name == "fee_due" and len(idxs) > 1:
                for k, i in enumerate(idxs):
                    cols.append(f"ledger_text(c{i}) AS r_fee_due_{k}")
                cols.append(
                    f"coalesce({', '.join(f'r_fee_due_{k}' for k in range(len(idxs)))})"
                    " AS r_fee_due"
                )
            elif idxs and f.kind in TYPED_KINDS:
                # typed columns go to their cast as they are (it ignores surrounding space);
                # "no value" words are recognised only where the cast fails (level 3)
                cols.append(f"c{idxs[0]} AS r_{f.name}")
            elif idxs:
                cols.append(f"ledger_text(c{idxs[0]}) AS r_{f.name}")
            elif f.name in self.plan.constants:
                const = self.param(f"const_{f.name}", self.plan.constants[f.name])
                cols.append(f"ledger_text({const}) AS r_{f.name}")
            else:
                cols.append(f"CAST(NULL AS VARCHAR) AS r_{f.name}")
        for k, (i, _name) in enumerate(self.plan.extras):
            cols.append(f"ledger_text(c{i}) AS x{k}")
        for k, (i, _name) in enumerate(self.plan.pii_hash):
            cols.append(f"ledger_pii_hash(ledger_text(c{i})) AS x{len(self.plan.extras) + k}")
        return f"SELECT {', '.join(cols)} FROM {src.relation}"

    def typed(self) -> tuple[list[str], list[str]]:
        """Level-2 expressions and the vocabulary joins they need."""
        out: list[str] = []
        joins: list[str] = []
        table = self.st.table
        fmts = self.mapping.formats.get(table, {}) if self.mapping else {}
        units = self.mapping.units.get(table, {}) if self.mapping else {}
        for f in self.spec.fields:
            r = f"l1.r_{f.name}"
            fmt = self.param(f"fmt_{f.name}", fmts[f.name])[1:] if f.name in fmts else None
            vouch_paid = f.name in fmts and format_has_time(fmts[f.name])
            if f.kind == "id":  # an id that is a phone or ID-card number: its keyed hash
                out.append(
                    f"CASE WHEN ledger_pii_full({r}) THEN ledger_pii_hash({r}) "
                    f"ELSE {r} END AS v_{f.name}"
                )
            elif f.kind == "text":
                out.append(
                    f"CASE WHEN ledger_pii_contains({r}) THEN ledger_pii_hash({r}) "
                    f"ELSE {r} END AS v_{f.name}"
                )
            elif f.kind == "date":
                out.append(f"{date_expr(r, fmt)} AS v_{f.name}")
            elif f.kind == "paid":
                out.append(f"{date_expr(r, fmt)} AS v_{f.name}")
                timed = has_time_expr(r, fmt, vouch_paid)
                out.append(f"CASE WHEN {timed} THEN {ts_expr(r, fmt)} END AS v_paid_at")
            elif f.kind == "timestamp":
                out.append(f"{ts_expr(r, fmt)} AS v_{f.name}")
                out.append(f"{has_time_expr(r, fmt, True)} AS t_{f.name}")
            elif f.kind == "amount":
                scale = 4 if f.name == "cost" else 2
                unit = self.param(f"unit_{f.name}", units[f.name])[1:] if f.name in units else None
                idxs = self.plan.fields.get(f.name, [])
                if f.name == "fee_due" and len(idxs) > 1:
                    parts = [
                        amount_expr(f"l1.r_fee_due_{k}", unit, scale) for k in range(len(idxs))
                    ]
                    # a sum that is NULL as soon as one part is unreadable (→ reason below)
                    bad = " OR ".join(
                        f"(l1.r_fee_due_{k} IS NOT NULL AND {p} IS NULL)"
                        for k, p in enumerate(parts)
                    )
                    total = " + ".join(f"coalesce({p}, 0)" for p in parts)
                    out.append(
                        f"CASE WHEN {r} IS NULL OR {bad} THEN NULL ELSE {total} END AS v_{f.name}"
                    )
                else:
                    out.append(f"{amount_expr(r, unit, scale)} AS v_{f.name}")
            elif f.kind == "int":
                out.append(f"TRY_CAST({int_expr(r)} AS INTEGER) AS v_{f.name}")
            elif f.kind == "number":
                out.append(f"{number_expr(r)} AS v_{f.name}")
            elif f.kind in VOCAB_KINDS:
                alias = f"j_{f.name}"
                joins.append(
                    f"LEFT JOIN ledger_vocab_{f.kind} AS {alias} ON {alias}.key = lower({r})"
                )
                if f.kind == "bool":
                    out.append(f"CAST({alias}.value AS BOOLEAN) AS v_{f.name}")
                else:
                    out.append(f"{alias}.value AS v_{f.name}")
            else:  # pragma: no cover - every kind is listed above
                raise ValueError(f.kind)
        return out, joins

    def flags(self) -> list[str]:
        """Level 3: n_<field>, the column holds no value (empty, or a word such as NULL or -).
        Typed columns were cast from the raw text; only where the cast failed is the text
        cleaned to tell "no value" from "unreadable" (lazily: a CASE branch)."""
        out = []
        for f in self.spec.fields:
            if f.kind in TYPED_KINDS:
                out.append(
                    f"CASE WHEN r_{f.name} IS NULL THEN true WHEN v_{f.name} IS NOT NULL "
                    f"THEN false ELSE ledger_text(r_{f.name}) IS NULL END AS n_{f.name}"
                )
            else:
                out.append(f"r_{f.name} IS NULL AS n_{f.name}")
        return out

    def quoted(self, r: str) -> str:
        return f"'''' || left(ledger_pii_redact({r}), 60) || ''''"

    def reasons(self) -> list[str]:
        """(condition, reason text) pairs as CASE branches, in the documented order."""
        t = self.st.table
        out: list[str] = []

        def add(cond: str, code: str, text: str) -> None:
            out.append(f"WHEN {cond} THEN {_lit(code + ': ')} || {text}")

        inst_amount_only = "(n_principal_due AND n_interest_due AND NOT n_amount_due)"
        for f in self.spec.fields:
            if f.required:
                add(
                    f"n_{f.name}",
                    "missing_required_value",
                    f"{self.label(f.name)} || ' is empty; expected a value'",
                )
        if t == "installments":
            for n in ("principal_due", "interest_due"):
                add(
                    f"n_{n} AND NOT {inst_amount_only}",
                    "missing_required_value",
                    f"{self.label(n)} || ' is empty; expected a value (or amount_due alone)'",
                )
        for f in self.spec.fields:
            r, v, lbl = f"r_{f.name}", f"v_{f.name}", self.label(f.name)
            bad = f"NOT n_{f.name} AND {v} IS NULL"
            q = self.quoted(r)
            if f.kind in ("date", "paid", "timestamp"):
                add(
                    bad,
                    "unparseable_date",
                    f"{lbl} || ' ' || {q} || ' is not a date; expected {EXAMPLES[f.kind]}'",
                )
                if f.kind == "timestamp":
                    add(
                        f"{v} IS NOT NULL AND NOT t_{f.name}",
                        "missing_time",
                        f"{lbl} || ' ' || {q} || ' has no time of day; expected "
                        f"{EXAMPLES['timestamp']}'",
                    )
            elif f.kind == "amount":
                add(
                    bad,
                    "unparseable_amount",
                    f"{lbl} || ' ' || {q} || ' is not an amount; expected {EXAMPLES['amount']}'",
                )
            elif f.kind == "number":
                add(
                    bad,
                    "unparseable_number",
                    f"{lbl} || ' ' || {q} || ' is not a number; expected {EXAMPLES['number']}'",
                )
            elif f.kind == "int":
                code = "bad_term_months" if f.name == "term_months" else "bad_installment_no"
                add(
                    f"{bad} OR ({v} IS NOT NULL AND {v} < 1)",
                    code,
                    f"{lbl} || ' ' || {q} || ' is not a whole number of at least 1; "
                    f"expected e.g. 1, 2, 3'",
                )
            elif f.kind == "bool":
                add(
                    bad,
                    "unparseable_bool",
                    f"{lbl} || ' ' || {q} || ' is not a yes/no value; expected {EXAMPLES['bool']}'",
                )
            elif f.kind in VOCAB_KINDS:
                words = ", ".join(VOCABULARIES[f.kind])
                add(
                    bad,
                    f"unknown_{f.kind}",
                    f"{lbl} || ' ' || {q} || ' is not a known {f.kind.replace('_', ' ')}; "
                    f"expected one of {words} (or add it under [values.{f.kind}] in a mapping "
                    f"file)'",
                )
        for f in self.spec.fields:
            if f.kind != "amount":
                continue
            v, lbl = f"v_{f.name}", self.label(f.name)
            shown = f"CAST({v} AS VARCHAR)"
            if f.sign == "positive":
                add(
                    f"{v} <= 0",
                    "non_positive_principal",
                    f"{lbl} || ' ' || {shown} || ' is not positive; expected an amount > 0'",
                )
            elif f.sign == "non_negative":
                add(
                    f"{v} < 0",
                    "negative_amount",
                    f"{lbl} || ' ' || {shown} || ' is negative; expected an amount >= 0'",
                )
            elif f.sign == "payment":
                add(
                    f"{v} < 0",
                    "reversal",
                    f"{lbl} || ' ' || {shown} || ' is negative: a reversal, not netted; "
                    f"expected a payment > 0'",
                )
                add(f"{v} = 0", "zero_amount", f"{lbl} || ' is 0; expected a payment > 0'")
        if t == "loans":
            add(
                "v_closed_date < v_disbursed_date",
                "closed_before_disbursement",
                "'closed_date ' || CAST(v_closed_date AS VARCHAR) || ' is before disbursed_date "
                "' || CAST(v_disbursed_date AS VARCHAR) || '; expected a later date'",
            )
        if t == "installments":
            add(
                "v_amount_due IS NOT NULL AND v_principal_due IS NOT NULL "
                "AND v_interest_due IS NOT NULL "
                "AND abs(v_amount_due - v_principal_due - v_interest_due) > 0.01 "
                "AND abs(v_amount_due - v_principal_due - v_interest_due "
                "- coalesce(v_fee_due, 0)) > 0.01",
                "amount_due_mismatch",
                "'amount_due ' || CAST(v_amount_due AS VARCHAR) || ' is not principal_due + "
                "interest_due (+ fee_due); expected their sum'",
            )
        if t == "collection_actions":
            add(
                "v_outcome = 'ptp' AND (v_ptp_amount IS NULL OR v_ptp_amount <= 0 "
                "OR v_ptp_date IS NULL)",
                "ptp_missing_amount_or_date",
                "'outcome is ptp but ptp_amount or ptp_date is missing; expected both'",
            )
        return out

    def final(self) -> list[str]:
        t = self.st.table
        cols = []
        for name, _typ in STAGE_COLUMNS[t]:
            if t == "installments" and name == "principal_due":
                cols.append(
                    "CASE WHEN n_principal_due AND n_interest_due "
                    "THEN v_amount_due ELSE v_principal_due END"
                )
            elif t == "installments" and name == "interest_due":
                cols.append(
                    "CASE WHEN n_principal_due AND n_interest_due AND NOT n_amount_due "
                    "THEN 0 ELSE v_interest_due END"
                )
            elif t == "installments" and name == "fee_due":
                cols.append("coalesce(v_fee_due, 0)")
            elif name == "paid_at":
                cols.append("v_paid_at")
            else:
                cols.append(f"v_{name}")
        return cols

    def sql(self, target: str, with_extras: bool) -> str:
        typed, joins = self.typed()
        reasons = self.reasons()
        reason = (
            f"CASE WHEN is_blank THEN '{BLANK}' {' '.join(reasons)} END"
            if reasons
            else f"CASE WHEN is_blank THEN '{BLANK}' END"
        )
        n_x = len(self.plan.extras) + len(self.plan.pii_hash)
        extras = "".join(f", x{k}" for k in range(n_x)) if with_extras else ""
        meta = ["file_id", "_ord", f"{reason} AS reason", "NULL AS ref_file", "NULL AS ref_ord"]
        names = [n for n, _ in STAGE_COLUMNS[self.st.table]]
        final = [f"{e} AS {n}" for e, n in zip(self.final(), names, strict=True)]
        return (
            f"{target} SELECT {', '.join(meta + final)}{extras} FROM ("
            f"SELECT l2.*, {', '.join(self.flags())} FROM ("
            f"SELECT l1.*, {', '.join(typed)} FROM ({self.level1()}) AS l1 {' '.join(joins)}"
            f") AS l2) AS l3"
        )


def stage_file(con: duckdb.DuckDBPyConnection, st: FileState, mapping: Mapping | None) -> None:
    """Stage one file: typed rows with reasons into stage_table(table), extras into
    stage_table("loan_extras"), and CSV lines DuckDB could not split into st.malformed."""
    b = _Builder(st, mapping)
    table = st.table
    names = [n for n, _ in META_COLUMNS + STAGE_COLUMNS[table]]
    extra_names = [n for _, n in st.plan.extras] + [n for _, n in st.plan.pii_hash]
    try:
        load_lines(con, st.source)
        if table == "loans" and extra_names:
            tmp = f"{STAGE_DB}.{st.scan}_loans"
            sql = b.sql(f"CREATE OR REPLACE TABLE {tmp} AS", True)
            con.execute(sql, used_params(sql, b.params))
            con.execute(f"INSERT INTO {stage_table(table)} SELECT {', '.join(names)} FROM {tmp}")
            xs = ", ".join(f"x{k}" for k in range(len(extra_names)))
            con.execute(
                f"INSERT INTO {stage_table('loan_extras')} SELECT file_id, _ord, unnest($names), "
                f"unnest([{xs}]) FROM {tmp} WHERE reason IS DISTINCT FROM '{BLANK}'",
                {"names": extra_names},
            )
            con.execute(f"DROP TABLE {tmp}")
        else:
            sql = b.sql(f"INSERT INTO {stage_table(table)} ({', '.join(names)})", False)
            con.execute(sql, used_params(sql, b.params))
        drop_lines(con, st.source)
    except duckdb.Error as exc:
        raise refuse(
            st.source.label, None, f"could not be read ({_first_line(exc)})", "a well-formed file"
        ) from None
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE reason = '{BLANK}') "
        f"FROM {stage_table(table)} WHERE file_id = $f",
        {"f": st.file_id},
    ).fetchone()
    assert row is not None
    st.emitted, st.blank_rows = int(row[0]), int(row[1])
    if st.blank_rows:
        con.execute(
            f"DELETE FROM {stage_table(table)} WHERE file_id = $f AND reason = '{BLANK}'",
            {"f": st.file_id},
        )
    if st.source.csv is not None:
        _collect_csv_errors(con, st)


def used_params(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a statement uses (DuckDB refuses extra ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _collect_csv_errors(con: duckdb.DuckDBPyConnection, st: FileState) -> None:
    src = st.source
    info = src.csv
    assert info is not None
    try:
        rows = con.execute(
            f"SELECT line, list(DISTINCT CAST(error_type AS VARCHAR)), any_value(csv_line) "
            f"FROM {st.scan}_errors GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.CatalogException:
        rows = []
    for line, types, text in rows:
        text = text or ""
        kinds = set(types)
        if "UNQUOTED VALUE" in kinds and ("\n" in text or "\r" in text):
            raise refuse(
                src.label,
                int(line),
                "a quote opened here is never closed and swallows the lines after it",
                "every quoted value to end with a quote on its own line",
            )
        if "LINE SIZE OVER MAXIMUM" in kinds:
            raise refuse(
                src.label,
                int(line),
                "a line longer than 8 MB (probably a quote that is never closed)",
                "lines of ordinary length",
            )
        if not text.strip(" \t\r\n\u3000\u00a0" + info.delimiter):
            st.blank_malformed += 1
            st.blank_malformed_lines.append(int(line))
            continue
        if "UNQUOTED VALUE" in kinds or "INVALID STATE" in kinds:
            st.malformed.append(
                Malformed(
                    int(line),
                    text,
                    "bad_quoting",
                    "a quote is not closed, or text follows a closing "
                    'quote; expected "…" around a whole value',
                )
            )
        elif "INVALID ENCODING" in kinds:
            raise refuse(
                src.label,
                int(line),
                "invalid UTF-8 text",
                "text in one encoding: UTF-8 or GBK/GB18030",
            )
        else:
            n = len(parse_line(text, info.delimiter))
            st.malformed.append(
                Malformed(
                    int(line),
                    text,
                    "wrong_field_count",
                    f"the line has {n} fields; expected {src.ncols} as in the header",
                )
            )
    if st.malformed and st.emitted == 0:
        first = st.malformed[0]
        raise refuse(
            src.label,
            first.record,
            f"no line has the header's {src.ncols} fields ({first.detail.split(';')[0]})",
            f"rows separated by {info.delimiter!r} like the header",
        )


def drop_pii_extras(con: duckdb.DuckDBPyConnection, states: list[FileState]) -> list[str]:
    """Extra loan columns whose content holds phone, ID-card numbers or e-mail addresses are
    dropped (name-based ones never got this far); returns their names."""
    hashed = {n for st in states for _, n in st.plan.pii_hash}
    rows = con.execute(
        f"SELECT name FROM {stage_table('loan_extras')} WHERE value IS NOT NULL "
        "GROUP BY name HAVING bool_or(ledger_pii_contains(value))"
    ).fetchall()
    names = [r[0] for r in rows if r[0] not in hashed]
    if names:
        con.execute(
            f"DELETE FROM {stage_table('loan_extras')} WHERE list_contains($n, name)",
            {"n": names},
        )
        for st in states:
            mine = {n for _, n in st.plan.extras}
            st.pii_dropped += [n for n in names if n in mine]
    # an unnamed column that is empty everywhere is an artefact of the export, not data
    con.execute(
        f"DELETE FROM {stage_table('loan_extras')} WHERE name IN (SELECT name "
        f"FROM {stage_table('loan_extras')} "
        "WHERE regexp_full_match(name, 'column_[0-9]+') GROUP BY name "
        "HAVING count(value) = 0)"
    )
    return names


# --- checks across rows --------------------------------------------------------------------


def _mark(con: duckdb.DuckDBPyConnection, table: str, select: str, params: dict | None = None):
    """Give rows a reason: `select` yields (file_id, _ord, reason, ref_file, ref_ord)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE ledger_hits AS {select}", params or {})
    con.execute(
        f"UPDATE {stage_table(table)} AS s SET reason = h.reason, ref_file = h.ref_file, "
        f"ref_ord = h.ref_ord FROM ledger_hits AS h "
        f"WHERE s.file_id = h.file_id AND s._ord = h._ord AND s.reason IS NULL"
    )
    con.execute("DROP TABLE ledger_hits")


def _duplicates(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...]) -> None:
    stg = stage_table(table)
    k = ", ".join(key)
    notnull = " AND ".join(f"{c} IS NOT NULL" for c in key)
    shown = " || ' ' || ".join(f"CAST({c} AS VARCHAR)" for c in key)
    _mark(
        con,
        table,
        f"""
        WITH dup AS (
            SELECT {k} FROM {stg} WHERE reason IS NULL AND {notnull}
            GROUP BY {k} HAVING count(*) > 1),
        ranked AS (
            SELECT s.file_id, s._ord, {", ".join(f"s.{c}" for c in key)},
                   row_number() OVER w AS rn,
                   first_value(s.file_id) OVER w AS f_file,
                   first_value(s._ord) OVER w AS f_ord
            FROM {stg} AS s JOIN dup USING ({k})
            WHERE s.reason IS NULL
            WINDOW w AS (PARTITION BY {", ".join(f"s.{c}" for c in key)}
                         ORDER BY s.file_id, s._ord))
        SELECT file_id, _ord,
               'duplicate_key: {" + ".join(key)} ' || {shown} || ' appeared earlier in this '
               || 'import; expected each key once' AS reason,
               f_file AS ref_file, f_ord AS ref_ord
        FROM ranked WHERE rn > 1
        """,
    )


def _out_of_order(con: duckdb.DuckDBPyConnection) -> None:
    """Reject installments due before a lower-numbered installment of the same loan."""
    _mark(
        con,
        "installments",
        f"""
        WITH ordered AS (
            SELECT file_id, _ord, loan_id, installment_no, due_date,
                   max(due_date) OVER (
                       PARTITION BY loan_id ORDER BY installment_no
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_before
            FROM {stage_table("installments")}
            WHERE reason IS NULL)
        SELECT file_id, _ord,
               'due_dates_out_of_order: installment ' || CAST(installment_no AS VARCHAR)
               || ' is due ' || CAST(due_date AS VARCHAR) || ', before an earlier installment '
               || 'due ' || CAST(latest_before AS VARCHAR)
               || '; expected due dates that do not decrease with installment_no' AS reason,
               NULL AS ref_file, NULL AS ref_ord
        FROM ordered
        WHERE due_date < latest_before
        """,
    )


def cross_checks(con: duckdb.DuckDBPyConnection, has_old: bool) -> None:
    """Duplicates, orphans and dates against the loan, over all staged files."""
    _duplicates(con, "loans", ("loan_id",))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ledger_known_loans AS "
        f"SELECT loan_id, disbursed_date FROM {stage_table('loans')} WHERE reason IS NULL"
    )
    if has_old:
        con.execute(
            "INSERT INTO ledger_known_loans SELECT o.loan_id, o.disbursed_date "
            "FROM old_db.main.loans AS o ANTI JOIN ledger_known_loans AS k USING (loan_id)"
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ledger_rejected_loans AS "
        "SELECT loan_id, first(file_id ORDER BY file_id, _ord) AS file_id, "
        "first(_ord ORDER BY file_id, _ord) AS _ord "
        f"FROM {stage_table('loans')} WHERE reason IS NOT NULL AND loan_id IS NOT NULL "
        "GROUP BY loan_id"
    )
    # one join per table: the loan must exist, and schedules and payments must not predate it
    dated = {
        "installments": (
            "due_date",
            "due_before_disbursement",
            "due_date",
            "a due date on or after disbursement",
        ),
        "repayments": (
            "paid_date",
            "paid_before_disbursement",
            "paid_date",
            "a payment on or after disbursement",
        ),
    }
    for table in ("installments", "repayments", "collection_actions"):
        stg = stage_table(table)
        before = "false"
        before_reason = "NULL"
        if table in dated:
            col, code, name, want = dated[table]
            before = f"s.{col} < k.disbursed_date"
            before_reason = (
                f"'{code}: {name} ' || CAST(s.{col} AS VARCHAR) || ' is before the loan''s "
                f"disbursed_date ' || CAST(k.disbursed_date AS VARCHAR) || '; expected {want}'"
            )
        _mark(
            con,
            table,
            f"""
            SELECT s.file_id, s._ord,
                   CASE WHEN k.loan_id IS NOT NULL THEN {before_reason}
                        WHEN r.loan_id IS NULL
                        THEN 'unknown_loan_id: loan_id ' || s.loan_id || ' is not in the '
                             || 'loans of this import or of the database; expected a known loan'
                        ELSE 'unknown_loan_id: loan_id ' || s.loan_id || ' was rejected in '
                             || 'the loans table, so this row has no loan' END AS reason,
                   CASE WHEN k.loan_id IS NULL THEN r.file_id END AS ref_file,
                   CASE WHEN k.loan_id IS NULL THEN r._ord END AS ref_ord
            FROM {stg} AS s
            LEFT JOIN ledger_known_loans AS k USING (loan_id)
            LEFT JOIN ledger_rejected_loans AS r USING (loan_id)
            WHERE s.reason IS NULL AND (k.loan_id IS NULL OR {before})
            """,
        )
    _duplicates(con, "installments", ("loan_id", "installment_no"))
    _out_of_order(con)
    _duplicates(con, "repayments", ("payment_id",))
    _duplicates(con, "collection_actions", ("action_id",))


def count_outcomes(con: duckdb.DuckDBPyConnection, states: list[FileState]) -> None:
    by_file: dict[int, tuple[int, int]] = {}
    for table in STAGE_COLUMNS:
        for fid, rejected, loaded in con.execute(
            f"SELECT file_id, count(reason), count(*) - count(reason) "
            f"FROM {stage_table(table)} GROUP BY file_id"
        ).fetchall():
            by_file[int(fid)] = (int(rejected), int(loaded))
    for st in states:
        st.staged_rejects, st.loaded = by_file.get(st.file_id, (0, 0))


# --- rejects: line numbers and original text ----------------------------------------------


def _csv_fast_path(st: FileState) -> bool:
    """True when no record spans lines, so DuckDB's record numbers are physical lines."""
    info = st.source.csv
    assert info is not None
    after_header = info.n_lines - info.header_line
    accounted = st.emitted + len(st.malformed) + st.blank_malformed + len(info.blank_lines)
    return after_header == accounted


def build_line_maps(con: duckdb.DuckDBPyConnection, states: list[FileState]) -> None:
    """ledger_line_map(file_id, _ord, line) for every staged row that needs a line (rejected
    rows and the rows they refer to)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ledger_need AS "
        + " UNION ".join(
            f"SELECT file_id, _ord FROM {stage_table(t)} WHERE reason IS NOT NULL "
            f"UNION SELECT ref_file, ref_ord FROM {stage_table(t)} WHERE ref_file IS NOT NULL"
            for t in STAGE_COLUMNS
        )
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ledger_line_map (file_id INTEGER, _ord BIGINT, line BIGINT)"
    )
    need_files = {
        int(r[0]) for r in con.execute("SELECT DISTINCT file_id FROM ledger_need").fetchall()
    }
    for st in states:
        info = st.source.csv
        if info is None:
            if st.file_id in need_files:
                con.execute(
                    "INSERT INTO ledger_line_map SELECT file_id, _ord, _ord FROM ledger_need "
                    "WHERE file_id = $f",
                    {"f": st.file_id},
                )
            continue
        if _csv_fast_path(st):
            if st.file_id not in need_files and not st.malformed:
                continue
            skipped = sorted(
                set(info.blank_lines)
                | {m.record for m in st.malformed}
                | set(st.blank_malformed_lines)
            )
            con.execute(
                "CREATE OR REPLACE TEMP TABLE ledger_skip AS "
                "SELECT e, max(i) AS i FROM ("
                "  SELECT line - $h - row_number() OVER (ORDER BY line) AS e,"
                "         row_number() OVER (ORDER BY line) AS i"
                "  FROM (SELECT unnest($lines) AS line)) GROUP BY e",
                {"h": info.header_line, "lines": skipped},
            )
            con.execute(
                "INSERT INTO ledger_line_map SELECT n.file_id, n._ord, "
                "n._ord + $h + coalesce(s.i, 0) FROM ledger_need AS n "
                "ASOF LEFT JOIN ledger_skip AS s ON n._ord > s.e WHERE n.file_id = $f",
                {"h": info.header_line, "f": st.file_id},
            )
        else:
            wanted = {
                int(r[0])
                for r in con.execute(
                    "SELECT _ord FROM ledger_need WHERE file_id = $f", {"f": st.file_id}
                ).fetchall()
            }
            rejected_records = {m.record for m in st.malformed} | set(st.blank_malformed_lines)
            ord_lines, rec_lines, swallowed = slow_line_map(info, rejected_records, wanted)
            if swallowed is not None:
                line, _value = swallowed
                raise refuse(
                    st.source.label,
                    line,
                    "a quoted value runs over several lines and holds whole rows "
                    "(a quote that is never closed?)",
                    "every quoted value to end with a quote",
                )
            st.malformed_lines = {m.record: rec_lines.get(m.record, m.record) for m in st.malformed}
            if ord_lines:
                keys = list(ord_lines)
                con.execute(
                    "INSERT INTO ledger_line_map SELECT $f, unnest($o), unnest($l)",
                    {"f": st.file_id, "o": keys, "l": [ord_lines[k] for k in keys]},
                )
            missing = wanted - set(ord_lines)
            if missing:  # the csv module and DuckDB disagree: fall back to the record count
                con.execute(
                    "INSERT INTO ledger_line_map SELECT $f, unnest($o), unnest($o) + $h",
                    {"f": st.file_id, "o": sorted(missing), "h": info.header_line},
                )


def build_rejects(con: duckdb.DuckDBPyConnection, states: list[FileState], import_id: int) -> None:
    """Fill the database's rejects table: file, line, original text (personal data removed)
    and reason, for staged rows and malformed CSV lines."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ledger_files AS "
        "SELECT unnest($ids) AS file_id, unnest($labels) AS label",
        {"ids": [s.file_id for s in states], "labels": [s.source.label for s in states]},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ledger_text (file_id INTEGER, _ord BIGINT, text VARCHAR)"
    )
    for st in states:
        if not st.staged_rejects:
            continue
        src = st.source
        pii_cols = set(st.plan.pii_drop) | {i for i, _ in st.plan.pii_hash}
        text_sql = original_text_sql(src.ncols, src.delimiter, pii_cols)
        if src.csv is not None:  # the file is read again: its lines were dropped once staged
            relation, params, lines_table = csv_relation(src.csv, f"{st.scan}r")
            src = replace(src, relation=relation, params=params, lines_table=lines_table)
        load_lines(con, src)
        sql = (
            f"INSERT INTO ledger_text SELECT $f, _ord, ledger_pii_redact({text_sql}) "
            f"FROM {src.relation} WHERE _ord IN (SELECT _ord FROM {stage_table(st.table)} "
            f"WHERE file_id = $f AND reason IS NOT NULL)"
        )
        con.execute(sql, used_params(sql, {**src.params, "delim": src.delimiter, "f": st.file_id}))
        drop_lines(con, src)
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, file_id, _ord, reason, ref_file, ref_ord "
        f"FROM {stage_table(t)} WHERE reason IS NOT NULL"
        for t in STAGE_COLUMNS
    )
    con.execute(
        f"""
        INSERT INTO main.rejects
        SELECT $import_id, r.table_name, f.label, lm.line, t.text,
               CASE WHEN r.ref_file IS NULL OR rl.line IS NULL THEN r.reason
                    WHEN r.reason LIKE 'duplicate_key:%'
                        THEN r.reason || ' (the first, at ' || rf.label || ' line '
                             || CAST(rl.line AS VARCHAR) || ', was loaded)'
                    ELSE r.reason || ' (' || rf.label || ' line ' || CAST(rl.line AS VARCHAR)
                         || ')' END
        FROM ({union}) AS r
        JOIN ledger_files AS f ON f.file_id = r.file_id
        LEFT JOIN ledger_line_map AS lm ON lm.file_id = r.file_id AND lm._ord = r._ord
        LEFT JOIN ledger_text AS t ON t.file_id = r.file_id AND t._ord = r._ord
        LEFT JOIN ledger_files AS rf ON rf.file_id = r.ref_file
        LEFT JOIN ledger_line_map AS rl ON rl.file_id = r.ref_file AND rl._ord = r.ref_ord
        """,
        {"import_id": import_id},
    )
    # malformed CSV lines: few, redacted in Python (the columns are not known for them)
    rows: list[tuple[Any, ...]] = []
    for st in states:
        if not st.malformed:
            continue
        pii_cols = set(st.plan.pii_drop) | {i for i, _ in st.plan.pii_hash}
        delim = st.source.delimiter
        lines = st.malformed_lines
        for m in st.malformed:
            shown = m.text.rstrip("\r\n")
            if pii_cols:  # only then re-split the line (quoting may differ from the original)
                fields = parse_line(m.text, delim)
                if len(fields) == st.source.ncols:
                    kept = ["[PII]" if i in pii_cols else v for i, v in enumerate(fields)]
                else:  # fields have shifted: keep only what looks like an id, code or number
                    kept = [v if _PLAIN.fullmatch(v) else "[PII]" for v in fields]
                shown = delim.join(kept)
            rows.append(
                (
                    import_id,
                    st.table,
                    st.source.label,
                    lines.get(m.record, m.record),
                    pii.redact(shown),
                    f"{m.code}: {m.detail}",
                )
            )
    if rows:
        cols = list(zip(*rows, strict=True))
        con.execute(
            "INSERT INTO main.rejects SELECT unnest($a), unnest($b), unnest($c), unnest($d), "
            "unnest($e), unnest($g)",
            {k: list(v) for k, v in zip("abcdeg", cols, strict=True)},
        )


REASON_CODE = re.compile(r"^([a-z_]+):")
_PLAIN = re.compile(r"[0-9A-Za-z_./:+-]{0,40}")
