"""Overdue trends: the overdue rate by month-end for chosen thresholds, overall and split by a
segment, and the stacked bucket distribution M0..M6."""

from __future__ import annotations

import streamlit as st

from charts.i18n import segment_label, t
from charts.portfolio import (
    MAX_LINES,
    THRESHOLDS,
    bucket_figure,
    month_count,
    ordered_segments,
    overdue_split_figure,
    overdue_trend_figure,
    select,
    since,
    split_values,
    threshold_label,
)
from ui import data
from ui.blocks import chart_block, empty_state, page_header
from ui.bound import choice
from ui.sidebar import FIXED_SEGMENTS
from ui.state import current_view

view = current_view()
lang = view.lang
filters = list(view.filters)
page_header("page_trends", view, ("overdue_rate", "bucket_distribution"))

segments = ordered_segments(data.lookup("segment_values").segment, FIXED_SEGMENTS)

thresholds = st.multiselect(
    t("thresholds", lang),
    THRESHOLDS,
    default=[1, 30, 90],
    format_func=threshold_label,
    key="tr_thr",
    bind="query-params",
)
if not thresholds:
    st.info(t("pick_threshold", lang), icon=":material/tune:")
else:
    overall = since(
        data.metric(
            "overdue_rate", as_of=view.as_of, filters=filters, thresholds=sorted(thresholds)
        ),
        "month_end",
        view.period_start,
    )
    if overall.empty:
        empty_state(view)
        st.stop()
    if month_count(overall) < 2:
        st.info(t("single_month", lang), icon=":material/info:")
    chart_block(
        overdue_trend_figure(overall, lang, view.basis),
        select(overall, basis=view.basis),
        "overdue_rate",
        view,
        key="tr_trend",
    )

    left, right = st.columns(2)
    split_by = choice(
        left.selectbox,
        t("split_by", lang),
        segments,
        default="risk_grade",
        format_func=lambda s: segment_label(s, lang),
        key="tr_by",
    )
    split_options = sorted(thresholds)
    split_threshold = right.selectbox(
        t("split_threshold", lang),
        split_options,
        index=split_options.index(30) if 30 in split_options else 0,
        format_func=threshold_label,
        key="tr_split_thr",
        bind="query-params",
    )
    split = since(
        data.metric(
            "overdue_rate",
            as_of=view.as_of,
            filters=filters,
            thresholds=[split_threshold],
            by=split_by,
        ),
        "month_end",
        view.period_start,
    )
    split = select(split, basis=view.basis)
    chart_block(
        overdue_split_figure(split, split_by, split_threshold, lang, view.basis),
        split,
        "overdue_rate",
        view,
        key="tr_split",
    )
    if split_values(split, split_by) > MAX_LINES:
        st.caption(t("hidden_values", lang).format(n=MAX_LINES))

st.subheader(t("bucket_chart", lang))
show_m0 = st.toggle(t("show_m0", lang), value=False, key="tr_m0", bind="query-params")
buckets = since(
    data.metric("bucket_distribution", as_of=view.as_of, filters=filters),
    "month_end",
    view.period_start,
)
chart_block(
    bucket_figure(buckets, lang, view.basis, show_m0),
    buckets,
    "bucket_distribution",
    view,
    key="tr_buckets",
)
