"""Channels: which collection channels bring money back, at what cost — compared within one
bucket at action time, with the attribution window chosen on the page (METRICS.md §9)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from charts import collections as cc
from charts.i18n import metric_definition, metric_name, t
from ui import blocks, data, tables
from ui.bound import choice
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header("page_channels", view, ("channel_performance", "channel_cure"))

settings = data.lookup("conduct_settings")
default_window = int(settings["attribution_window_days"].iloc[0]) if not settings.empty else 7
min_size = int(settings["min_segment_size"].iloc[0]) if not settings.empty else 30
# the windows with whole-book recovery sums (the choices and the setting; derive_settings)
windows = (
    [int(w) for w in settings["recovery_windows"].iloc[0]]
    if not settings.empty
    else list(cc.WINDOWS)
)
left, right = st.columns([1, 2], vertical_alignment="bottom")
# choices stay in the URL by their code (ui/bound.py): ?ch_bucket=M3&ch_win=14
bucket = choice(
    left.selectbox,
    t("ch_bucket", lang),
    [*cc.BUCKETS, "all"],
    key="ch_bucket",
    default="M2",
    format_func=lambda b: t("all_buckets", lang) if b == "all" else b,
)
window = int(
    choice(
        right.segmented_control,
        t("ch_window", lang),
        [str(w) for w in windows],
        key="ch_win",
        default=str(default_window),
        format_func=lambda w: f"{w}{'天' if lang == 'zh' else 'd'}",
        required=True,
    )
)
st.info(t("ch_same_bucket_note", lang), icon=":material/compare_arrows:")
st.caption(t("ch_window_note", lang).format(w=window))

period = {
    "as_of": view.as_of,
    "filters": list(view.filters),
    "period_start": view.period_start,
    "period_end": view.as_of,
}
in_bucket = "" if bucket == "all" else bucket
# the downloads' file names carry the page's own choices beside the sidebar filters
export_view = replace(view, filters=(*view.filters, f"bucket={bucket}", f"window={window}d"))

# the page's four queries depend only on the choices above: they run at once (ui/data.py)
performance, cure, funnel, trend = data.metrics(
    (
        "channel_performance",
        {**period, "window_days": window, "by": "bucket", "bucket": in_bucket}
        if in_bucket
        else {**period, "window_days": window},
    ),
    ("channel_cure", {**period, "bucket": in_bucket or "M1"}),
    ("channel_funnel", {**period, "bucket": in_bucket}),
    ("channel_trend", {**period, "window_days": window, "bucket": in_bucket}),
)
# cure is measured per bucket; across all buckets there is no single figure to show
if not in_bucket:
    cure = cure.iloc[0:0]

if performance.empty:
    blocks.empty_state(view)
    st.stop()

# --- scorecard: every measure of the bucket in one table -----------------------------------------
st.subheader(t("ch_scorecard_title", lang))
scorecard = cc.scorecard_table(performance, cure, min_size)
tables.table(scorecard, "channel_scorecard", export_view, key="ch_score")
st.caption(t("ch_no_payments_note", lang))

# --- value: per account and per ¥ ---------------------------------------------------------------
st.subheader(t("ch_value_title", lang), help=metric_definition("channel_performance", lang))
st.caption(t("ch_value_hint", lang))
tables.chart(
    cc.value_figure(performance, lang, min_size),
    performance,
    "channel_performance",
    export_view,
    "ch_value",
)

# --- funnel --------------------------------------------------------------------------------------
st.subheader(t("ch_funnel_title", lang), help=metric_definition("channel_funnel", lang))
st.caption(t("ch_funnel_hint", lang))
accounts = dict(zip(performance["channel"], performance["accounts"].fillna(0), strict=True))
tables.chart(
    cc.funnel_figure(funnel, lang, accounts, min_size),
    funnel,
    "channel_funnel",
    export_view,
    "ch_funnel",
)

# --- cure after the action ------------------------------------------------------------------------
st.subheader(t("ch_cure_title", lang), help=metric_definition("channel_cure", lang))
if in_bucket:
    tables.chart(cc.cure_figure(cure, lang), cure, "channel_cure", export_view, "ch_cure")
else:
    st.info(t("ch_cure_pick_bucket", lang), icon=":material/filter_alt:")

# --- trend by month within the bucket -------------------------------------------------------------
st.subheader(t("ch_trend_title", lang), help=metric_definition("channel_trend", lang))
measure = choice(
    st.segmented_control,
    t("ch_trend_measure", lang),
    list(cc.TREND_MEASURES),
    key="ch_measure",
    default=cc.TREND_MEASURES[0],
    format_func=lambda m: cc.column_label(m, lang),
    required=True,
)
tables.chart(cc.trend_figure(trend, measure, lang), trend, "channel_trend", export_view, "ch_trend")
st.caption(f"{metric_name('channel_trend', lang)} — {metric_definition('channel_trend', lang)}")
