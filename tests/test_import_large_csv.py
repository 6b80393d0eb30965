"""Line numbers in a CSV file big enough for DuckDB to read it on several threads at once.

The importer reads a CSV file's rows into a table in file order and numbers them by rowid
(ledger/readers.csv_relation), which is what lets the reading and the staging run in parallel.
The small files of the other tests fit in one of DuckDB's read buffers and are read by one
thread in any case; this one is over 100 MB, so its parts are read concurrently, and a row's
reported line is right only if the order of the file is kept, whether the rows are staged in
memory or in a file. Bad rows sit at the start, in the middle and on the last line, after a
value that spans two lines and after a malformed line.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.importer import import_paths
from tests.import_support import (
    ACTIONS_HEADER,
    LOANS_HEADER,
    reason_code,
    rejects,
    two_month_schedules,
)

N_ACTIONS = 1_500_000
MIN_BYTES = 100 << 20  # several of DuckDB's CSV buffers, so that the read is split


def _action(n: int, channel: str = "sms") -> str:
    loan = "L1" if n % 2 else "L2"
    minute = n % (60 * 24 * 28)
    stamp = f"2024-02-{1 + minute // 1440:02d} {minute % 1440 // 60:02d}:{minute % 60:02d}:00"
    return f"A{n:08d},{loan},{stamp},{channel},,delivered,,,0.05,false,borrower\n"


@pytest.fixture(scope="module", params=["memory", "file"])
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[int, str], int]:
    """The database, the expected rejects {line: action_id} and the number of valid actions,
    with the rows staged in memory and in a file (ledger.db.stage_in_file)."""
    tmp = tmp_path_factory.mktemp("large_csv")
    src = tmp / "exports"
    src.mkdir()
    (src / "loans.csv").write_text(
        LOANS_HEADER
        + "L1,B1,2024-01-10,1000.00,2,cash_loan,Guangdong,A,app_store,,\n"
        + "L2,B2,2024-01-10,1000.00,2,cash_loan,Guangdong,A,app_store,,\n",
        encoding="utf-8",
    )
    (src / "installments.csv").write_text(two_month_schedules("L1", "L2"), encoding="utf-8")
    (src / "repayments.csv").write_text(
        "loan_id,payment_id,paid_date,amount\nL1,P1,2024-02-10,510.00\n", encoding="utf-8"
    )
    bad_at = {3, N_ACTIONS // 2, N_ACTIONS}  # data rows (1-based) with an unknown channel
    expected: dict[int, str] = {}
    valid = 0
    line = 1  # the header
    with (src / "collection_actions.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(ACTIONS_HEADER)
        for n in range(1, N_ACTIONS + 1):
            line += 1
            if n in bad_at:
                fh.write(_action(n, "pigeon"))
                expected[line] = f"A{n:08d}"
            elif n == 10:  # a quoted agency over two lines: every later line is one further on
                fh.write(_action(n).replace(",,delivered", ',"North\nAgency",delivered'))
                line += 1
                valid += 1
            elif n == N_ACTIONS // 3:  # a malformed line: one field short
                fh.write(_action(n).replace(",borrower", ""))
                expected[line] = "wrong_field_count"
            else:
                fh.write(_action(n))
                valid += 1
    assert (src / "collection_actions.csv").stat().st_size > MIN_BYTES
    db = tmp / "ledger.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEDGER_STAGE", request.param)
        report = import_paths([src], db, as_of=date(2024, 3, 31))
    assert report.tables["collection_actions"]["loaded"] == valid
    return db, expected, valid


def test_every_rejected_row_is_reported_at_its_own_line(
    imported: tuple[Path, dict[int, str], int],
) -> None:
    db, expected, _valid = imported
    got = {r["line"]: r for r in rejects(db) if r["table_name"] == "collection_actions"}
    assert sorted(got) == sorted(expected)
    for line, what in expected.items():
        row = got[line]
        if what == "wrong_field_count":
            assert reason_code(row["reason"]) == "wrong_field_count"
        else:
            assert reason_code(row["reason"]) == "unknown_channel"
            assert row["original_text"].startswith(what + ","), row


def test_the_rows_loaded_are_the_valid_ones(imported: tuple[Path, dict[int, str], int]) -> None:
    import duckdb

    db, expected, valid = imported
    con = duckdb.connect(str(db), read_only=True)
    try:
        n, pigeons, agency = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE channel = 'pigeon'), "
            "max(agency) FROM collection_actions"
        ).fetchone()
    finally:
        con.close()
    assert (n, pigeons, agency) == (valid, 0, "North\nAgency")
