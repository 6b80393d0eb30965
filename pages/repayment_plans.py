"""Repayment plans (协商还款): plans offered and agreed, the share kept, cure, re-default within
90 days, and complaints on plan and non-plan accounts."""

from __future__ import annotations

import streamlit as st

from charts import collections as cc
from charts.i18n import fmt_count, metric_definition, t
from ui import blocks, data, tables
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header("page_plans", view, ("repayment_plans", "plan_complaints"))

KEPT_MONTHS, CURE_DAYS = 3, 180
period = {
    "as_of": view.as_of,
    "filters": list(view.filters),
    "period_start": view.period_start,
    "period_end": view.as_of,
}
plan_terms = {"kept_months": KEPT_MONTHS, "cure_days": CURE_DAYS}
plans, quarterly, complaints = data.metrics(
    ("repayment_plans", {**period, **plan_terms}),
    ("repayment_plans", {**period, **plan_terms, "by": "quarter"}),
    ("plan_complaints", period),
)
st.caption(t("rp_definitions", lang).format(k=KEPT_MONTHS, d=CURE_DAYS))
if plans.empty:
    blocks.empty_state(view)
    st.stop()

# --- the headline: offers, agreement, kept, cured, re-defaulted ---------------------------------
agreed = plans[plans["plan_status"] == "agreed"]
row = agreed.iloc[0] if not agreed.empty else None
cards = st.columns(5)
cards[0].metric(t("rp_offered", lang), fmt_count(plans["offers"].iloc[0], lang))
cards[1].metric(
    t("rp_agreed", lang),
    fmt_count(row["loans"] if row is not None else 0, lang),
    cc.kpi_text(row["share_of_offers"] if row is not None else None, "percent", lang)
    + " "
    + t("rp_of_offers", lang),
    delta_color="off",
    delta_arrow="off",
)
for card, (measure, numerator, denominator, key) in zip(
    cards[2:],
    (
        ("kept_rate", "kept", "kept_due", "rp_kept"),
        ("cure_rate", "cured", "cure_due", "rp_cured"),
        ("redefault_rate", "redefaulted", "redefault_due", "rp_redefault"),
    ),
    strict=True,
):
    card.metric(
        t(key, lang),
        cc.kpi_text(row[measure] if row is not None else None, "percent", lang),
        (
            f"{fmt_count(row[numerator], lang)} / {fmt_count(row[denominator], lang)}"
            if row is not None
            else None
        ),
        delta_color="off",
        delta_arrow="off",
        help=t("rp_of_agreed", lang),
    )

st.subheader(t("rp_outcomes_title", lang), help=metric_definition("repayment_plans", lang))
tables.chart(cc.plan_outcome_figure(plans, lang), plans, "repayment_plans", view, "rp_outcomes")

# --- by month offered -------------------------------------------------------------------------
st.subheader(t("rp_trend_title", lang), help=metric_definition("repayment_plans", lang))
tables.chart(
    cc.plan_trend_figure(quarterly, lang, "quarter"),
    quarterly,
    "repayment_plans",
    view,
    "rp_trend",
)

# --- complaints on plan and non-plan accounts ---------------------------------------------------
st.subheader(t("rp_complaints_title", lang), help=metric_definition("plan_complaints", lang))
st.caption(t("rp_complaints_hint", lang))
tables.chart(
    cc.plan_complaints_figure(complaints, lang),
    complaints,
    "plan_complaints",
    view,
    "rp_complaints",
)
