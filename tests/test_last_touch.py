"""Last-touch attribution at its edges (METRICS.md §9, ledger/sql/derive/81_payment_status.sql).

The random ledgers of test_reference_vs_sql never put two actions of a loan at one instant, so
the tie-break is pinned here: among actions at the same time the one with the greatest action_id
is the latest. An action at midnight after the payment day is after the payment, not on it. And
only collection recoveries are credited to an action at all.
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
    "L2,B2,2024-01-10,1000.00,2,cash_loan,Guangdong,A,app_store,,\n"
)
INSTALLMENTS = two_month_schedules("L1", "L2")
# L1 is past due from 2024-02-11, so P1 on 2024-03-20 is a collection recovery; L2 pays early.
REPAYMENTS = """payment_id,loan_id,paid_date,amount
P1,L1,2024-03-20,510.00
P2,L2,2024-02-09,510.00
"""
ACTIONS = (
    ACTIONS_HEADER
    + """A2,L1,2024-03-15 10:00:00,sms,,delivered,,,0.05,false,borrower
A3,L1,2024-03-15 10:00:00,phone,,contacted,,,2.00,false,borrower
A1,L1,2024-03-15 10:00:00,field_visit,,visited,,,80.00,false,borrower
A4,L1,2024-03-21 00:00:00,ivr,,no_answer,,,0.50,false,borrower
A9,L2,2024-02-05 09:00:00,sms,,delivered,,,0.05,false,borrower
"""
)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    exports = {
        "loans.csv": LOANS,
        "installments.csv": INSTALLMENTS,
        "repayments.csv": REPAYMENTS,
        "collection_actions.csv": ACTIONS,
    }
    db = import_exports(tmp_path_factory.mktemp("touch"), exports, AS_OF)
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def test_ties_go_to_the_greatest_action_id_and_midnight_after_is_too_late(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = con.execute(
        "SELECT is_recovery, last_action_id, last_channel, touch_days FROM payment_status"
        " WHERE payment_id = 'P1'"
    ).fetchone()
    assert row == (True, "A3", "phone", 5)


def test_a_payment_that_is_no_recovery_is_credited_to_no_action(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = con.execute(
        "SELECT is_recovery, last_action_id, last_channel, touch_days FROM payment_status"
        " WHERE payment_id = 'P2'"
    ).fetchone()
    assert row == (False, None, None, None)


def test_channel_performance_credits_the_tie_winner(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(con, "channel_performance", as_of=AS_OF, window_days=7)
    recovered = {r.channel: r.recovered for r in frame.itertuples() if r.recovered}
    assert recovered == {"phone": 510}
