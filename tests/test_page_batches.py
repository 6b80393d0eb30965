"""A page's independent queries run at once (ui.data.metrics), and the benchmark times them so.

metrics() must give each call's own table, in the order asked, cached as metric() caches it,
and raise a call's error. The pages that draw their controls before their data must keep their
sections in reading order, and take the controls away again when there is nothing to show.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app_support import open_page
from tests.golden import REPO

CALLS = [
    ("channel_performance", {"window_days": 7, "by": "bucket", "bucket": "M2"}),
    ("channel_cure", {"bucket": "M2"}),
    ("channel_funnel", {"bucket": "M2"}),
    ("agency_league", {"window_days": 7, "level": "agent"}),
    ("compliance", {"by": "month"}),
    ("repayment_plans", {"by": "quarter", "kept_months": 3, "cure_days": 180}),
    ("overdue_rate", {"thresholds": [30]}),
]
NOTHING = {"f_risk_grade": "A", "f_credit_band": "0450-0499"}


@pytest.fixture
def app_data(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    import streamlit as st

    from ui import data

    monkeypatch.setenv("LEDGER_DB", str(sample_db))
    st.cache_data.clear()
    yield data
    st.cache_data.clear()


def test_a_batch_gives_each_calls_own_table_in_order(app_data: ModuleType) -> None:
    import streamlit as st

    data = app_data
    together = data.metrics(*CALLS)
    st.cache_data.clear()
    alone = [data.metric(name, **params) for name, params in CALLS]
    assert len(together) == len(CALLS)
    for (name, _), got, want in zip(CALLS, together, alone, strict=True):
        assert not want.empty, name
        pd.testing.assert_frame_equal(got, want, obj=name)


def test_a_batch_is_cached_like_single_calls(
    app_data: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    import queries

    data = app_data
    ran: list[str] = []
    real_run = queries.run

    def counting(con: object, name: str, **params: object) -> pd.DataFrame:
        ran.append(name)
        return real_run(con, name, **params)

    monkeypatch.setattr(queries, "run", counting)
    name, params = CALLS[0]
    first = data.metric(name, **params)
    assert ran == [name]
    again = data.metrics(*CALLS[:3])
    assert sorted(ran) == sorted([name, CALLS[1][0], CALLS[2][0]])  # the first came from the cache
    pd.testing.assert_frame_equal(again[0], first)
    # callers get copies: changing one leaves the cached table alone
    again[0][again[0].columns[-1]] = -1
    pd.testing.assert_frame_equal(data.metrics(*CALLS[:2])[0], first)
    assert len(ran) == 3


def test_a_batch_raises_a_calls_error(app_data: ModuleType) -> None:
    from queries import QueryError

    with pytest.raises(QueryError, match="unknown metric"):
        app_data.metrics(CALLS[0], ("no_such_metric", {}))
    with pytest.raises(QueryError, match="takes no parameter"):
        app_data.metrics(CALLS[0], ("overdue_rate", {"colour": "red"}))


def _page_timing() -> ModuleType:
    sys.path.insert(0, str(REPO / "bench"))
    import page_timing

    return page_timing


def test_the_benchmark_groups_a_pages_batches() -> None:
    batched = _page_timing().batched
    calls = [
        ("lookup", "conduct_settings", {}, None),
        ("metric", "a", {}, 3),
        ("metric", "b", {}, 3),
        ("metric", "c", {}, None),
        ("metric", "d", {}, None),
        ("metric", "e", {}, 4),
        ("metric", "f", {}, 4),
        ("metric", "g", {}),  # recorded before batches: alone
    ]
    assert batched(calls) == [[0], [1, 2], [3], [4], [5, 6], [7]]


def test_the_benchmark_times_a_batch_at_once(sample_db: Path) -> None:
    time_calls = _page_timing().time_calls
    calls = [("lookup", "conduct_settings", {}, None)] + [
        ("metric", name, params, 1) for name, params in CALLS[:3]
    ]
    result = time_calls(sample_db, calls, warm_runs=2)
    assert result["calls"] == 4 and result["batches"] == 1
    assert [c["query"] for c in result["per_call"]] == [
        "lookup:conduct_settings",
        *(f"metric:{name}" for name, _ in CALLS[:3]),
    ]
    assert all(c["warm_ms"] > 0 for c in result["per_call"])


def _main_controls(at: AppTest) -> list[str]:
    keys = []
    for kind in ("selectbox", "button_group"):
        keys += [w.key for w in at.main.get(kind)]
    return keys


@pytest.mark.parametrize(
    ("page", "sections", "controls"),
    [
        (
            "pages/agencies.py",
            ["ag_league_title", "ag_curve_title", "ag_agents_title"],
            {"ag_bucket", "ag_split", "ag_owner"},
        ),
        (
            "pages/conduct.py",
            [
                "cd_rules_title",
                "cd_by_title",
                "cd_trend_title",
                "cd_complaints_title",
                "cd_drill_title",
            ],
            {"cd_by", "cd_rule", "cd_ch", "cd_ag"},
        ),
    ],
)
def test_controls_first_pages_keep_reading_order(
    sample_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    page: str,
    sections: list[str],
    controls: set[str],
) -> None:
    from charts.i18n import t

    at = open_page(sample_db, page, monkeypatch, lang="en")
    titles = [str(s.value) for s in at.subheader]
    found = [titles.index(t(key, "en")) for key in sections]
    assert found == sorted(found), titles
    assert controls <= set(_main_controls(at))
    empty = open_page(sample_db, page, monkeypatch, lang="en", **NOTHING)
    assert "No data for this selection" in " ".join(str(i.value) for i in empty.info)
    assert not set(_main_controls(empty)) & controls
