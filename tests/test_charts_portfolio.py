"""Chart builders, KPI cards and the HTML report of the portfolio pages, on small hand-made frames.

What matters here: numbers formatted per language (万/亿 in Chinese), a rising overdue rate shown
as bad news, immature or unobserved points never drawn as zero, and a report that opens offline.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from charts.early_warning import cure_figure, fpd_by_segment_figure, fpd_figure
from charts.portfolio import (
    MAX_LINES,
    bucket_figure,
    fmt_change,
    kpi_cards,
    kpi_rows,
    kpi_table,
    mover_cards,
    movers_table,
    ordered_segments,
    overdue_split_figure,
    overdue_trend_figure,
    overview_flows_figure,
    overview_rates_figure,
    select,
    since,
)
from charts.vintage import (
    calendar_month,
    vintage_curves_figure,
    vintage_pooled_figure,
    vintage_triangle_figure,
)
from tests.golden import REPO
from ui.report import build_report, filters_text, render_pngs
from ui.state import View

NAN = float("nan")


def kpis_frame() -> pd.DataFrame:
    """portfolio_kpis rows for two month-ends: balance grew, DPD30+ rose, write-offs unchanged."""
    rows = []
    for month_end, balance, dpd30, wo, prev in (
        (date(2024, 8, 31), 2_000_000.0, 0.040, 5_000.0, None),
        (date(2024, 9, 30), 2_500_000.0, 0.045, 5_000.0, (2_000_000.0, 0.040, 5_000.0)),
    ):
        for kpi, unit, value, before in (
            ("balance", "¥", balance, prev and prev[0]),
            ("dpd30_balance", "%", dpd30, prev and prev[1]),
            ("write_offs", "¥", wo, prev and prev[2]),
        ):
            change = None
            if before is not None:
                change = value - before if unit == "%" else value / before - 1
            rows.append(
                {
                    "month_end": pd.Timestamp(month_end),
                    "kpi": kpi,
                    "unit": unit,
                    "value": value,
                    "prev_month_value": before,
                    "change_1m": change,
                    "year_ago_value": 0.030 if kpi == "dpd30_balance" else None,
                    "change_12m": dpd30 - 0.030 if kpi == "dpd30_balance" else None,
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- KPI cards


def test_kpi_cards_format_and_colour() -> None:
    frame = kpis_frame()
    cards = {
        c.kpi: c
        for c in kpi_cards(frame, date(2024, 9, 30), "zh", ("balance", "dpd30_balance", "x"))
    }
    assert set(cards) == {"balance", "dpd30_balance"}  # unknown KPIs are skipped
    balance, dpd30 = cards["balance"], cards["dpd30_balance"]
    assert balance.value == "¥250.0万"
    assert balance.delta == "+25.0%"
    assert balance.delta_color == "off"  # growth of the book is neither good nor bad
    assert dpd30.value == "4.50%"
    assert dpd30.delta == "+0.50个百分点"
    assert dpd30.delta_color == "inverse"  # a rising overdue rate shows red
    assert dpd30.spark == [0.040, 0.045]
    assert ":red[↑ +1.50个百分点]" in dpd30.year_on_year
    assert "DPD ≥ 30" in dpd30.help or "DPD≥30" in dpd30.help or "30" in dpd30.help


def test_kpi_cards_english_and_edge_values() -> None:
    frame = kpis_frame()
    cards = {c.kpi: c for c in kpi_cards(frame, date(2024, 9, 30), "en", kpi_rows("balance")[2])}
    assert cards["balance"].value == "¥2.50M"
    assert cards["write_offs"].delta == 0  # unchanged: grey, no arrow
    assert "no comparison" in cards["balance"].year_on_year  # no value a year ago
    # the first month has nothing to compare with: no delta at all, not a zero
    first = kpi_cards(frame, date(2024, 8, 31), "en", ("balance",))[0]
    assert first.delta is None
    assert first.spark == []  # a one-point sparkline says nothing


def test_kpi_rows_follow_the_basis() -> None:
    assert kpi_rows("balance")[0][0] == "dpd1_balance"
    assert kpi_rows("count")[0][0] == "dpd1_count"
    assert sum(len(r) for r in kpi_rows("count")) == 12


def test_fmt_change() -> None:
    assert fmt_change(0.0123, "%", "en") == "+1.23 pp"
    assert fmt_change(-0.0123, "%", "zh") == "-1.23个百分点"
    assert fmt_change(0.05, "¥", "en") == "+5.0%"
    assert fmt_change(None, "¥", "en") == "—"
    assert fmt_change(NAN, "%", "en") == "—"


def movers_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": ["region", "risk_grade", "product", "region"],
            "value": ["Yunnan", "E", "cash_loan", "Tibet"],
            "month_end": [pd.Timestamp("2024-09-30")] * 4,
            "compare_month_end": [pd.Timestamp("2023-09-30")] * 4,
            "threshold": [30] * 4,
            "basis": ["balance"] * 4,
            "rate": [0.12, 0.25, 0.05, 0.9],
            "rate_then": [0.02, 0.20, 0.06, 0.1],
            "change": [0.10, 0.05, -0.01, 0.8],
            "rank": pd.array([1, 2, 3, None], dtype="Int64"),
            "too_small": [False, False, False, True],
            "loans": [183, 499, 5000, 3],
            "balance": [847_503.76, 1_414_836.37, 9e6, 1e4],
            "loans_then": [162, 891, 4800, 2],
            "balance_then": [6e5, 2.8e6, 8e6, 5e3],
        }
    )


def test_mover_cards_skip_too_small_segments() -> None:
    cards = mover_cards(movers_frame(), "en")
    assert [c.label for c in cards] == ["Region · Yunnan", "Risk grade · E", "Product · cash_loan"]
    assert cards[0].value == "12.00%"
    assert cards[0].delta == "+10.00 pp"
    assert "n=183" in cards[0].detail and "¥847.50k" in cards[0].detail
    table = movers_table(movers_frame(), "zh")
    assert len(table) == 3 and "Tibet" not in set(table.iloc[:, 1])
    assert mover_cards(movers_frame().iloc[0:0], "en") == []


def test_kpi_table_is_formatted() -> None:
    table = kpi_table(kpis_frame(), date(2024, 9, 30), "en")
    assert list(table.columns) == ["KPI", "Value", "vs previous month", "YoY"]
    assert "Balance on book" in set(table.KPI)


# ---------------------------------------------------------------- helpers


def test_select_and_since() -> None:
    frame = pd.DataFrame(
        {"month": ["2024-01", "2024-02", "2024-03"], "d": pd.to_datetime(["2024-01-31"] * 3)}
    )
    assert since(frame, "month", date(2024, 2, 1)).month.tolist() == ["2024-02", "2024-03"]
    assert len(since(frame, "d", date(2024, 2, 1))) == 0
    assert len(since(frame, "d", None)) == 3
    assert select(frame, month=["2024-01", "2024-03"]).month.tolist() == ["2024-01", "2024-03"]


def test_ordered_segments() -> None:
    assert ordered_segments(["z_extra", "region", "product", "a_extra"], ("product", "region")) == [
        "product",
        "region",
        "a_extra",
        "z_extra",
    ]


# ---------------------------------------------------------------- overview and trend figures


def test_overview_figures() -> None:
    frame = kpis_frame()
    rates = overview_rates_figure(frame, "en", "balance")
    assert [tr.name for tr in rates.data] == [
        "DPD1+ rate (balance)",
        "DPD30+ rate (balance)",
        "DPD90+ rate (balance)",
    ]
    flows = overview_flows_figure(frame, "zh")
    assert flows.layout.yaxis.title.text == "金额（万元）"
    assert list(flows.data[0].y) == [0.5, 0.5]  # ¥5,000 = 0.5 万


def overdue_frame(values: int) -> pd.DataFrame:
    rows = []
    for month in pd.to_datetime(["2024-07-31", "2024-08-31", "2024-09-30"]):
        for i in range(values):
            for basis in ("count", "balance"):
                rows.append(
                    {
                        "month_end": month,
                        "region": f"R{i:02d}",
                        "threshold": 30,
                        "basis": basis,
                        "numerator": 1.0,
                        "denominator": 100.0 + i,
                        "rate": 0.01 * (i + 1),
                    }
                )
    return pd.DataFrame(rows)


def test_split_figure_hides_the_smaller_values_at_first() -> None:
    fig = overdue_split_figure(overdue_frame(MAX_LINES + 3), "region", 30, "en", "balance")
    visible = [tr.visible for tr in fig.data]
    assert visible.count(True) == MAX_LINES
    assert visible.count("legendonly") == 3
    # the largest values (by denominator at the latest month) are the ones drawn, in order
    drawn = [tr.name for tr in fig.data if tr.visible is True]
    assert drawn == [f"R{i:02d}" for i in range(3, MAX_LINES + 3)]


def test_trend_figure_one_line_per_threshold() -> None:
    frame = overdue_frame(1).drop(columns="region")
    frame = pd.concat([frame, frame.assign(threshold=1, rate=0.05)])
    fig = overdue_trend_figure(frame, "zh", "count")
    assert [tr.name for tr in fig.data] == ["DPD1+", "DPD30+"]


def test_bucket_figure_m0_optional() -> None:
    frame = pd.DataFrame(
        {
            "month_end": pd.to_datetime(["2024-09-30"] * 3),
            "state": ["M0", "M1", "M2"],
            "loans": [90, 7, 3],
            "outstanding_principal": [900.0, 70.0, 30.0],
            "past_due_amount": [0.0, 5.0, 6.0],
            "loan_share": [0.9, 0.07, 0.03],
            "balance_share": [0.9, 0.07, 0.03],
        }
    )
    assert [tr.name for tr in bucket_figure(frame, "en", "balance", False).data] == ["M1", "M2"]
    assert [tr.name for tr in bucket_figure(frame, "en", "count", True).data] == ["M0", "M1", "M2"]


# ---------------------------------------------------------------- early warning: immature points


def fpd_frame() -> pd.DataFrame:
    """Three cohorts: mature, partly observed, not observed at all (rate NULL from SQL)."""
    return pd.DataFrame(
        {
            "cohort": ["2024-07", "2024-08", "2024-09"],
            "threshold": [30, 30, 30],
            "loans": [100, 40, 0],
            "bad_loans": [5, 1, 0],
            "rate": [0.05, 0.025, NAN],
            "cohort_loans": [100, 100, 90],
            "observed_share": [1.0, 0.4, 0.0],
            "mature": [True, False, False],
        }
    )


def _ys(trace) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in trace.y]


def test_fpd_immature_points_are_dashed_and_unobserved_are_gaps() -> None:
    fig = fpd_figure(fpd_frame(), "en")
    band_key, solid, dashed = fig.data
    assert band_key.name == "immature (not yet observed)"  # the grey band, in the legend
    assert fig.layout.xaxis.type == "date"
    assert _ys(solid) == [0.05, None, None]
    assert dashed.line.dash == "dot"
    assert _ys(dashed) == [0.05, 0.025, None]  # joined to the last mature point; no zero
    assert solid.connectgaps is False and dashed.connectgaps is False
    # the immature band starts half a month before the first immature cohort
    (band,) = fig.layout.shapes
    assert pd.Timestamp(band.x0) < pd.Timestamp("2024-08-01") < pd.Timestamp(band.x1)


def test_fpd_by_segment_masks_per_value() -> None:
    frame = pd.concat([fpd_frame().assign(risk_grade="A"), fpd_frame().assign(risk_grade="B")])
    fig = fpd_by_segment_figure(frame, "risk_grade", 30, "zh")
    assert [tr.name for tr in fig.data if tr.showlegend is not False] == [
        "未成熟（未观察到）",
        "A",
        "B",
    ]
    assert all(0 not in _ys(tr) for tr in fig.data)


def test_cure_figure_without_immature_has_no_band() -> None:
    frame = pd.DataFrame(
        {
            "due_month": ["2024-07", "2024-08"],
            "cure_days": [7, 7],
            "entered_amount": [100.0, 200.0],
            "observed_amount": [100.0, 200.0],
            "cured_amount": [30.0, 50.0],
            "rate": [0.3, 0.25],
            "mature": [True, True],
        }
    )
    fig = cure_figure(frame, "en")
    assert len(fig.data) == 1 and not fig.layout.shapes
    assert fig.data[0].name == "within 7 days"


# ---------------------------------------------------------------- vintage


def vintage_frame() -> pd.DataFrame:
    rows = []
    for cohort, mobs in (("2024-07", 3), ("2024-08", 2), ("2024-09", 1)):
        for mob in range(mobs):
            for basis in ("count", "principal"):
                rows.append(
                    {
                        "cohort": cohort,
                        "mob": mob,
                        "threshold": 30,
                        "basis": basis,
                        "rate": 0.01 * mob,
                        "numerator": float(mob),
                        "denominator": 100.0,
                    }
                )
    return pd.DataFrame(rows)


def test_calendar_month() -> None:
    out = calendar_month(pd.Series(["2024-01", "2024-11"]), pd.Series([1, 3]))
    assert list(out) == [pd.Timestamp("2024-02-01"), pd.Timestamp("2025-02-01")]


def test_vintage_triangle_leaves_unreached_cells_empty() -> None:
    fig = vintage_triangle_figure(vintage_frame(), "en", "count", 30)
    z = fig.data[0].z
    assert list(fig.data[0].y) == ["2024-09", "2024-08", "2024-07"]  # newest on top
    assert math.isnan(z[0][1]) and math.isnan(z[0][2]) and math.isnan(z[1][2])
    assert z[2][0] == 0.0  # a real zero stays a zero


def test_vintage_curves_mob_and_calendar() -> None:
    by_mob = vintage_curves_figure(vintage_frame(), "zh", "principal", 30)
    assert len(by_mob.data) == 4  # three cohorts and the colour bar
    assert list(by_mob.data[0].x) == [0, 1, 2]
    on_calendar = vintage_curves_figure(vintage_frame(), "zh", "principal", 30, calendar=True)
    assert pd.Timestamp(on_calendar.data[0].x[0]) == pd.Timestamp("2024-07-01")  # July


def test_vintage_pooled_one_line_per_value() -> None:
    frame = pd.DataFrame(
        {
            "mob": [0, 1, 0, 1],
            "region": ["A", "A", "B", "B"],
            "threshold": [30] * 4,
            "basis": ["count"] * 4,
            "cohorts": [3, 2, 3, 2],
            "numerator": [0.0, 2.0, 0.0, 5.0],
            "denominator": [100.0, 60.0, 80.0, 50.0],
            "rate": [0.0, 2 / 60, 0.0, 0.1],
        }
    )
    fig = vintage_pooled_figure(frame, "region", "en", "count", 30)
    assert [tr.name for tr in fig.data] == ["A", "B"]


# ---------------------------------------------------------------- the HTML report


def test_report_is_self_contained() -> None:
    view = View(
        lang="zh",
        as_of=date(2024, 9, 30),
        period_start=date(2023, 10, 1),
        months=12,
        basis="balance",
        filters=("product=cash_loan", "region=Henan", "region=Sichuan"),
    )
    frame = kpis_frame()
    figures = [
        ("逾期率走势", overview_rates_figure(frame, "zh", "balance")),
        ("核销与催回", overview_flows_figure(frame, "zh")),
    ]
    html = build_report(
        view,
        kpi_table(frame, view.as_of, "zh"),
        figures,
        movers=movers_table(movers_frame(), "zh"),
        with_png=False,
    ).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "2024-09-30" in html and "产品: cash_loan; 地区: Henan, Sichuan" in html
    assert "在贷余额" in html and "¥250.0万" in html
    assert "Yunnan" in html
    # plotly.js inline exactly once, and no script fetched from the network
    assert html.count("window.PlotlyConfig") == 1
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert html.count("Plotly.newPlot") == 2


def test_filters_text_english_whole_book() -> None:
    view = View("en", date(2024, 9, 30), None, None, "count", ())
    assert filters_text(view) == "none (whole book)"


# ---------------------------------------------------------------- boundaries


def test_chart_modules_do_not_import_streamlit() -> None:
    code = (
        "import sys, charts.portfolio, charts.early_warning, charts.vintage; "
        "sys.exit('streamlit' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize("page", ["overview", "trends", "early_warning", "vintage"])
def test_pages_hold_no_sql_and_no_arithmetic(page: str) -> None:
    source = (REPO / "pages" / f"{page}.py").read_text(encoding="utf-8")
    code = "\n".join(line.split("#")[0] for line in source.splitlines())
    for forbidden in ("SELECT ", "duckdb", ".groupby(", ".sum(", ".mean(", ".pivot", " / "):
        assert forbidden not in code, f"pages/{page}.py uses {forbidden.strip()}"


@pytest.mark.slow
def test_report_png_copies_when_a_browser_is_present() -> None:
    pytest.importorskip("kaleido")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium to draw PNGs with")
    frame = kpis_frame()
    figures = [("rates", overview_rates_figure(frame, "en", "balance"))]
    (png,) = render_pngs([fig for _, fig in figures])
    assert png is not None and png.startswith(b"\x89PNG")
    view = View("en", date(2024, 9, 30), None, None, "balance", ())
    html = build_report(view, kpi_table(frame, view.as_of, "en"), figures).decode("utf-8")
    assert html.count('<img class="png"') == 1
    assert "Charts as PNG images" in html
