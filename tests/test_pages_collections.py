"""AppTest runs of the collections pages (channels, recovery, agencies, conduct, repayment plans).

Every page in both languages on the bundled sample; the page-local switches (bucket, attribution
window, trend measure, curve split, conduct split, drill-down) from the URL and from the
widgets; a filter that selects nothing; and the golden ledger. A run must raise nothing and show
no error. File contents of downloads are tested on the CSV/xlsx builders in
test_collections_queries.py (AppTest does not see them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_support import assert_clean, charts, open_page

PAGES = {
    "pages/channels.py": ("催收渠道", "Channels"),
    "pages/recovery.py": ("回收", "Recovery"),
    "pages/agencies.py": ("委外机构", "Agencies"),
    "pages/conduct.py": ("合规与投诉", "Conduct & complaints"),
    "pages/repayment_plans.py": ("协商还款", "Repayment plans"),
}
# risk grade A needs a score of 700 or more: no grade-A loan has a score band of 450-499
NOTHING = {"f_risk_grade": "A", "f_credit_band": "0450-0499"}


def texts(at: AppTest) -> str:
    parts = [str(x.value) for x in (*at.info, *at.caption, *at.markdown, *at.subheader)]
    return " ".join(parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_in_both_languages(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, lang: str
) -> None:
    at = open_page(sample_db, page, monkeypatch, lang=lang)
    zh, en = PAGES[page]
    assert at.title[0].value == (zh if lang == "zh" else en)
    assert charts(at) >= 3
    assert len(at.get("download_button")) >= 4
    # labels are translated: no label key leaks onto the page
    shown = texts(at)
    for key in ("ch_", "rc_", "ag_", "cd_", "rp_", "col_", "rule_"):
        assert f" {key}" not in f" {shown}", key


@pytest.mark.parametrize("page", list(PAGES))
def test_a_filter_that_selects_nothing(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    at = open_page(sample_db, page, monkeypatch, lang="en", **NOTHING)
    assert "No data for this selection" in " ".join(str(i.value) for i in at.info)
    assert charts(at) == 0


@pytest.mark.parametrize("page", list(PAGES))
def test_golden_ledger(golden_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """The tiny golden ledger (three agencies' worth of nothing, no repayment plan) still
    renders every page, with empty states where there is nothing to show."""
    at = open_page(golden_db, page, monkeypatch, lang="zh", months="all")
    assert at.title[0].value == PAGES[page][0]


def test_channels_compare_within_a_bucket(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/channels.py", monkeypatch, lang="en")
    assert at.selectbox(key="ch_bucket").value == "M2"
    assert "comparing raw totals across buckets misleads" in texts(at)
    assert "within 7 days" in texts(at)
    scorecard = at.dataframe[0].value
    assert {"field_visit", "sms"} <= set(scorecard["channel"].map(str)) or {
        "Field visit",
        "SMS",
    } <= set(scorecard["channel"].map(str))

    at.selectbox(key="ch_bucket").set_value("M4").run()
    assert_clean(at)
    assert at.query_params["ch_bucket"] == ["M4"] or at.query_params["ch_bucket"] == "M4"
    at.button_group(key="ch_win").set_value("30").run()
    assert_clean(at)
    assert "within 30 days" in texts(at)
    at.button_group(key="ch_measure").set_value("ptp_kept_rate").run()
    assert_clean(at)
    assert charts(at) >= 4


def test_channels_window_and_bucket_from_the_url(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        sample_db, "pages/channels.py", monkeypatch, lang="zh", ch_bucket="M3", ch_win="14"
    )
    assert at.selectbox(key="ch_bucket").value == "M3"
    assert "14 天内" in texts(at)


def test_channels_all_buckets_says_cure_needs_a_bucket(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(sample_db, "pages/channels.py", monkeypatch, lang="en", ch_bucket="all")
    assert "Cure is measured within a bucket" in texts(at)
    assert charts(at) >= 3


def test_agencies_curve_by_placement_month(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(sample_db, "pages/agencies.py", monkeypatch, lang="en")
    league = at.dataframe[0].value
    assert len(league) == 3
    at.button_group(key="ag_split").set_value("month").run()
    assert_clean(at)
    assert at.selectbox(key="ag_agency").value in set(league["agency"])
    at.selectbox(key="ag_bucket").set_value("M4").run()
    assert_clean(at)
    at.selectbox(key="ag_owner").set_value(league["agency"].iloc[0]).run()
    assert_clean(at)


def test_conduct_rules_splits_and_drill_down(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(sample_db, "pages/conduct.py", monkeypatch, lang="zh")
    shown = texts(at)
    # each rule beside the industry rule it encodes and its setting
    for fragment in (
        "22:00–次日 08:00",
        "connected_call_cap = 3",
        "dial_cap = 6",
        "[08:00, 22:00)",
    ):
        assert fragment in shown, fragment
    assert len(at.metric) == 10
    for by in ("channel", "agent"):
        at.button_group(key="cd_by").set_value(by).run()
        assert_clean(at)
    at.selectbox(key="cd_rule").set_value("over_dial_cap").run()
    assert_clean(at)
    drill = at.dataframe[-1].value
    assert "borrower_id" not in drill.columns
    assert {"action_id", "loan_id", "action_at", "channel", "agency"} <= set(drill.columns)


def test_conduct_drill_down_from_the_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(
        sample_db,
        "pages/conduct.py",
        monkeypatch,
        lang="en",
        cd_rule="complaints",
        cd_ch="third_party",
    )
    drill = at.dataframe[-1].value
    assert len(drill) > 0
    assert set(drill["channel"].map(str)) == {"Third-party agency"}
    assert drill["complaint"].all()


def test_repayment_plans_cards(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/repayment_plans.py", monkeypatch, lang="en")
    labels = [m.label for m in at.metric]
    assert labels == ["Plans offered", "Agreed", "Kept", "Cured", "Re-default in 90 days"]
    assert all(m.value not in ("—", "") for m in at.metric)
