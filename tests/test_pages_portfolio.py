"""AppTest runs of the portfolio pages (overview, overdue trends, early warning, vintage).

Every page in both languages on the bundled sample, the page-local controls and the sidebar
filters that change what is queried, and the designed edge states on the golden ledger: a single
month of data and a filter that selects nothing. A run must raise nothing and show no error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_support import assert_clean, charts, open_page

PAGES = ("pages/overview.py", "pages/trends.py", "pages/early_warning.py", "pages/vintage.py")
TITLES = {
    "pages/overview.py": ("总览", "Overview"),
    "pages/trends.py": ("逾期趋势", "Overdue trends"),
    "pages/early_warning.py": ("早期预警", "Early warning"),
    "pages/vintage.py": ("账龄分析", "Vintage"),
}


def infos(at: AppTest) -> str:
    return " ".join(str(i.value) for i in at.info)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_both_languages(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, lang: str
) -> None:
    at = open_page(sample_db, page, monkeypatch, lang=lang)
    zh, en = TITLES[page]
    assert at.title[0].value == (zh if lang == "zh" else en)
    assert charts(at) >= 1
    assert not at.info or all("未成熟" not in str(i.value) for i in at.info)


def test_overview_cards_movers_and_report(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/overview.py", monkeypatch, lang="en")
    labels = [m.label for m in at.metric]
    # 12 KPI cards (the chosen basis's rates first) and up to 3 movers
    assert labels[0] == "DPD1+ rate (balance)"
    assert {"Balance on book", "Loans on book", "Net flow to loss", "Recoveries in month"} <= set(
        labels
    )
    assert 12 < len(labels) <= 15
    assert "Segments that moved most" in " ".join(h.value for h in at.subheader)
    # the report button is there; its file is built only on click (tested in the chart tests)
    assert any(b.label == "Export report" for b in at.get("download_button"))


def test_overview_count_basis_puts_count_rates_first(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(sample_db, "pages/overview.py", monkeypatch, lang="zh", basis="count")
    assert at.metric[0].label == "DPD1+ 逾期率（笔数）"


@pytest.mark.parametrize(
    "params",
    [
        {"f_product": "cash_loan"},
        {"f_risk_grade": "E", "basis": "count"},
        {"months": "all"},
        {"months": "6", "f_region": "Guangdong"},
    ],
    ids=["product", "grade-count", "all-months", "6m-region"],
)
@pytest.mark.parametrize("page", PAGES)
def test_pages_under_sidebar_filters(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, params: dict[str, str]
) -> None:
    at = open_page(sample_db, page, monkeypatch, lang="en", **params)
    assert charts(at) >= 1


def test_trends_controls(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/trends.py", monkeypatch, lang="en")
    at.multiselect(key="tr_thr").set_value([7, 60]).run()
    assert_clean(at)
    at.selectbox(key="tr_by").set_value("region").run()
    at.selectbox(key="tr_split_thr").set_value(60).run()
    at.toggle(key="tr_m0").set_value(True).run()
    assert_clean(at)
    assert charts(at) == 3
    # extra loan columns of the export are segments too, after the five fixed ones
    assert len(at.selectbox(key="tr_by").options) > 5
    at.multiselect(key="tr_thr").set_value([]).run()
    assert_clean(at)
    assert "Pick at least one threshold" in infos(at)
    assert charts(at) == 1  # the bucket distribution still shows


def test_early_warning_controls(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/early_warning.py", monkeypatch, lang="zh")
    assert charts(at) == 4
    at.multiselect(key="ew_cure").set_value([3, 15, 60]).run()
    at.selectbox(key="ew_by").set_value("product").run()
    at.selectbox(key="ew_fpd_n").set_value(30).run()
    assert_clean(at)
    assert charts(at) == 4


@pytest.mark.parametrize(
    "mode, extra",
    [("curves", {"vt_x": "calendar"}), ("triangle", {}), ("grouped", {"vt_by": "region"})],
)
def test_vintage_modes(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, mode: str, extra: dict[str, str]
) -> None:
    at = open_page(sample_db, "pages/vintage.py", monkeypatch, lang="en")
    at.segmented_control(key="vt_mode").set_value(mode).run()
    for key, value in extra.items():
        widget = at.segmented_control(key=key) if key == "vt_x" else at.selectbox(key=key)
        widget.set_value(value).run()
    at.selectbox(key="vt_n").set_value(7).run()
    assert_clean(at)
    assert charts(at) == 1


def test_page_controls_come_from_the_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copied link reproduces the page-local choices too, by code whatever the language."""
    at = open_page(
        sample_db, "pages/vintage.py", monkeypatch, lang="en", vt_mode="triangle", vt_n="DPD60+"
    )
    assert at.segmented_control(key="vt_mode").value == "triangle"
    assert at.selectbox(key="vt_n").value == 60


# ---------------------------------------------------------------- edge states (golden ledger)


@pytest.mark.parametrize("page", PAGES)
def test_single_month_of_data(golden_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """As of the first month-end there is one month of data: an explanation, not a crash."""
    at = open_page(golden_db, page, monkeypatch, lang="en", asof="2024-01-31")
    if page in ("pages/overview.py", "pages/trends.py"):
        assert "Only one month-end of data" in infos(at)


@pytest.mark.parametrize("page", PAGES)
def test_filter_that_selects_nothing(
    golden_db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """Grade B loans were all disbursed after January 2024: nothing is on book then."""
    at = open_page(golden_db, page, monkeypatch, lang="zh", asof="2024-01-31", f_risk_grade="B")
    assert "所选条件下没有数据" in infos(at)


@pytest.mark.parametrize("page", PAGES)
def test_tiny_ledger_pages(golden_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """Seven loans: every segment too small to rank, cohorts of one or two loans."""
    at = open_page(golden_db, page, monkeypatch, lang="zh")
    assert charts(at) >= 1
