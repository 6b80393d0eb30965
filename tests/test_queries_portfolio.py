"""The portfolio pages' metrics agree with the core metrics they restate (one definition, one
place): KPIs against overdue_rate / entry_rate / net_flow_to_loss / write_offs, movers against
overdue_rate by segment, FPD and cure with maturity against fpd and cure_rate, pooled vintage of
one cohort against vintage. Run on the bundled sample (realistic) and the golden ledger (tiny).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import queries
from ledger.db import connect

RATE_KPIS = {
    ("dpd1_balance", 1, "balance"),
    ("dpd30_balance", 30, "balance"),
    ("dpd90_balance", 90, "balance"),
    ("dpd1_count", 1, "count"),
    ("dpd30_count", 30, "count"),
    ("dpd90_count", 90, "count"),
}


@pytest.fixture(scope="module", params=["sample", "golden"])
def con(request: pytest.FixtureRequest) -> duckdb.DuckDBPyConnection:
    path: Path = request.getfixturevalue(f"{request.param}_db")
    # the app's own settings: a connection with other settings on the same file is refused
    # while the page tests' cached connection is open in this process
    connection = connect(path, read_only=True)
    yield connection
    connection.close()


def kpi(frame: pd.DataFrame, name: str) -> pd.Series:
    rows = frame.loc[frame.kpi == name]
    return pd.Series(rows.value.to_numpy(), index=pd.to_datetime(rows.month_end))


def close(a: pd.Series, b: pd.Series) -> None:
    a, b = a.sort_index(), b.sort_index()
    assert list(a.index) == list(b.index)
    np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, equal_nan=True)


def test_kpi_rates_are_the_overdue_rates(con: duckdb.DuckDBPyConnection) -> None:
    for filters in ([], ["product=cash_loan"]):
        kpis = queries.run(con, "portfolio_kpis", filters=filters)
        rates = queries.run(con, "overdue_rate", filters=filters, thresholds=[1, 30, 90])
        for name, n, basis in RATE_KPIS:
            rows = rates.loc[(rates.threshold == n) & (rates.basis == basis)]
            close(kpi(kpis, name), pd.Series(rows.rate.to_numpy(), pd.to_datetime(rows.month_end)))


def test_kpi_entry_rate_net_flow_and_write_offs(con: duckdb.DuckDBPyConnection) -> None:
    kpis = queries.run(con, "portfolio_kpis")
    entry = queries.run(con, "entry_rate")
    entry = entry.loc[entry.basis == "amount"]
    expected = pd.Series(
        entry.rate.to_numpy(), pd.to_datetime(entry.due_month + "-01") + pd.offsets.MonthEnd(0)
    )
    got = kpi(kpis, "entry_rate")
    close(got.loc[got.index.isin(expected.index)], expected.loc[expected.index.isin(got.index)])

    nfl = queries.run(con, "net_flow_to_loss")
    close(
        kpi(kpis, "net_flow_to_loss"), pd.Series(nfl.rate.to_numpy(), pd.to_datetime(nfl.month_end))
    )

    wo = queries.run(con, "write_offs")
    per_month = (
        wo.assign(m=pd.to_datetime(wo.written_off_date) + pd.offsets.MonthEnd(0))
        .groupby("m")
        .written_off_principal.sum()
        .astype(float)
    )
    got = kpi(kpis, "write_offs")
    assert (got.loc[~got.index.isin(per_month.index)] == 0).all()
    close(got.loc[per_month.index], per_month)


def test_kpi_changes_and_period(con: duckdb.DuckDBPyConnection) -> None:
    kpis = queries.run(con, "portfolio_kpis")
    rate = kpis.loc[kpis.kpi == "dpd30_balance"].reset_index(drop=True)
    np.testing.assert_allclose(
        rate.change_1m.to_numpy(float)[1:],
        (rate.value - rate.value.shift(1)).to_numpy(float)[1:],
        equal_nan=True,
    )
    balance = kpis.loc[kpis.kpi == "balance"].reset_index(drop=True)
    np.testing.assert_allclose(
        balance.change_1m.to_numpy(float)[1:],
        (balance.value / balance.value.shift(1) - 1).to_numpy(float)[1:],
        equal_nan=True,
    )
    assert rate.change_1m.isna().iloc[0]  # nothing before the first month-end: NULL, not 0
    # a shorter period shows fewer months, with the same values and comparisons
    last = pd.to_datetime(kpis.month_end).max()
    start = (last - pd.offsets.MonthBegin(3)).date()
    short = queries.run(con, "portfolio_kpis", period_start=start)
    assert pd.to_datetime(short.month_end).min() >= pd.Timestamp(start)
    merged = short.merge(kpis, on=["month_end", "kpi"], suffixes=("", "_all"))
    assert len(merged) == len(short)
    for column in ("value", "change_1m", "change_12m"):
        np.testing.assert_allclose(
            merged[column].to_numpy(float), merged[f"{column}_all"].to_numpy(float), equal_nan=True
        )


def test_kpis_of_an_empty_selection(con: duckdb.DuckDBPyConnection) -> None:
    assert queries.run(con, "portfolio_kpis", filters=["product=no such product"]).empty
    assert queries.run(con, "segment_movers", filters=["product=no such product"]).empty


def test_movers_rates_ranks_and_sizes(con: duckdb.DuckDBPyConnection) -> None:
    as_of = queries.runner.as_of_of(con)
    movers = queries.run(con, "segment_movers", compare="1m", basis="count")
    min_size = con.execute("SELECT min_segment_size FROM derive_settings").fetchone()[0]
    assert (movers.too_small == ((movers.loans < min_size) | (movers.loans_then < min_size))).all()
    ranked = movers.loc[movers["rank"].notna()]
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert (ranked.change.abs().diff().dropna() <= 1e-12).all()
    for segment in movers.segment.unique()[:3]:
        rates = queries.run(con, "overdue_rate", thresholds=[30], by=segment)
        at = rates.loc[
            (pd.to_datetime(rates.month_end) == pd.to_datetime(movers.month_end.iloc[0]))
            & (rates.basis == "count")
        ].set_index(segment)
        mine = movers.loc[(movers.segment == segment) & (movers.loans > 0)].set_index("value")
        close(mine.rate, at.rate.loc[mine.index])
    assert movers.loc[movers.loans == 0, "rate"].isna().all()
    assert pd.to_datetime(movers.month_end.iloc[0]) <= pd.Timestamp(as_of)
    fixed = queries.run(con, "segment_movers", filters=["product=cash_loan"])
    assert "product" not in set(fixed.segment)


def test_fpd_and_cure_with_maturity_restate_the_core_metrics(
    con: duckdb.DuckDBPyConnection,
) -> None:
    mine = queries.run(con, "fpd_by_cohort", thresholds=[1, 7, 30])
    core = queries.run(con, "fpd", thresholds=[1, 7, 30])
    observed = mine.loc[mine.loans > 0].set_index(["cohort", "threshold"])
    core = core.set_index(["cohort", "threshold"])
    assert set(observed.index) == set(core.index)
    close(observed.rate, core.rate.loc[observed.index])
    assert mine.loc[mine.loans == 0, "rate"].isna().all()  # nothing observed: no rate, not 0
    assert (mine.mature == (mine.loans == mine.cohort_loans)).all()

    mine = queries.run(con, "cure_by_due_month", cure_days=[7, 30])
    core = queries.run(con, "cure_rate", cure_days=[7, 30]).set_index(["due_month", "cure_days"])
    observed = mine.loc[mine.observed_amount > 0].set_index(["due_month", "cure_days"])
    assert set(observed.index) == set(core.index)
    close(observed.rate, core.rate.loc[observed.index])
    assert mine.loc[mine.observed_amount == 0, "rate"].isna().all()


def test_pooled_vintage_of_one_cohort_is_its_vintage(con: duckdb.DuckDBPyConnection) -> None:
    as_of = queries.runner.as_of_of(con)
    vintage = queries.run(con, "vintage", threshold=30)
    cohort = sorted(vintage.cohort.unique())[-3]
    start = date.fromisoformat(f"{cohort}-01")
    horizon = (as_of.year - start.year) * 12 + as_of.month - start.month
    # from this cohort on, only it has reached the horizon: the pool is this one cohort
    pooled = queries.run(
        con, "vintage_pooled", threshold=30, period_start=start, max_mob=horizon
    ).set_index(["mob", "basis"])
    one = vintage.loc[vintage.cohort == cohort].set_index(["mob", "basis"])
    assert set(pooled.index) == set(one.index)
    close(pooled.rate, one.rate.loc[pooled.index])
    assert (pooled.cohorts == 1).all()
    # the same cohorts at every MOB: an ever-rate curve never falls
    wide = queries.run(con, "vintage_pooled", threshold=30, max_mob=2)
    for _, curve in wide.groupby("basis"):
        assert curve.cohorts.nunique() == 1
        assert (curve.sort_values("mob").rate.diff().dropna() >= -1e-12).all()
    assert queries.run(con, "vintage_pooled", threshold=5).empty  # not precomputed: no rows
    assert queries.run(con, "vintage_pooled", max_mob=999).empty  # no cohort that old


# entry_rate's definition straight from the installments (METRICS.md §4), as the query read it
# before mart_entry: the oracle for the mart plus the days of a month the as-of date cuts.
ENTRY_FROM_INSTALLMENTS = """
SELECT strftime(i.due_date, '%Y-%m') AS due_month, g.segment_value,
       coalesce(sum(i.amount_due) FILTER (
           WHERE i.paid_off_date IS NULL OR i.paid_off_date > i.due_date), 0) AS amount_entered,
       sum(i.amount_due) AS amount_due,
       count(*) FILTER (WHERE i.paid_off_date IS NULL OR i.paid_off_date > i.due_date) AS n_entered,
       count(*) AS n_due
