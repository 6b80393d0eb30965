"""Invariants every ledger must satisfy, checked on the golden ledger and the bundled sample."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from ledger.db import connect

DBS = ["golden_db", "sample_db"]


@pytest.fixture(params=DBS)
def con(request: pytest.FixtureRequest) -> duckdb.DuckDBPyConnection:
    path: Path = request.getfixturevalue(request.param)
    # the app's settings: DuckDB refuses a second configuration for a file already open
    connection = connect(path, read_only=True)
    yield connection
    connection.close()


def test_roll_matrix_rows_sum_to_one(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(con, "roll_matrix")
    assert not frame.empty
    sums = frame.groupby(["to_month_end", "basis", "from_state"]).share.sum()
    # a balance row whose principal is all zero has no shares (NULL), never a division error
    assert ((sums - 1).abs() < 1e-9).all(), sums[(sums - 1).abs() >= 1e-9]


def test_bucket_counts_add_up_to_the_book(con: duckdb.DuckDBPyConnection) -> None:
    buckets = queries.run(con, "bucket_distribution")
    per_month = buckets.groupby("month_end")[["loans", "outstanding_principal"]].sum()
    book = (
        con.execute(
            """
        SELECT month_end, count(*) AS loans, sum(outstanding_principal) AS outstanding
        FROM loan_month WHERE state NOT IN ('WO', 'closed') GROUP BY month_end
        """
        )
        .df()
        .set_index("month_end")
    )
    per_month.index = pd.to_datetime(per_month.index)
    book.index = pd.to_datetime(book.index)
    assert (per_month.loans == book.loans).all()
    assert ((per_month.outstanding_principal - book.outstanding).abs() < 0.005).all()
    rates = queries.run(con, "overdue_rate", thresholds=[1])
    count_rates = rates[rates.basis == "count"].set_index("month_end")
    count_rates.index = pd.to_datetime(count_rates.index)
    assert (count_rates.denominator == book.loans).all()


def test_loan_month_states_partition_every_loan(con: duckdb.DuckDBPyConnection) -> None:
    """Every loan has exactly one state per month-end from disbursement to the as-of month."""
    row = con.execute(
        """
        SELECT count(*) FILTER (WHERE n <> 1) AS duplicated,
               (SELECT count(*) FROM loan_status l
                WHERE NOT EXISTS (SELECT 1 FROM loan_month m WHERE m.loan_id = l.loan_id)
                  AND last_day(l.disbursed_date) <= (SELECT as_of FROM derive_settings)) AS missing
        FROM (SELECT loan_id, month_end, count(*) AS n FROM loan_month GROUP BY ALL)
        """
    ).fetchone()
    assert row == (0, 0)


def test_rates_without_denominator_are_null(con: duckdb.DuckDBPyConnection) -> None:
    # a filter that matches nothing: no rows, and no error
    nothing = ["product=__no_such_product__"]
    for metric in ("overdue_rate", "entry_rate", "fpd", "vintage", "recovery_curve", "flow_rate"):
        assert queries.run(con, metric, filters=nothing).empty, metric
    flows = queries.run(con, "flow_rate")
    empty_denominator = flows[flows.denominator == 0]
    assert empty_denominator.rate.isna().all()
    channels = queries.run(con, "channel_performance")
    no_recovery = channels[channels.recovered.fillna(0) == 0]
    assert no_recovery.cost_per_recovered.isna().all()


def test_money_stays_decimal(con: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        con.execute(
            """
            SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
            WHERE column_name IN ('principal', 'amount', 'outstanding_principal',
                                  'past_due_amount', 'amount_due', 'wo_principal', 'cum_paid')
            """
        ).fetchall()
    )
    assert types and all(t.startswith("DECIMAL") for t in types.values()), types


def test_only_recoveries_are_credited_to_an_action(con: duckdb.DuckDBPyConnection) -> None:
    """payment_status looks the last touch up for collection recoveries only (81_payment_status:
    every query reads it for recoveries only), and finds one for the sample's recoveries."""
    credited, recoveries_touched = con.execute(
        "SELECT count(*) FILTER (WHERE NOT is_recovery AND last_action_id IS NOT NULL),"
        " count(*) FILTER (WHERE is_recovery AND last_action_id IS NOT NULL)"
        " FROM payment_status"
    ).fetchone()
    assert credited == 0
    if con.execute("SELECT count(*) FROM action_status").fetchone()[0] > 0:
        assert recoveries_touched > 0
