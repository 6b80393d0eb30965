"""AppTest runs of the roll-rate, risk-driver and data pages.

Every page in both languages on the bundled sample; the page controls (month pair or pooled
window, cohorts or segment values compared, measure, segment, cross-tab) seeded from the URL and
changed by hand; the sidebar filters that change what is queried; the designed edge states on
the golden ledger (too few loans to rank, nothing to compare, no import report); and the data
page's rejects browser and upload → import → refusal or success. A run must raise nothing and
show no error unless the test asks for one (an import refusal).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from charts.i18n import t
from ledger.importer import import_paths
from tests.app_support import assert_clean, charts, open_page
from tests.golden import golden_dir

TITLES = {
    "pages/roll_rates.py": ("滚动率", "Roll rates"),
    "pages/risk_drivers.py": ("风险归因", "Risk drivers"),
    "pages/data.py": ("数据", "Data"),
}
# rows the messy export adds to the golden ledger: (file, line text)
BAD_ROWS = (
    ("loans.csv", "L008,B08,2024-13-45,1000.00,2,cash_loan,Guangdong,A,app_store,,"),
    ("loans.csv", "L009,B09,2024-02-01,abc,2,cash_loan,Guangdong,A,app_store,,"),
    ("loans.csv", "L010,B10,2024-02-01,0.00,2,cash_loan,Guangdong,A,app_store,,"),
    ("repayments.csv", "P90,L001,2024-02-30,10.00"),
    ("repayments.csv", "P91,L999,2024-03-01,10.00"),
)


def golden_export(dest: Path, extra: tuple[tuple[str, str], ...] = ()) -> Path:
    """The golden ledger's CSVs in `dest`, with `extra` lines appended to their files."""
    dest.mkdir(parents=True, exist_ok=True)
    for table in ("loans", "installments", "repayments", "collection_actions"):
        shutil.copy(golden_dir() / f"{table}.csv", dest / f"{table}.csv")
    for name, line in extra:
        with (dest / name).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    return dest


@pytest.fixture(scope="module")
def messy_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden ledger plus five bad rows, through the importer: a database with rejects."""
    root = tmp_path_factory.mktemp("messy")
    path = root / "messy.duckdb"
    import_paths([golden_export(root / "export", BAD_ROWS)], path)
    return path


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def url_param(at: AppTest, key: str) -> str | None:
    """A query parameter's value as the app set it (one value; lists from bound widgets)."""
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


# ------------------------------------------------------------------ every page, both languages
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(TITLES))
def test_page_renders_in_both_languages(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, lang: str
) -> None:
    at = open_page(sample_db, page, monkeypatch, lang=lang)
    zh, en = TITLES[page]
    assert at.title[0].value == (zh if lang == "zh" else en)
    expected_charts = {"pages/roll_rates.py": 6, "pages/risk_drivers.py": 2, "pages/data.py": 0}
    assert charts(at) == expected_charts[page]
    assert not at.info, texts(at.info)  # the sample has every figure: no empty state anywhere
    # every label is translated: no label key shows through as itself
    shown = " ".join([texts(at.caption), texts(at.subheader), texts(at.markdown)])
    assert "roll_" not in shown and "drivers_" not in shown and "data_" not in shown


