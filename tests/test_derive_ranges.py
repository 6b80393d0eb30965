"""The derivation in loan ranges (ledger/derive.py: per-loan steps run for lkey ranges of
`chunk_loans` loans and append) gives exactly the tables of a derivation in one go.

Every derived table is compared as a multiset of rows, on random ledgers from
tests/ledger_strategies.py (several loans per borrower, tight conduct caps so that a borrower's
calls on loans in different ranges are counted together), on the golden ledger and on the
bundled sample; the range size is as small as one loan, so every range boundary the ledgers allow
is crossed.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.db import connect
from ledger.derive import as_inserts, derive, derive_files, loan_ranges, read_sql
from ledger.settings import Settings
from tests.golden import expected
from tests.ledger_strategies import ledgers_with_as_of
from tests.reference_compare import load_ledger

EXAMPLES = max(10, int(os.environ.get("REFERENCE_EXAMPLES", "200")) // 5)
RAW = {"loans", "loan_extras", "installments", "repayments", "collection_actions"}


def derived_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows if name not in RAW]


def derive_both_ways(
    con: duckdb.DuckDBPyConnection, as_of: date, chunk_loans: int, project: Settings | None
) -> tuple[dict[str, tuple[int, int, int]], list[str]]:
    """Derive in one go and keep a copy of every derived table (in an attached in-memory
    database), derive again in ranges; per table: (rows, rows only in one go, rows only in ranges),
    as multisets (EXCEPT ALL keeps duplicates), and the steps the ranged derivation reported."""
    derive(con, project, as_of, chunk_loans=10**9)
    names = derived_tables(con)
    con.execute("ATTACH ':memory:' AS whole")
    for name in names:
        con.execute(f"CREATE TABLE whole.{name} AS FROM main.{name}")
    steps: list[str] = []
    derive(con, project, as_of, chunk_loans=chunk_loans, progress=lambda s, *_: steps.append(s))
    assert derived_tables(con) == names
    differences = {}
    for name in names:
        differences[name] = con.execute(
            f"SELECT (SELECT count(*) FROM whole.{name}),"
            f" (SELECT count(*) FROM (FROM whole.{name} EXCEPT ALL FROM main.{name})),"
            f" (SELECT count(*) FROM (FROM main.{name} EXCEPT ALL FROM whole.{name}))"
        ).fetchone()
    con.execute("DETACH whole")
    return differences, steps


def assert_same_tables(differences: dict[str, tuple[int, int, int]]) -> None:
    assert len(differences) >= 20
    for name, (rows, only_whole, only_ranged) in differences.items():
        assert (only_whole, only_ranged) == (0, 0), (
            f"{name} ({rows} rows) differs when derived in loan ranges: {only_whole} rows only "
            f"in one go, {only_ranged} only in ranges"
        )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    case=ledgers_with_as_of(min_loans=2, max_loans=6),
    chunk_loans=st.integers(1, 3),
    caps=st.sampled_from([None, (1, 2), (1, 1)]),
)
def test_random_ledgers_derive_the_same_in_loan_ranges(case, chunk_loans, caps) -> None:
    ledger, as_of = case
    project = Settings(connected_call_cap=caps[0], dial_cap=caps[1]) if caps else Settings()
    con = connect()
    try:
        load_ledger(con, ledger)
        differences, steps = derive_both_ways(con, as_of, chunk_loans, project)
        ranges = loan_ranges(con, chunk_loans)
    finally:
        con.close()
    assert_same_tables(differences)
    if len(ranges) > 1:
        assert any("(loans " in step for step in steps)


def test_ranges_follow_each_other_and_cover_every_loan(sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        loans = con.execute("SELECT count(*) FROM loan_segment").fetchone()[0]
        for chunk_loans in (1_000, 7_000, 10**6):
            ranges = loan_ranges(con, chunk_loans)
            assert len(ranges) == -(-loans // chunk_loans)
            assert ranges[0].lkey_first == 1 and ranges[-1].lkey_last == loans
            for before, after in zip(ranges, ranges[1:], strict=False):
                assert after.lkey_first == before.lkey_last + 1
                assert after.loan_id_first > before.loan_id_last
            for r in ranges:
                # the loan_id bounds hold exactly the range's loans
                inside = con.execute(
                    "SELECT count(*), min(lkey), max(lkey) FROM loan_segment "
                    "WHERE loan_id BETWEEN $a AND $b",
                    {"a": r.loan_id_first, "b": r.loan_id_last},
                ).fetchone()
                assert inside == (r.lkey_last - r.lkey_first + 1, r.lkey_first, r.lkey_last)
    finally:
        con.close()


def test_golden_ledger_in_ranges_of_one_loan(golden_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "golden.duckdb"
    shutil.copy(golden_db, copy)
    con = connect(copy)
    try:
        as_of = date.fromisoformat(expected()["as_of"])
        differences, steps = derive_both_ways(con, as_of, 1, None)
        ranges = loan_ranges(con, 1)
    finally:
        con.close()
    assert_same_tables(differences)
    assert len(ranges) > 1
    assert {s for s in steps if s.startswith("10_pay_day")} == {
        f"10_pay_day (loans {r.lkey_first}-{r.lkey_last})" for r in ranges
    }


def test_sample_ledger_in_ranges(sample_db: Path, tmp_path: Path) -> None:
    """20,000 loans, 13,000 borrowers: ranges of 4,000 loans, as a big ledger's would be."""
    copy = tmp_path / "sample.duckdb"
    shutil.copy(sample_db, copy)
    con = connect(copy)
    try:
        as_of = con.execute("SELECT as_of FROM derive_settings").fetchone()[0]
        differences, steps = derive_both_ways(con, as_of, 4_000, None)
    finally:
        con.close()
    assert_same_tables(differences)
    assert len({s for s in steps if s.startswith("80_action_status (loans ")}) == 5


def test_per_loan_steps_are_single_create_table_statements() -> None:
    per_loan = [p for p in derive_files() if "$lkey_first" in read_sql(p)]
    assert len(per_loan) >= 10
    for path in per_loan:
        assert as_inserts(read_sql(path), path.name).count("INSERT INTO ") == 1, path.name
    with pytest.raises(ValueError, match="only hold CREATE OR REPLACE TABLE"):
        as_inserts("UPDATE loan_status SET wo_principal = 0;", "x.sql")
