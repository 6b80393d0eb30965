"""Agencies: a league table of third-party agencies — what they are placed, what they bring
back net of commission, how they behave — their recovery curves on like accounts, and the same
at the level of agents and collectors."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from charts import collections as cc
from charts.i18n import metric_definition, t
from ui import blocks, data, tables
from ui.bound import choice
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header("page_agencies", view, ("agency_league", "agency_recovery_curve"))

settings = data.lookup("conduct_settings")
window = int(settings["attribution_window_days"].iloc[0]) if not settings.empty else 7
period = {
    "as_of": view.as_of,
    "filters": list(view.filters),
    "period_start": view.period_start,
    "period_end": view.as_of,
}

# The page's three queries run at once (ui/data.py), so the curve's choices are drawn first, in
# their place below the league table (which fills its container once the data is in).
league_area = st.container()
curve_area = st.empty()  # the curve's section, taken away if there is nothing to show
curve_box = curve_area.container()
with curve_box:
    st.subheader(t("ag_curve_title", lang), help=metric_definition("agency_recovery_curve", lang))
    left, mid, right = st.columns([2, 3, 2], vertical_alignment="bottom")
    bucket = left.selectbox(
        t("ag_curve_bucket", lang),
        list(cc.BUCKETS),
        index=cc.BUCKETS.index("M3"),
        key="ag_bucket",
        bind="query-params",
    )
    split = choice(
        mid.segmented_control,
        t("ag_curve_split", lang),
        ["agency", "month"],
        key="ag_split",
        default="agency",
        format_func=lambda v: t("ag_curve_pooled" if v == "agency" else "ag_curve_monthly", lang),
        required=True,
    )
by = "month" if split == "month" else ""
league, curve, agents = data.metrics(
    ("agency_league", {**period, "window_days": window, "level": "agency"}),
    ("agency_recovery_curve", {**period, "bucket": bucket, "by": by}),
    ("agency_league", {**period, "window_days": window, "level": "agent"}),
)

# --- the league table -------------------------------------------------------------------------
with league_area:
    st.subheader(t("ag_league_title", lang), help=metric_definition("agency_league", lang))
    if league.empty:
        curve_area.empty()
        blocks.empty_state(view)
        st.stop()
    league = league.drop(columns=["agent_id"])
    st.caption(t("ag_league_hint", lang) + " " + t("ch_window_note", lang).format(w=window))
    tables.table(league, "agency_league", view, key="ag_league")
    tables.chart(cc.league_figure(league, lang), league, "agency_league", view, "ag_bars")

# --- recovery after placement, on like accounts -----------------------------------------------
with curve_box:
    if by == "month" and not curve.empty:
        agency = right.selectbox(
            t("ag_curve_agency", lang),
            sorted(curve["agency"].unique()),
            key="ag_agency",
            bind="query-params",
        )
        curve = curve[curve["agency"] == agency]
    st.caption(t("ag_curve_hint", lang))
    tables.chart(
        cc.agency_curve_figure(curve, lang, by),
        curve,
        "agency_recovery_curve",
        replace(view, filters=(*view.filters, f"bucket={bucket}")),
        "ag_curve",
    )

# --- agents and collectors --------------------------------------------------------------------
st.subheader(t("ag_agents_title", lang), help=metric_definition("agency_league", lang))
agents = agents.drop(columns=["placed_accounts", "placed_past_due"])  # placements: agencies only
owners = sorted(agents["agency"].dropna().unique()) if not agents.empty else []
owner = choice(
    st.selectbox,
    t("ag_agents_filter", lang),
    ["", *owners],
    key="ag_owner",
    default="",
    format_func=lambda a: t("all", lang) if a == "" else cc.label("agency_", a, lang),
)
if owner:
    agents = agents[agents["agency"] == owner]
st.caption(t("ag_agents_hint", lang))
tables.chart(cc.agent_scatter(agents, lang), agents, "agent_league", view, "ag_agents")
