"""The roll-rate and risk-driver metrics against simple, independent computations.

- roll_matrix_average over one month pair is roll_matrix for that pair; over a window it is the
  pooled sum (checked against summing roll_matrix's values in Python); every row sums to 1.
- roll_matrix_compare with the same group twice has no difference; a side equals the pooled
  matrix of that group alone.
- segment_ranking: the Wilson interval as the textbook formula computes it, lift = rate /
  book rate, the book rate from the whole filtered book, too-small values unranked and last;
  the ranking's loans per value add up to the cross-tab's margins.
- the uploads helper refuses zip members that escape the folder and decodes GBK names.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from ledger.db import connect
from queries.registry_drivers import MEASURES, measure_for
from ui.uploads import UnsafeUpload, report_tables, save_uploads, unpack_zip

AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def con(sample_db: Path) -> duckdb.DuckDBPyConnection:
    # the app's own settings: a connection with other settings on the same file is refused
    # while a page test's cached connection is open in this process
    connection = connect(sample_db, read_only=True)
    yield connection
    connection.close()


def _cells(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.set_index(["from_state", "to_state"])[column].astype(float)


# ------------------------------------------------------------------ roll matrices
@pytest.mark.parametrize("basis", ["count", "balance"])
def test_one_month_window_is_that_months_roll_matrix(
    con: duckdb.DuckDBPyConnection, basis: str
) -> None:
    month = date(2025, 6, 30)
    pooled = queries.run(
        con, "roll_matrix_average", basis=basis, first_month_end=month, last_month_end=month
    )
    assert len(pooled) == 7 * 9 and (pooled.month_pairs == 1).all()
    single = queries.run(con, "roll_matrix", as_of=month)
    single = single[(pd.to_datetime(single.to_month_end) == pd.Timestamp(month))]
    single = single[single.basis == basis]
    got = _cells(pooled, "share")
    want = _cells(single, "share").reindex(got.index).fillna(0.0)
    assert ((got - want).abs() < 1e-12).all()


def test_window_pools_values_and_rows_sum_to_one(con: duckdb.DuckDBPyConnection) -> None:
    first = date(2025, 11, 30)
    pooled = queries.run(con, "roll_matrix_average", basis="balance", first_month_end=first)
    monthly = queries.run(con, "roll_matrix")
    monthly = monthly[
        (monthly.basis == "balance") & (pd.to_datetime(monthly.to_month_end) >= pd.Timestamp(first))
    ]
    summed = monthly.groupby(["from_state", "to_state"]).value.sum().astype(float)
    got = _cells(pooled, "value")
    assert ((got - summed.reindex(got.index).fillna(0.0)).abs() < 0.005).all()
    rows = pooled.groupby("from_state").share.sum()
    assert ((rows - 1).abs() < 1e-9).all()
    assert pooled.month_pairs.iloc[0] == 12


def test_compare_same_group_twice_has_no_difference(con: duckdb.DuckDBPyConnection) -> None:
    cohorts = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]  # a quarter
    frame = queries.run(
        con, "roll_matrix_compare", basis="count", cohorts_a=cohorts, cohorts_b=cohorts
    )
    assert (frame["diff"].dropna().abs() < 1e-12).all()
    alone = queries.run(con, "roll_matrix_average", basis="count", cohorts=cohorts)
    a = _cells(frame, "share_a").dropna()
    assert ((a - _cells(alone, "share").reindex(a.index)).abs() < 1e-12).all()


def test_compare_sides_follow_their_own_filters(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(
        con,
        "roll_matrix_compare",
        basis="count",
        filters_a=["risk_grade=A"],
        filters_b=["risk_grade=E"],
    )
    a = queries.run(con, "roll_matrix_average", basis="count", filters=["risk_grade=A"])
    e = queries.run(con, "roll_matrix_average", basis="count", filters=["risk_grade=E"])
    assert (_cells(frame, "value_a") == _cells(a, "value")).all()
    assert (_cells(frame, "value_b") == _cells(e, "value")).all()
    diff = _cells(frame, "diff").dropna()
    want = (_cells(e, "share") - _cells(a, "share")).reindex(diff.index)
    assert ((diff - want).abs() < 1e-12).all()
    # grade E rolls forward from M1 more often than grade A
    assert frame.set_index(["from_state", "to_state"]).loc[("M1", "M2"), "diff"] > 0


def test_window_with_nothing_in_it_is_null_not_zero(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(
        con,
        "roll_matrix_average",
        basis="count",
        cohorts=[date(2026, 10, 1)],
        first_month_end=date(2024, 1, 31),
        last_month_end=date(2024, 1, 31),
    )
    assert frame.share.isna().all() and (frame.value == 0).all()


# ------------------------------------------------------------------ segment ranking
def wilson(bad: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = bad / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize("measure", MEASURES)
def test_ranking_interval_lift_and_order(con: duckdb.DuckDBPyConnection, measure: str) -> None:
    frame = queries.run(con, "segment_ranking", measure=measure, segment="region")
    assert not frame.empty
    counted = not measure.endswith("_balance")
    for row in frame.itertuples():
        if counted:
            low, high = wilson(int(row.bad_loans), int(row.loans))
            assert abs(row.ci_low - low) < 1e-12 and abs(row.ci_high - high) < 1e-12
            assert row.ci_low <= row.rate <= row.ci_high
            assert abs(row.rate - row.bad_loans / row.loans) < 1e-12
        else:
            assert pd.isna(row.ci_low) and pd.isna(row.ci_high)
            assert abs(row.rate - float(row.numerator) / float(row.amount)) < 1e-12
        assert abs(row.lift - row.rate / row.portfolio_rate) < 1e-12
    # too-small values come last, unranked; the others are ranked by rate
    small = frame.too_small.astype(bool)
    assert (frame.loans[small] < 30).all() and (frame.loans[~small] >= 30).all()
    assert frame["rank"][small].isna().all()
    ranked = frame[~small]
    assert list(ranked["rank"]) == sorted(ranked["rank"])
    assert ranked.rate.is_monotonic_decreasing
    if small.any():
        assert small.idxmax() > (~small)[::-1].idxmax()


def test_book_rate_is_the_whole_filtered_book(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(
        con,
        "segment_ranking",
        measure="dpd30_count",
        segment="risk_grade",
        filters=["product=现金贷"],
    )
    rates = queries.run(con, "overdue_rate", thresholds=[30], filters=["product=现金贷"])
    at = rates[(pd.to_datetime(rates.month_end) == pd.Timestamp(AS_OF)) & (rates.basis == "count")]
    assert abs(frame.portfolio_rate.iloc[0] - at.rate.iloc[0]) < 1e-12
    assert frame.loans.sum() == int(at.denominator.iloc[0])


@pytest.mark.parametrize("measure", ["dpd30_balance", "fpd30", "ever30_mob6_count"])
def test_crosstab_margins_are_the_ranking(con: duckdb.DuckDBPyConnection, measure: str) -> None:
    cross = queries.run(
        con, "segment_crosstab", measure=measure, segment_a="product", segment_b="region"
    )
    ranking = queries.run(con, "segment_ranking", measure=measure, segment="product")
    margins = cross.groupby("row_value")[["loans", "bad_loans"]].sum()
    by_value = ranking.set_index("segment_value")[["loans", "bad_loans"]]
    assert (margins.sort_index() == by_value.sort_index()).all().all()
    assert ((cross.loans < 30) == cross.too_small.astype(bool)).all()


def test_ever30_needs_six_months_of_cohorts(con: duckdb.DuckDBPyConnection) -> None:
    late = queries.run(
        con, "segment_ranking", measure="ever30_mob6_count", period_start=date(2026, 5, 1)
    )
    assert late.empty


def test_measure_for_maps_kind_and_basis() -> None:
    assert measure_for("dpd30", "balance") == "dpd30_balance"
    assert measure_for("fpd30", "balance") == "fpd30"
    assert measure_for("ever30_mob6", "count") == "ever30_mob6_count"
    assert {
        measure_for(k, b) for k in ("dpd30", "fpd30", "ever30_mob6") for b in ("count", "balance")
    } == set(MEASURES)
    with pytest.raises(ValueError):
        measure_for("dpd90", "count")


# ------------------------------------------------------------------ uploads
class FakeUpload:
    def __init__(self, name: str, content: bytes) -> None:
        self.name = name
        self._content = content

    def getbuffer(self) -> memoryview:
        return memoryview(self._content)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _gbk_zip(name: str, content: bytes) -> bytes:
    """A zip as Chinese Windows makes it: the member name in GBK bytes, no UTF-8 flag."""
    raw = name.encode("gbk")
    placeholder = "x" * len(raw)
    return _zip({placeholder: content}).replace(placeholder.encode(), raw)


def test_uploads_are_saved_and_zips_unpacked(tmp_path: Path) -> None:
    files = [
        FakeUpload("loans.csv", b"a,b\n1,2\n"),
        FakeUpload("../../etc/repayments.csv", b"x\n"),  # a name is only ever its last part
        FakeUpload("more.zip", _zip({"exports/installments.csv": b"i\n", "__MACOSX/._x": b""})),
    ]
    paths = save_uploads(files, tmp_path / "up")
    names = sorted(p.relative_to(tmp_path / "up").as_posix() for p in paths)
    assert names == ["loans.csv", "more_unzipped/exports/installments.csv", "repayments.csv"]
    assert not (tmp_path / "up" / "more.zip").exists()


@pytest.mark.parametrize("name", ["../evil.csv", "/abs/evil.csv", "a/../../evil.csv"])
def test_zip_members_cannot_escape(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafeUpload):
        unpack_zip(io.BytesIO(_zip({name: b"x"})), tmp_path / "out")
    assert not (tmp_path / "evil.csv").exists()


def test_zip_bomb_and_odd_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeUpload, match="GiB"):
        unpack_zip(io.BytesIO(_zip({"big.csv": b"0" * 2048})), tmp_path, limit=1024)
    with pytest.raises(UnsafeUpload, match="expected one of"):
        save_uploads([FakeUpload("loans.exe", b"MZ")], tmp_path)


def test_gbk_member_names_are_read_as_chinese(tmp_path: Path) -> None:
    paths = unpack_zip(io.BytesIO(_gbk_zip("贷款.csv", b"x\n")), tmp_path)
    assert [p.name for p in paths] == ["贷款.csv"]


def test_report_tables_reads_the_importers_report() -> None:
    report = '{"tables": {"loans": {"read": 9, "loaded": 7, "rejected": 2}}}'
    assert report_tables(report).to_dict("records") == [
        {"table_name": "loans", "read": 9, "loaded": 7, "rejected": 2}
    ]
    assert report_tables(None).empty and report_tables("not json").empty
