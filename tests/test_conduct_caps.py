"""The conduct caps count a borrower's calls over all their loans, whatever segment is filtered.

One borrower with two loans of different products gets four phone calls about one loan and three
about the other on the same day: seven dials, over the dial cap of six. Filtering to either
product must still show that borrower-day (README: "Conduct caps and segment filters"), in the
compliance counts, the agency league and the drill-down; a day under the cap never shows.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

import queries
from tests.import_support import (
    ACTIONS_HEADER,
    LOANS_HEADER,
    import_exports,
    two_month_schedules,
)

AS_OF = date(2024, 3, 31)
LOANS = LOANS_HEADER + (
    "L1,B1,2024-01-10,1000.00,2,cash_loan,Guangdong,A,app_store,,\n"
    "L2,B1,2024-01-10,1000.00,2,card,Guangdong,A,app_store,,\n"
    "L3,B2,2024-01-10,1000.00,2,card,Guangdong,A,app_store,,\n"
)
INSTALLMENTS = two_month_schedules("L1", "L2", "L3")
REPAYMENTS = """payment_id,loan_id,paid_date,amount
P1,L1,2024-03-20,510.00
"""


def _actions() -> str:
    rows = []
    # B1 on 2024-02-20: 4 calls about L1 (cash_loan) and 3 about L2 (card): 7 dials > 6
    for i in range(4):
        rows.append(
            f"A1{i},L1,2024-02-20 1{i}:00:00,phone,速达信息,no_answer,,,1.00,false,borrower"
        )
    for i in range(3):
        rows.append(f"A2{i},L2,2024-02-20 1{i}:30:00,phone,,no_answer,,,1.00,false,borrower")
    # B2 on the same day: 6 dials, not over the cap
    for i in range(6):
        rows.append(f"A3{i},L3,2024-02-20 1{i}:00:00,phone,,no_answer,,,1.00,false,borrower")
    return ACTIONS_HEADER + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    exports = {
        "loans.csv": LOANS,
        "installments.csv": INSTALLMENTS,
        "repayments.csv": REPAYMENTS,
        "collection_actions.csv": _actions(),
    }
    db = import_exports(tmp_path_factory.mktemp("caps"), exports, AS_OF)
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def _rule(frame: object, rule: str) -> int:
    rows = frame[frame.rule == rule]  # type: ignore[index, attr-defined]
    return int(rows["count"].sum())


@pytest.mark.parametrize(
    ("filters", "days"),
    [((), 1), (("product=cash_loan",), 1), (("product=card",), 1)],
)
def test_over_dial_cap_day_shows_under_any_product_filter(
    con: duckdb.DuckDBPyConnection, filters: tuple[str, ...], days: int
) -> None:
    frame = queries.run(con, "compliance", as_of=AS_OF, filters=list(filters))
    assert _rule(frame, "over_dial_cap_borrower_days") == days


def test_cap_day_counts_once_per_agency_that_called(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(con, "compliance", as_of=AS_OF, by="agency")
    per_agency = frame[frame.rule == "over_dial_cap_borrower_days"].set_index("agency")["count"]
    # the agency made 4 of the 7 calls; in-house ('(none)') made the other 3: once each
    assert per_agency.to_dict() == {"(none)": 1, "速达信息": 1}
    league = queries.run(con, "agency_league", as_of=AS_OF, level="agency")
    assert league.set_index("agency")["over_dial_cap_borrower_days"].to_dict() == {"速达信息": 1}


def test_drill_down_shows_the_days_calls_with_the_borrower_days_total(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = queries.run(
        con, "conduct_actions", as_of=AS_OF, rule="over_dial_cap", filters=["product=card"]
    )
    # the card loan's three calls, each with the borrower-day's seven dials
    assert sorted(rows.action_id) == ["A20", "A21", "A22"]
    assert set(rows.borrower_day_dials) == {7}
    assert set(rows.rows_total) == {3}
