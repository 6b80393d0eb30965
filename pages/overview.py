"""Overview: the as-of month's KPI cards with their changes and sparklines, the segments that
moved most, the overdue-rate and loss trends, and a one-click HTML report for management."""

from __future__ import annotations

import streamlit as st

from charts.i18n import t
from charts.portfolio import (
    kpi_cards,
    kpi_rows,
    kpi_table,
    month_count,
    mover_cards,
    movers_table,
    overview_flows_figure,
    overview_rates_figure,
    select,
)
from ui import data
from ui.blocks import chart_block, empty_state, page_header
from ui.report import build_report, report_file_name
from ui.state import current_view

view = current_view()
lang = view.lang
page_header("page_overview", view, ("portfolio_kpis",))

segmented = {"as_of": view.as_of, "filters": list(view.filters)}
# both queries at once (ui/data.py); the movers fall back to one month below if a year is empty
kpis, movers = data.metrics(
    ("portfolio_kpis", {**segmented, "period_start": view.period_start}),
    ("segment_movers", {**segmented, "basis": view.basis, "compare": "12m"}),
)
if kpis.empty:
    empty_state(view)
    st.stop()

movers_title = t("movers_title", lang)
if not mover_cards(movers, lang):
    movers = data.metric("segment_movers", **segmented, basis=view.basis, compare="1m")
    movers_title = t("movers_title_1m", lang)

rates_fig = overview_rates_figure(kpis, lang, view.basis)
flows_fig = overview_flows_figure(kpis, lang)

st.download_button(
    t("export_report", lang),
    data=lambda: build_report(
        view,
        kpi_table(kpis, view.as_of, lang),
        [
            (t("overview_rates_chart", lang), rates_fig),
            (t("overview_flows_chart", lang), flows_fig),
        ],
        movers=movers_table(movers, lang),
        movers_title=movers_title,
    ),
    file_name=report_file_name(view),
    mime="text/html",
    on_click="ignore",
    key="ov_report",
    icon=":material/summarize:",
    help=t("export_report_help", lang),
    type="primary",
)

if month_count(kpis) < 2:
    st.info(t("single_month", lang), icon=":material/info:")

for row in kpi_rows(view.basis):
    columns = st.columns(4)
    for column, card in zip(columns, kpi_cards(kpis, view.as_of, lang, row), strict=False):
        box = column.container(border=True)
        box.metric(
            card.label,
            card.value,
            card.delta,
            delta_color=card.delta_color,
            help=card.help,
            chart_data=card.spark or None,
            chart_type="line",
            delta_description=card.delta_description,
        )
        box.caption(card.year_on_year)

st.subheader(movers_title)
cards = mover_cards(movers, lang)
if cards:
    columns = st.columns(len(cards))
    for column, card in zip(columns, cards, strict=True):
        box = column.container(border=True)
        box.metric(
            card.label,
            card.value,
            card.delta,
            delta_color="inverse",
            help=card.help,
            delta_description=card.delta_description,
        )
        box.caption(card.detail)
    chart_block(None, movers, "segment_movers", view, key="ov_movers")
else:
    st.info(t("movers_none", lang), icon=":material/info:")

left, right = st.columns(2)
with left:
    chart_block(
        rates_fig,
        select(kpis, kpi=["dpd1_" + view.basis, "dpd30_" + view.basis, "dpd90_" + view.basis]),
        "portfolio_kpis",
        view,
        key="ov_rates",
    )
with right:
    chart_block(
        flows_fig,
        select(kpis, kpi=["write_offs", "recoveries"]),
        "portfolio_kpis",
        view,
        key="ov_flows",
    )
st.caption(t("all_kpis_table", lang))
chart_block(None, kpis, "portfolio_kpis", view, key="ov_all")