# ------------------------------------------------------------------ roll rates
def test_roll_month_pair_from_url(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/roll_rates.py", monkeypatch, lang="en", rr_month="2025-06-30")
    assert at.selectbox(key="rr_month").value == "2025-06-30"
    assert "Month pair 2025-05 → 2025-06" in texts(at.caption)


def test_roll_window_count_basis_and_filters(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        sample_db,
        "pages/roll_rates.py",
        monkeypatch,
        lang="zh",
        rr_mode="window",
        basis="count",
        months="12",
        f_risk_grade="E",
    )
    assert at.segmented_control(key="rr_mode").value == "window"
    assert "期间 2025-11 至 2026-10" in texts(at.caption)
    assert "笔数" in texts(at.caption)
    assert charts(at) == 6


def test_roll_mode_change_goes_into_the_url(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(sample_db, "pages/roll_rates.py", monkeypatch, lang="en")
    assert "rr_mode" not in at.query_params  # the default stays out of the URL
    at.segmented_control(key="rr_mode").set_value("window").run()
    assert_clean(at)
    assert url_param(at, "rr_mode") == "window"
    at.segmented_control(key="rr_cmp").set_value("segment").run()
    assert_clean(at)
    assert url_param(at, "rr_cmp") == "segment"
    assert charts(at) == 6


def test_roll_compare_two_cohorts_from_url(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        sample_db,
        "pages/roll_rates.py",
        monkeypatch,
        lang="en",
        rr_mode="window",
        rr_coh_a="2025-01",
        rr_coh_b="2025-07",
    )
    assert at.multiselect(key="rr_coh_a").value == ["2025-01"]
    assert at.multiselect(key="rr_coh_b").value == ["2025-07"]
    assert charts(at) == 6


def test_roll_compare_two_segment_values(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(
        sample_db,
        "pages/roll_rates.py",
        monkeypatch,
        lang="zh",
        rr_cmp="segment",
        rr_seg="risk_grade",
    )
    assert at.selectbox(key="rr_seg").value == "risk_grade"
    at.selectbox(key="rr_seg_a").set_value("A")
    at.selectbox(key="rr_seg_b").set_value("E").run()
    assert_clean(at)
    assert charts(at) == 6


def test_roll_compare_with_nothing_on_book_is_an_empty_state(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the newest cohort had no loans on book in the oldest month pair
    at = open_page(
        sample_db,
        "pages/roll_rates.py",
        monkeypatch,
        lang="en",
        rr_month="2023-12-31",
        rr_coh_a="2026-10",
    )
    assert t("roll_compare_empty", "en") in texts(at.info)
    assert charts(at) == 3  # matrix, flows, net flow; no A/B
    assert t("roll_net_flow_empty", "en") not in texts(at.info)


def test_roll_short_period_says_net_flow_needs_seven_months(
    golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(golden_db, "pages/roll_rates.py", monkeypatch, lang="zh", asof="2024-06-30")
    assert t("roll_net_flow_empty", "zh") in texts(at.info)


# ------------------------------------------------------------------ risk drivers
@pytest.mark.parametrize("basis", ["balance", "count"])
@pytest.mark.parametrize("measure", ["dpd30", "fpd30", "ever30_mob6"])
def test_drivers_every_measure_and_basis(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, measure: str, basis: str
) -> None:
    at = open_page(
        sample_db,
        "pages/risk_drivers.py",
        monkeypatch,
        lang="en",
        rd_measure=measure,
        basis=basis,
        months="all",
    )
    assert at.segmented_control(key="rd_measure").value == measure
    assert charts(at) == 2
    notes = texts(at.caption)
    counted = basis == "count" or measure == "fpd30"
    assert (t("drivers_ci_note", "en") in notes) == counted
    assert (t("drivers_no_ci_note", "en") in notes) == (not counted)


def test_drivers_segment_and_crosstab_from_url(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        sample_db,
        "pages/risk_drivers.py",
        monkeypatch,
        lang="zh",
        rd_seg="credit_band",
        rd_row="region",
        rd_col="客户类型",
        f_product="现金贷",
    )
    assert at.selectbox(key="rd_seg").value == "credit_band"
    assert at.selectbox(key="rd_row").value == "region"
    assert at.selectbox(key="rd_col").value == "客户类型"
    assert charts(at) == 2
    assert "按信用分段排名" in texts(at.subheader)


def test_drivers_same_segment_twice_asks_for_two(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(sample_db, "pages/risk_drivers.py", monkeypatch, lang="en")
    at.selectbox(key="rd_col").set_value("risk_grade").run()
    assert_clean(at)
    assert t("drivers_same_segment", "en") in texts(at.info)
    assert url_param(at, "rd_col") == "risk_grade"
    assert charts(at) == 1


def test_drivers_no_cohort_at_mob6_in_six_months(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        sample_db,
        "pages/risk_drivers.py",
        monkeypatch,
        lang="zh",
        rd_measure="ever30_mob6",
        months="6",
    )
    assert t("drivers_empty_ever30_mob6", "zh") in texts(at.info)
    assert charts(at) == 0


def test_drivers_tiny_ledger_marks_every_value_too_small(
    golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(golden_db, "pages/risk_drivers.py", monkeypatch, lang="en", basis="count")
    assert charts(at) == 2  # shown, grey, unranked: nothing disappears
    assert "fewer than 30 loans" in texts(at.caption)


# ------------------------------------------------------------------ data
def test_data_page_on_the_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(sample_db, "pages/data.py", monkeypatch, lang="en")
    labels = {m.label: m.value for m in at.metric}
    assert labels["Data as of"] == "2026-10-31"
    assert labels["Loans"] == "20,000"
    assert labels["Rejected records"] == "0"
    assert t("data_no_rejects", "en") in texts(at.success)
    assert len(at.dataframe) >= 2  # rows per table, import report


def test_data_page_without_an_import_record(
    golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(golden_db, "pages/data.py", monkeypatch, lang="zh")
    assert t("data_no_import", "zh") in texts(at.caption)
    assert t("data_no_report", "zh") in texts(at.info)


def test_rejects_browser_filters_by_reason_and_pages(
    messy_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(messy_db, "pages/data.py", monkeypatch, lang="en")
    assert "Rows 1–5 of 5" in texts(at.caption)
    at.selectbox(key="dp_reason").set_value("unparseable_date").run()
    assert_clean(at)
    assert url_param(at, "dp_reason") == "unparseable_date"
    assert "Rows 1–2 of 2" in texts(at.caption)
    browser = at.dataframe[-1].value
    assert list(browser.columns) == ["table_name", "file", "line", "reason", "original_text"]
    assert set(browser.line) == {9, 19}
    at.number_input(key="dp_page").set_value(2).run()
    assert_clean(at)
    assert t("data_page_empty", "en") in texts(at.info)


def test_rejects_browser_reason_from_url(messy_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(messy_db, "pages/data.py", monkeypatch, lang="zh", dp_reason="unknown_loan_id")
    assert "共 1 条" in texts(at.caption)
    assert at.dataframe[-1].value.original_text.tolist() == ["P91,L999,2024-03-01,10.00"]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_upload_refused_shows_the_importers_message_and_changes_nothing(
    tmp_path: Path, messy_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = shutil.copy(messy_db, tmp_path / "ledger.duckdb")
    before = Path(db).read_bytes()
    at = open_page(Path(db), "pages/data.py", monkeypatch, lang="en")
    at.file_uploader(key="dp_upload").set_value(
        ("loans.csv", b"what,is,this\n1,2,3\n", "text/csv")
    ).run()
    at.button(key="dp_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.error) == 1
    message = str(at.error[0].value)
    assert message.startswith("loans.csv") or "loans.csv" in message
    assert Path(db).read_bytes() == before


def test_upload_zip_imports_and_the_page_shows_the_new_data(
    tmp_path: Path, golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Path(shutil.copy(golden_db, tmp_path / "ledger.duckdb"))
    export = golden_export(tmp_path / "export", BAD_ROWS[:2])
    payload = _zip({f"export/{p.name}": p.read_bytes() for p in sorted(export.glob("*.csv"))})
    at = open_page(db, "pages/data.py", monkeypatch, lang="en")
    assert t("data_no_report", "en") in texts(at.info)
    at.file_uploader(key="dp_upload").set_value(("export.zip", payload, "application/zip")).run()
    at.button(key="dp_import").click().run()
    assert_clean(at)
    assert any("Imported (data as of" in str(s.value) for s in at.success)
    labels = {m.label: m.value for m in at.metric}
    assert labels["Rejected records"] == "2"
    assert "Rows 1–2 of 2" in texts(at.caption)


# ------------------------------------------------------------------ edge states (golden ledger)
@pytest.mark.parametrize("page", list(TITLES))
def test_single_month_of_data(golden_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    # the first month-end: no month pair yet, no cohort old enough, nothing to compare
    at = open_page(golden_db, page, monkeypatch, lang="en", asof="2024-01-31")
    assert at.title[0].value == TITLES[page][1]


@pytest.mark.parametrize("page", list(TITLES))
def test_filter_that_selects_nothing(
    golden_db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    # no golden loan is of grade B in region Sichuan: every figure is empty, none is an error
    at = open_page(golden_db, page, monkeypatch, lang="zh", f_risk_grade="B", f_region="Sichuan")
    if page != "pages/data.py":
        assert at.info, "an empty selection says so"