FROM installment_status i
JOIN seg_groups($by) g USING (seg_id)
WHERE i.due_date <= $as_of
  AND (i.end_day IS NULL OR i.end_day > i.due_date)
  AND i.seg_id IN (SELECT seg_id FROM seg_filter($filters))
GROUP BY ALL
ORDER BY ALL
"""


def test_entry_rate_at_any_as_of_is_the_installments_definition(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Whole months come from mart_entry, the days of a month cut by the as-of date from
    installment_status: at the derived as-of, mid-month, on the first and the last day of a month
    the figures (and the overview's entry KPI) equal the definition over the installments."""
    derived = con.execute("SELECT as_of FROM derive_settings").fetchone()[0]
    first = derived.replace(day=1)
    as_ofs = [derived, first, first - pd.Timedelta(days=1), derived - pd.Timedelta(days=40)]
    as_ofs += [(first - pd.Timedelta(days=70)).replace(day=15)]
    product = con.execute(
        "SELECT value FROM segment_values WHERE segment = 'product' ORDER BY value LIMIT 1"
    ).fetchone()[0]
    for as_of in as_ofs:
        for filters, by in (([], ""), ([f"product={product}"], "risk_grade")):
            got = queries.run(con, "entry_rate", as_of=as_of, filters=filters, by=by)
            want = con.execute(
                ENTRY_FROM_INSTALLMENTS, {"as_of": as_of, "by": by, "filters": filters}
            ).df()
            assert len(want) > 0
            for basis, num, den in (
                ("amount", "amount_entered", "amount_due"),
                ("count", "n_entered", "n_due"),
            ):
                # the runner names the split column after $by (dropped when there is none)
                split = by or "due_month"
                rows = got.loc[got.basis == basis].sort_values(["due_month", split])
                assert list(rows.due_month) == list(want.due_month), (as_of, basis)
                if by:
                    assert list(rows[by]) == list(want.segment_value)
                assert [float(x) for x in rows.numerator] == [float(x) for x in want[num]]
                assert [float(x) for x in rows.denominator] == [float(x) for x in want[den]]
        kpis = queries.run(con, "portfolio_kpis", as_of=as_of)
        entry = queries.run(con, "entry_rate", as_of=as_of)
        entry = entry.loc[entry.basis == "amount"]
        expected = pd.Series(
            entry.rate.to_numpy(),
            pd.to_datetime(entry.due_month + "-01") + pd.offsets.MonthEnd(0),
        )
        got_kpi = kpi(kpis, "entry_rate")
        # the KPI of a month cut by the as-of date is dated that month's end
        close(
            got_kpi.loc[got_kpi.index.isin(expected.index)],
            expected.loc[expected.index.isin(got_kpi.index)],
        )
