"""Conduct & complaints (合规): each rule of METRICS.md §10 beside the industry rule it encodes
and its setting; counts and rates by channel, agency and agent; the trend; complaints per
10,000 attempts; and a drill-down to the offending actions (ids only, no personal data)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from charts import collections as cc
from charts.i18n import fmt_count, metric_definition, t
from ui import blocks, data, tables
from ui.bound import choice
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header("page_conduct", view, ("compliance", "conduct_actions"))

period = {
    "as_of": view.as_of,
    "filters": list(view.filters),
    "period_start": view.period_start,
    "period_end": view.as_of,
}
settings = data.lookup("conduct_settings")
if settings.empty:
    blocks.empty_state(view)
    st.stop()
s = settings.iloc[0]
setting_values = {
    "outside_hours": {"start": s["contact_start"], "end": s["contact_end"]},
    "over_connected_cap": {"cap": int(s["connected_call_cap"])},
    "over_dial_cap": {"cap": int(s["dial_cap"])},
    "non_borrower_contacts": {},
    "complaints": {},
}
# compliance names the cap rules by what it counts (borrower-days)
COUNTED_AS = {
    "outside_hours": "outside_hours",
    "over_connected_cap": "over_connected_cap_borrower_days",
    "over_dial_cap": "over_dial_cap_borrower_days",
    "non_borrower_contacts": "non_borrower_contacts",
    "complaints": "complaints",
}

# The page's five queries run at once (ui/data.py), so its choices are drawn first, each in its
# place; the sections fill their containers once the data is in.
rules_area = st.container()
split_area = st.empty()  # the sections with choices are taken away if there is nothing to show
split_box = split_area.container()
trend_area = st.container()
drill_area = st.empty()
drill_box = drill_area.container()

with split_box:
    st.subheader(t("cd_by_title", lang), help=metric_definition("compliance", lang))
    by = choice(
        st.segmented_control,
        t("cd_by", lang),
        ["channel", "agency", "agent"],
        key="cd_by",
        default="agency",
        format_func=lambda v: t(f"cd_by_{v}", lang),
        required=True,
    )

with drill_box:
    st.subheader(t("cd_drill_title", lang), help=metric_definition("conduct_actions", lang))
    dims = data.lookup("collection_dims")
    channels = cc.ordered_channels(dims.loc[dims["dimension"] == "channel", "value"])
    agencies = sorted(dims.loc[dims["dimension"] == "agency", "value"])
    pick_rule, pick_channel, pick_agency = st.columns(3)
    rule = choice(
        pick_rule.selectbox,
        t("cd_drill_rule", lang),
        list(cc.DRILL_RULES),
        key="cd_rule",
        default=cc.DRILL_RULES[0],
        format_func=lambda r: t(f"rule_{r}", lang),
    )
    channel = choice(
        pick_channel.selectbox,
        t("channel", lang),
        ["", *channels],
        key="cd_ch",
        default="",
        format_func=lambda c: t("cd_drill_any", lang) if c == "" else cc.channel_label(c, lang),
    )
    agency = choice(
        pick_agency.selectbox,
        t("col_agency", lang),
        ["", *agencies, "(none)"],
        key="cd_ag",
        default="",
        format_func=lambda a: t("cd_drill_any", lang) if a == "" else cc.label("agency_", a, lang),
    )

limit = 5000
drill = {"rule": rule, "channel": channel, "agency": agency, "agent": "", "limit": limit}
overall, split, monthly, by_channel, offending = data.metrics(
    ("compliance", period),
    ("compliance", {**period, "by": by}),
    ("compliance", {**period, "by": "month"}),
    ("complaints_trend", period),
    ("conduct_actions", {**period, **drill}),
)
if overall.empty or int(overall["attempts"].max() or 0) == 0:
    split_area.empty()
    drill_area.empty()
    with rules_area:
        blocks.empty_state(view)
    st.stop()

# --- each rule beside its setting ----------------------------------------------------------------
with rules_area:
    st.subheader(t("cd_rules_title", lang), help=metric_definition("compliance", lang))
    for rule_shown in cc.DRILL_RULES:
        row = overall[overall["rule"] == COUNTED_AS[rule_shown]].iloc[0]
        with st.container(border=True):
            text, count, rate = st.columns([4, 1, 1], vertical_alignment="center")
            text.markdown(
                f"**{t('rule_' + rule_shown, lang)}**  \n{t('rule_text_' + rule_shown, lang)}"
            )
            text.caption(t("rule_setting_" + rule_shown, lang).format(**setting_values[rule_shown]))
            count.metric(t("count_label", lang), fmt_count(row["count"], lang))
            rate.metric(t("per_10k", lang), cc.kpi_text(row["per_10k_attempts"], "ratio", lang))
    tables.chart(None, overall, "compliance", view, "cd_overall")

# --- by channel, agency or agent ------------------------------------------------------------------
with split_box:
    top = 20 if by == "agent" else None
    if top:
        st.caption(t("cd_top_agents", lang).format(n=top))
    st.caption(t("cd_heatmap_hint", lang))
    tables.chart(cc.conduct_heatmap(split, by, lang, top), split, "compliance", view, "cd_split")

# --- trend by month, and complaints per channel ---------------------------------------------------
with trend_area:
    st.subheader(t("cd_trend_title", lang), help=metric_definition("compliance", lang))
    tables.chart(cc.conduct_trend_figure(monthly, lang), monthly, "compliance", view, "cd_trend")

    st.subheader(t("cd_complaints_title", lang), help=metric_definition("complaints_trend", lang))
    min_attempts = 500
    st.caption(t("cd_complaints_hint", lang).format(n=min_attempts))
    tables.chart(
        cc.trend_figure(by_channel, "complaints_per_10k", lang, min_attempts),
        by_channel,
        "complaints_trend",
        view,
        "cd_complaints",
    )

# --- drill-down to the offending actions --------------------------------------------------------
with drill_box:
    if offending.empty:
        st.info(t("cd_no_breach", lang), icon=":material/verified_user:")
    else:
        total = int(offending["rows_total"].iloc[0])
        st.caption(
            t("cd_drill_shown", lang).format(total=f"{total:,}", shown=f"{len(offending):,}")
        )
        drill_view = replace(
            view,
            filters=(
                *view.filters,
                f"rule={rule}",
                *([f"channel={channel}"] if channel else []),
                *([f"agency={agency}"] if agency else []),
            ),
        )
        tables.table(offending, "conduct_actions", drill_view, key="cd_drill", height=420)
