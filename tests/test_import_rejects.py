"""Row-level bad input: each readable-but-wrong row is loaded or rejected with its exact reason,
file and line, and for every table rows read = rows loaded + rows rejected.

One export holds all the bad rows (an import costs seconds, a check of its result nothing):
the golden ledger plus the rows below. Each case names the file, the line it lands on and the
reason it must get; None means the row is valid and must be loaded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.importer import import_paths
from tests.import_support import golden_lines, reason_code, rejects, table_rows, write_lines

LOAN_EXTRA_HEADER = ",credit_score"

# (file, text of the line, expected reason or None for a valid row, what it shows)
BAD_ROWS: list[tuple[str, str, str | None, str]] = [
    (
        "loans.csv",
        "L008,B08,2024-13-45,1000.00,2,cash_loan,Guangdong,A,app_store,,,600",
        "unparseable_date",
        "month 13",
    ),
    (
        "loans.csv",
        "L009,B09,2024-02-01,abc,2,cash_loan,Guangdong,A,app_store,,,600",
        "unparseable_amount",
        "principal abc",
    ),
    (
        "loans.csv",
        "L010,B10,2024-02-01,0.00,2,cash_loan,Guangdong,A,app_store,,,600",
        "non_positive_principal",
        "zero principal",
    ),
    (
        "loans.csv",
        "L017,B17,2024-02-01,-50.00,2,cash_loan,Guangdong,A,app_store,,,600",
        "non_positive_principal",
        "negative principal",
    ),
    (
        "loans.csv",
        "L011,,2024-02-01,100.00,2,cash_loan,Guangdong,A,app_store,,,600",
        "missing_required_value",
        "no borrower_id",
    ),
    (
        "loans.csv",
        "L001,B01,2024-01-15,1200.00,3,cash_loan,Guangdong,A,app_store,,,600",
        "duplicate_key",
        "L001 again",
    ),
    (
        "loans.csv",
        "L012,B12,2024-02-01,100.00,x,cash_loan,Guangdong,A,app_store,,,600",
        "bad_term_months",
        "term x",
    ),
    (
        "loans.csv",
        "L013,B13,2024-03-01,100.00,2,cash_loan,Guangdong,A,app_store,2024-02-01,prepaid,",
        "closed_before_disbursement",
        "closed before disbursed",
    ),
    (
        "loans.csv",
        "L014,B14,2024-02-01,100.00,2,cash_loan,Guangdong,A,app_store,2024-05-01,lost,",
        "unknown_close_reason",
        "close reason lost",
    ),
    ("loans.csv", "L015,B15,2024-02-01", "wrong_field_count", "short line"),
    (
        "loans.csv",
        "L018,B18,2024-02-01,100.00,2,cash_loan,Guangdong,A,app_store,,,600,extra",
        "wrong_field_count",
        "long line",
    ),
    (
        "loans.csv",
        'L016,"B16"x,2024-02-01,100.00,2,cash_loan,Guangdong,A,app_store,,,600',
        "bad_quoting",
        "text after a closing quote",
    ),
    (
        "loans.csv",
        "L019,B19,2024-02-01,100.00,2,cash_loan,Guangdong,A,app_store,,,high",
        "unparseable_number",
        "credit score high",
    ),
    (
        "loans.csv",
        '" L020 ",B20,2024年2月1日,"¥1,000.00",12期,cash_loan,广东,A,app_store,,,',
        None,
        "Chinese date, yuan amount, 12期, spaces",
    ),
    ("loans.csv", "", None, "an empty line is not a row"),
    ("loans.csv", "   ", None, "a white-space line is not a row"),
    (
        "loans.csv",
        "L021,B21,20240201,RMB 500,2,cash_loan,Henan,B,partner,,,700",
        None,
        "20240201 and RMB",
    ),
    (
        "loans.csv",
        "L022,B22,2024-02-30,100.00,2,cash_loan,Henan,B,partner,,,700",
        "unparseable_date",
        "February 30, after blank lines",
    ),
    (
        "installments.csv",
        "L008,1,2024-02-15,100.00,5.00,0.00",
        "unknown_loan_id",
        "the loan row was rejected",
    ),
    ("installments.csv", "L999,1,2024-02-15,100.00,5.00,0.00", "unknown_loan_id", "no such loan"),
    ("installments.csv", "L001,1,2024-02-15,400.00,20.00,0.00", "duplicate_key", "(L001, 1) again"),
    (
        "installments.csv",
        "L004,3,2024-02-01,500.00,25.00,0.00",
        "due_before_disbursement",
        "due before disbursed",
    ),
    (
        "installments.csv",
        "L004,0,2024-05-20,500.00,25.00,0.00",
        "bad_installment_no",
        "installment 0",
    ),
    (
        "installments.csv",
        "L004,1.5,2024-05-20,500.00,25.00,0.00",
        "bad_installment_no",
        "installment 1.5",
    ),
    (
        "installments.csv",
        "L004,4,2024-05-20,500.00,-5.00,0.00",
        "negative_amount",
        "negative interest",
    ),
    (
        "installments.csv",
        "L004,5,2024-05-20,500.00,,0.00",
        "missing_required_value",
        "no interest_due",
    ),
    ("installments.csv", "L020,1,2024-03-01,500.00,25.00,0.00", None, "loan added above"),
    (
        "installments_fees.csv",
        "loan_id,installment_no,due_date,principal_due,interest_due,amount_due",
        None,
        "header of a second installments file",
    ),
    (
        "installments_fees.csv",
        "L021,1,2024-03-01,250.00,10.00,999.00",
        "amount_due_mismatch",
        "amount_due not the sum",
    ),
    ("installments_fees.csv", "L021,2,2024-04-01,250.00,10.00,260.00", None, "sum matches"),
    ("repayments.csv", "P18,L001,2024-05-01,-420.00", "reversal", "negative payment"),
    ("repayments.csv", "P19,L001,2024-05-01,0", "zero_amount", "zero payment"),
    ("repayments.csv", "P01,L001,2024-05-01,100.00", "duplicate_key", "payment id P01 again"),
    ("repayments.csv", "P20,L999,2024-05-01,100.00", "unknown_loan_id", "payment of no loan"),
    (
        "repayments.csv",
        "P21,L004,2024-01-01,100.00",
        "paid_before_disbursement",
        "paid before disbursed",
    ),
    ("repayments.csv", "P22,L001,yesterday,100.00", "unparseable_date", "date yesterday"),
    ("repayments.csv", "P23,L001,2024-05-01,1.2.3", "unparseable_amount", "amount 1.2.3"),
    ("repayments.csv", "P24,L001,2024-05-01,", "missing_required_value", "no amount"),
    ("repayments.csv", 'P25,L001,2024-05-01 10:30:00,"1,000.00元"', None, "timestamp, 元"),
    (
        "collection_actions.csv",
        "A21,L002,2024-05-01 10:00:00,微信,,delivered,,,0.05,false,borrower",
        "unknown_channel",
        "channel 微信",
    ),
    (
        "collection_actions.csv",
        "A22,L002,2024-05-01 10:00:00,sms,,happy,,,0.05,false,borrower",
        "unknown_outcome",
        "outcome happy",
    ),
    (
        "collection_actions.csv",
        "A23,L002,2024-05-01 10:00:00,phone,,ptp,,2024-05-10,2.00,false,borrower",
        "ptp_missing_amount_or_date",
        "ptp without amount",
    ),
    (
        "collection_actions.csv",
        "A29,L002,2024-05-01 10:00:00,phone,,ptp,300.00,,2.00,false,borrower",
        "ptp_missing_amount_or_date",
        "ptp without date",
    ),
    (
        "collection_actions.csv",
        "A24,L002,2024-05-01 10:00:00,phone,,contacted,,,2.00,maybe,borrower",
        "unparseable_bool",
        "complaint maybe",
    ),
    (
        "collection_actions.csv",
        "A25,L002,2024-05-01,phone,,contacted,,,2.00,false,borrower",
        "missing_time",
        "action without a time",
    ),
    (
        "collection_actions.csv",
        "A26,L002,2024-05-01 10:00:00,phone,,contacted,,,2.00,false,neighbour",
        "unknown_contact_target",
        "contact target neighbour",
    ),
    (
        "collection_actions.csv",
        "A27,L002,2024-05-01 10:00:00,phone,,contacted,,,-2.00,false,borrower",
        "negative_amount",
        "negative cost",
    ),
    (
        "collection_actions.csv",
        "A28,L002,2024/5/1 10:00,短信,,已送达,,,0.05,否,本人",
        None,
        "Chinese vocabulary",
    ),
    (
        "collection_actions.csv",
        'A31,L002,2024-05-02 10:00:00,third_party,"Agency\nNorth",contacted,,,30.00,false,',
        None,
        "a quoted value over two lines",
    ),
    (
        "collection_actions.csv",
        "A32,L002,2024-05-02 11:00:00,carrier pigeon,,delivered,,,0.05,false,borrower",
        "unknown_channel",
        "channel after a two-line value",
    ),
    (
        "collection_actions.csv",
        "A30,L888,2024-05-01 10:00:00,sms,,delivered,,,0.05,false,",
        "unknown_loan_id",
        "action of no loan",
    ),
    (
        "collection_actions.csv",
        "A01,L002,2024-05-01 10:00:00,sms,,delivered,,,0.05,false,",
        "duplicate_key",
        "action id A01 again",
    ),
]


def _layout() -> dict[str, list[tuple[str, str | None]]]:
    """Every file's lines: golden lines first (valid), then the cases in order."""
    files: dict[str, list[tuple[str, str | None]]] = {}
    for t in ("loans", "installments", "repayments", "collection_actions"):
        lines = golden_lines(t)
        if t == "loans":
            lines = [lines[0] + LOAN_EXTRA_HEADER] + [ln + ",650" for ln in lines[1:]]
        files[f"{t}.csv"] = [(ln, None) for ln in lines]
    for name, text, reason, _why in BAD_ROWS:
        files.setdefault(name, []).append((text, reason))
    return files


