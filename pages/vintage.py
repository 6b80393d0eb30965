"""Vintage: ever DPD N+ by months on book for each disbursement cohort — curves (MOB or calendar
axis), the cohort × MOB triangle, and cohorts pooled per value of a segment."""

from __future__ import annotations

import streamlit as st

from charts.i18n import segment_label, t
from charts.portfolio import ordered_segments, select, since
from charts.vintage import (
    VINTAGE_BASIS,
    vintage_curves_figure,
    vintage_pooled_figure,
    vintage_triangle_figure,
)
from ui import data
from ui.blocks import chart_block, empty_state, page_header
from ui.bound import choice
from ui.sidebar import FIXED_SEGMENTS
from ui.state import current_view

MODES = ("curves", "triangle", "grouped")
HORIZONS = (6, 12, 18, 24, 36)

view = current_view()
lang = view.lang
filters = list(view.filters)
basis = VINTAGE_BASIS[view.basis]
page_header("page_vintage", view, ("vintage", "vintage_pooled"))

thresholds = [int(n) for n in data.lookup("vintage_thresholds").threshold]
a, b, c, d = st.columns([1.2, 2.2, 1.8, 1.1])
threshold = a.selectbox(
    t("vintage_threshold", lang),
    thresholds,
    index=thresholds.index(30) if 30 in thresholds else 0,
    format_func=lambda n: f"DPD{n}+",
    key="vt_n",
    bind="query-params",
)
mode = choice(
    b.segmented_control,
    t("vintage_mode", lang),
    MODES,
    default="curves",
    format_func=lambda m: t(f"mode_{m}", lang),
    key="vt_mode",
    required=True,
)
if mode == "curves":
    axis = choice(
        c.segmented_control,
        t("x_axis", lang),
        ("mob", "calendar"),
        default="mob",
        format_func=lambda x: t(f"axis_{x}", lang),
        key="vt_x",
        required=True,
    )
elif mode == "grouped":
    segments = ordered_segments(data.lookup("segment_values").segment, FIXED_SEGMENTS)
    by = choice(
        c.selectbox,
        t("group_by", lang),
        segments,
        default="risk_grade",
        format_func=lambda s: segment_label(s, lang),
        key="vt_by",
    )
    horizon = d.selectbox(
        t("mob_horizon", lang), HORIZONS, index=HORIZONS.index(12), key="vt_h", bind="query-params"
    )

if mode == "grouped":
    pooled = data.metric(
        "vintage_pooled",
        as_of=view.as_of,
        filters=filters,
        by=by,
        threshold=threshold,
        period_start=view.period_start,
        max_mob=horizon,
    )
    rows = select(pooled, basis=basis)
    if rows.empty:
        st.info(t("no_cohort_at_horizon", lang).format(h=horizon), icon=":material/info:")
        st.stop()
    st.caption(t("pooled_cohorts", lang).format(n=int(rows.cohorts.max()), h=horizon))
    chart_block(
        vintage_pooled_figure(rows, by, lang, basis, threshold),
        rows,
        "vintage_pooled",
        view,
        key="vt_pooled",
    )
else:
    vintage = since(
        data.metric("vintage", as_of=view.as_of, filters=filters, threshold=threshold),
        "cohort",
        view.period_start,
    )
    rows = select(vintage, basis=basis)
    if rows.empty:
        empty_state(view)
        st.stop()
    if mode == "curves":
        fig = vintage_curves_figure(rows, lang, basis, threshold, calendar=axis == "calendar")
        st.caption(t("cohort_colour", lang))
    else:
        fig = vintage_triangle_figure(rows, lang, basis, threshold)
    chart_block(fig, rows, "vintage", view, key=f"vt_{mode}")
