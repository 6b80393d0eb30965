"""Recovery: recovery curves by entry month (METRICS.md §8), the recovered share at D7/D30/D90
as a trend, and what comes back after write-off."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from charts import collections as cc
from charts.i18n import metric_definition, t
from ui import blocks, data, tables
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header(
    "page_recovery",
    view,
    ("recovery_curve", "recovery_share_trend", "recoveries_after_write_off"),
)
segmented = {"as_of": view.as_of, "filters": list(view.filters)}
period = {**segmented, "period_start": view.period_start, "period_end": view.as_of}
settings = data.lookup("conduct_settings")
window = int(settings["attribution_window_days"].iloc[0]) if not settings.empty else 7
# entry months before the sidebar's period are left out (filtering, not arithmetic)
first_month = view.period_start.strftime("%Y-%m") if view.period_start else ""

# the page's queries depend on no choice made on it: they run at once (ui/data.py)
curve, share, after, rates = data.metrics(
    ("recovery_curve", segmented),
    ("recovery_share_trend", segmented),
    ("recoveries_after_write_off", period),
    ("write_off_recovery", period),
)

# --- recovery curves --------------------------------------------------------------------------
st.subheader(t("rc_curve_title", lang), help=metric_definition("recovery_curve", lang))
curve = cc.mature_days(
    curve[curve["entry_month"] >= first_month],
    data.lookup("entry_month_maturity", as_of=view.as_of, max_day=90),
)
shown = (
    st.segmented_control(
        t("rc_months_shown", lang),
        options=[6, 12, 24],
        default=12,
        key="rc_n",
        bind="query-params",
        required=True,
    )
    or 12
)
st.caption(t("rc_curve_hint", lang))
tables.chart(cc.curves_figure(curve, lang, shown), curve, "recovery_curve", view, "rc_curve")

# --- D7 / D30 / D90 by entry month --------------------------------------------------------------
st.subheader(t("rc_share_title", lang), help=metric_definition("recovery_share_trend", lang))
share = share[share["entry_month"] >= first_month]
st.caption(t("rc_share_hint", lang))
tables.chart(cc.share_trend_figure(share, lang), share, "recovery_share_trend", view, "rc_share")

# --- after write-off --------------------------------------------------------------------------
st.subheader(t("rc_wo_title", lang), help=metric_definition("recoveries_after_write_off", lang))
st.caption(t("ch_window_note", lang).format(w=window))
tables.chart(
    cc.wo_recoveries_figure(after, lang),
    after,
    "recoveries_after_write_off",
    replace(view, filters=(*view.filters, f"window={window}d")),
    "rc_wo",
)
st.subheader(t("rc_wo_rate_title", lang), help=metric_definition("write_off_recovery", lang))
st.caption(t("rc_wo_rate_hint", lang))
tables.chart(cc.wo_rate_figure(rates, lang), rates, "write_off_recovery", view, "rc_wo_rate")