def _numbered() -> dict[str, list[tuple[int, str, str | None]]]:
    """(physical line, text, reason) per file: a value with a line break takes two lines."""
    out: dict[str, list[tuple[int, str, str | None]]] = {}
    for name, lines in _layout().items():
        line = 1
        out[name] = []
        for text, reason in lines:
            out[name].append((line, text, reason))
            line += text.count("\n") + 1
    return out


def write_kitchen_export(folder: Path) -> Path:
    """The golden ledger with every case of BAD_ROWS, as CSV files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in _layout().items():
        write_lines(folder / name, [text for text, _ in lines])
    return folder


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = write_kitchen_export(tmp_path_factory.mktemp("kitchen") / "export")
    db = folder.parent / "ledger.duckdb"
    report = import_paths([folder], db, as_of=date(2024, 9, 30))
    return db, report


def _line(why: str) -> tuple[str, int]:
    """The file and physical line a case lands on (cases follow the golden lines in order)."""
    name, text = next((c[0], c[1]) for c in BAD_ROWS if c[3] == why)
    before = [c for c in BAD_ROWS[: [c[3] for c in BAD_ROWS].index(why)] if c[0] == name]
    entries = _numbered()[name]
    index = len(entries) - len([c for c in BAD_ROWS if c[0] == name]) + len(before)
    line, got, _reason = entries[index]
    assert got == text
    return name, line


def _expected() -> list[tuple[str, int, str]]:
    return [
        (name, line, reason)
        for name, entries in _numbered().items()
        for line, _text, reason in entries
        if reason
    ]


@pytest.mark.parametrize(("file", "text", "reason", "why"), BAD_ROWS, ids=[c[3] for c in BAD_ROWS])
def test_row_outcome(imported, file: str, text: str, reason: str | None, why: str) -> None:
    db, _report = imported
    file, number = _line(why)
    got = [r for r in rejects(db) if Path(r["file"]).name == file and r["line"] == number]
    if reason is None:
        assert got == [], f"{file} line {number} ({why}) should load: {got}"
    else:
        assert len(got) == 1, f"{file} line {number} ({why}): {got}"
        assert reason_code(got[0]["reason"]) == reason, got[0]


def test_every_reject_is_expected_and_reconciles(imported) -> None:
    db, report = imported
    got = sorted((Path(r["file"]).name, r["line"], reason_code(r["reason"])) for r in rejects(db))
    assert got == sorted(_expected())
    assert report.reconciled
    for table, t in report.tables.items():
        assert t["read"] == t["loaded"] + t["rejected"], table
    by_table: dict[str, int] = {}
    for name, lines in _layout().items():
        table = "installments" if name.startswith("installments") else name[:-4]
        # rows read: every line but the header, empty and white-space-only lines
        by_table[table] = by_table.get(table, 0) + sum(1 for t, _ in lines[1:] if t.strip())
    assert {t: v["read"] for t, v in report.tables.items()} == by_table
    expected_rejects: dict[str, int] = {}
    for _f, _n, reason in _expected():
        expected_rejects[reason] = expected_rejects.get(reason, 0) + 1
    assert report.rejects == expected_rejects
    for table in by_table:
        assert report.tables[table]["loaded"] == len(table_rows(db, table))


def test_reject_texts_name_value_and_origin(imported) -> None:
    db, _ = imported
    rows = {(Path(r["file"]).name, r["line"]): r for r in rejects(db)}

    def row(why: str) -> dict:
        return rows[_line(why)]

    channel = row("channel 微信")
    assert "微信" in channel["reason"] and "A21" in channel["original_text"]
    orphan = row("the loan row was rejected")
    assert "rejected" in orphan["reason"] and "loans.csv line 9" in orphan["reason"]
    assert "loans.csv line 2" in row("L001 again")["reason"]
    short = row("short line")
    assert short["original_text"] == "L015,B15,2024-02-01" and "3 fields" in short["reason"]


def test_valid_odd_values_are_typed(imported) -> None:
    db, _ = imported
    loans = {r[0]: r for r in table_rows(db, "loans")}
    assert str(loans["L020"][2]) == "2024-02-01" and str(loans["L020"][3]) == "1000.00"
    assert loans["L020"][4] == 12 and loans["L020"][6] == "广东"
    assert str(loans["L021"][3]) == "500.00"
    pays = {r[0]: r for r in table_rows(db, "repayments")}
    assert str(pays["P25"][4]) == "1000.00" and str(pays["P25"][3]) == "2024-05-01 10:30:00"
    acts = {r[0]: r for r in table_rows(db, "collection_actions")}
    assert acts["A28"][3:7] == ("sms", None, None, "delivered")
    assert acts["A28"][10] is False and acts["A28"][11] == "borrower"
    extras = {(r[0], r[1]): r[2] for r in table_rows(db, "loan_extras")}
    assert extras == {}  # credit_score is a contract column, not an extra
