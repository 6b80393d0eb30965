"""The whole_book schema (ledger/sql/derive/85_whole_book_macros.sql): the query runner puts it
first on a call's search path when the call asks for whole months of the whole book, so that the
same .sql file binds macros holding only that call's branch. These tests hold that the runner's
test is the SQL macro whole_months(), that every metric gives the same rows either way, and that
a whole_book macro called for anything else fails instead of reading the wrong table.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import queries
from queries.registry import METRICS
from queries.runner import resolve_params, whole_book_call

DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


@pytest.fixture(scope="module")
def sample(sample_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(sample_db), read_only=True)
    yield con
    con.close()


def page_period(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    as_of = queries.as_of_of(con)
    return {"as_of": as_of, "filters": [], "period_start": date(as_of.year - 1, 1, 1)}


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    as_of=DAYS,
    start=st.one_of(st.none(), DAYS),
    end=st.one_of(st.none(), DAYS),
    filtered=st.booleans(),
    aligned=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_runner_test_is_whole_months(
    golden_db: Path,
    as_of: date,
    start: date | None,
    end: date | None,
    filtered: bool,
    aligned: tuple[bool, bool, bool],
) -> None:
    """whole_book_call() in Python decides exactly as whole_months() in SQL. Each date is moved
    to its month boundary in half the examples, so that every one of the conditions decides
    some of them."""

    def month_end(day: date) -> date:
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)

    if aligned[0]:
        as_of = month_end(as_of)
    if aligned[1] and start is not None:
        start = start.replace(day=1)
    if aligned[2] and end is not None:
        end = month_end(end)
    filters = ["product=cash"] if filtered else []
    values = {"as_of": as_of, "filters": filters, "period_start": start, "period_end": end}
    with duckdb.connect(str(golden_db), read_only=True) as con:
        (sql,) = con.execute(
            "SELECT whole_months($filters::VARCHAR[], $as_of, $period_start, $period_end)", values
        ).fetchone()
    assert whole_book_call(values) == sql


def metric_calls() -> list[tuple[str, dict[str, object]]]:
    """Every metric that takes filters and a period, with the groupings the pages use."""
    calls: list[tuple[str, dict[str, object]]] = []
    for name, metric in METRICS.items():
        names = {p.name for p in metric.params}
        if not {"filters", "as_of"} <= names:
            continue
        by = next((p for p in metric.params if p.name == "by"), None)
        for choice in (by.choices if by is not None and by.choices else [None])[:6]:
            calls.append((name, {} if choice is None else {"by": choice}))
    for bucket in ("", "M1", "M3"):
        for by in ("", "bucket", "month", "agency"):
            for window in (3, 7, 30):
                calls.append(
                    ("channel_performance", {"by": by, "bucket": bucket, "window_days": window})
                )
        calls.append(("channel_trend", {"bucket": bucket, "window_days": 14}))
    for level in ("agency", "agent"):
        for window in (3, 30):
            calls.append(("agency_league", {"level": level, "window_days": window}))
    return calls


@pytest.mark.parametrize(("name", "extra"), metric_calls())
def test_whole_book_schema_gives_main_rows(
    sample: duckdb.DuckDBPyConnection, name: str, extra: dict[str, object]
) -> None:
    """A page's call (whole months, no filter) gives the same rows through the whole_book macros
    as through main's, which hold both branches."""
    metric = METRICS[name]
    params = {k: v for k, v in page_period(sample).items() if k in {p.name for p in metric.params}}
    values = resolve_params(sample, metric, {**params, **extra})
    assert whole_book_call(values)
    sql = metric.sql_path.read_text(encoding="utf-8")
    main = sample.cursor().execute(sql, values).df()
    fast = sample.cursor()
    fast.execute("SET search_path = 'whole_book,main'")
    pd.testing.assert_frame_equal(fast.execute(sql, values).df(), main)


def test_sample_recoveries_come_from_several_months(sample: duckdb.DuckDBPyConnection) -> None:
    """The sample has loans recovered in more than one month, so that the comparison above
    checks that recovery_credit_months counts such a loan once over a period."""
    (repeats,) = sample.execute(
        "SELECT count(*) FROM recovery_credit_months WHERE prev_month IS NOT NULL"
    ).fetchone()
    assert repeats > 0


def test_runner_keeps_main_for_a_window_without_monthly_sums(
    sample: duckdb.DuckDBPyConnection,
) -> None:
    """An attribution window the derivation summed no recoveries for reads the payments (main's
    macros): the same rows as with the search path left alone."""
    period = {**page_period(sample), "period_end": queries.as_of_of(sample)}
    (windows,) = sample.execute("SELECT recovery_windows FROM derive_settings").fetchone()
    assert 10 not in windows
    got = queries.run(sample, "channel_performance", **period, by="bucket", window_days=10)
    metric = METRICS["channel_performance"]
    values = resolve_params(sample, metric, {**period, "by": "bucket", "window_days": 10})
    wanted = sample.cursor().execute(metric.sql_path.read_text(encoding="utf-8"), values).df()
    assert list(got["recovered"]) == list(wanted["recovered"])


@pytest.mark.parametrize(
    "call",
    [
        "SELECT * FROM action_counts(['product=cash'], DATE '2024-06-30', NULL, NULL)",
        "SELECT * FROM action_counts([], DATE '2024-06-15', NULL, NULL)",
        "SELECT * FROM unit_accounts([], DATE '2024-06-30', DATE '2024-02-02', NULL, 'agency')",
        "SELECT * FROM cap_day_counts([], DATE '2024-06-30', NULL, DATE '2024-05-30', '')",
        "SELECT * FROM recovery_credits([], DATE '2024-06-30', NULL, NULL, 10, 'bucket', '')",
        "SELECT * FROM unit_recoveries([], DATE '2024-06-30', NULL, NULL, 10, 'agent')",
        "SELECT * FROM unit_recoveries([], DATE '2024-06-30', DATE '2024-01-31', NULL, 7, 'agent')",
    ],
)
def test_whole_book_macros_refuse_other_calls(golden_db: Path, call: str) -> None:
    with duckdb.connect(str(golden_db), read_only=True) as con:
        con.execute("SET search_path = 'whole_book,main'")
        with pytest.raises(duckdb.Error, match="whole_book"):
            con.execute(call).fetchall()
