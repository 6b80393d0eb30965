"""Roll rates: the transition matrix, flow rates, net flow to loss, and A-vs-B roll matrices."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from charts import roll
from charts.i18n import metric_definition, metric_name, segment_label, t
from ui import blocks, data
from ui.bound import choice
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header("page_roll", view, ("roll_matrix_average",))


def _dates(column: pd.Series) -> list[date]:
    return list(pd.to_datetime(column).dt.date)


def _month(d: date) -> str:
    return d.strftime("%Y-%m")


# --- the matrix: one month pair, or pooled over the sidebar's period -----------------------------
months = data.lookup("roll_months")
pair_names = {
    end.isoformat(): f"{_month(start)} → {_month(end)}"
    for start, end in zip(_dates(months.from_month_end), _dates(months.to_month_end), strict=True)
    if end <= view.as_of
}
left, right = st.columns([2, 3], vertical_alignment="bottom")
mode = choice(
    left.segmented_control,
    t("roll_mode", lang),
    ["month", "window"],
    default="month",
    format_func=lambda v: t(f"roll_mode_{v}", lang),
    key="rr_mode",
    required=True,
)
if mode == "month" and pair_names:
    chosen = choice(
        right.selectbox,
        t("roll_month_pair", lang),
        list(pair_names),
        format_func=pair_names.get,
        key="rr_month",
    )
    first = last = date.fromisoformat(chosen)
    window_text = t("roll_window_one", lang).format(pair=pair_names[chosen])
else:
    first, last = view.period_start, view.as_of
    window_text = t("roll_window_period", lang).format(
        start=_month(first) if first else t("roll_first_month", lang), end=_month(last)
    )
    right.caption(window_text)

# the matrix and the two flow series depend on no control below: they run at once (ui/data.py)
segmented = {"as_of": view.as_of, "filters": list(view.filters)}
matrix, flows, net = data.metrics(
    (
        "roll_matrix_average",
        {**segmented, "basis": view.basis, "first_month_end": first, "last_month_end": last},
    ),
    ("flow_rate", segmented),
    ("net_flow_to_loss", segmented),
)
st.subheader(t("roll_matrix_title", lang), help=metric_definition("roll_matrix_average", lang))
fig = roll.matrix_heatmap(matrix, lang)
if fig is None:
    blocks.empty_state(view)
else:
    st.caption(f"{window_text} · {t('basis_' + view.basis, lang)} · {t('roll_matrix_hint', lang)}")
    blocks.chart_block(fig, matrix, "roll_matrix_average", view, key="rr_matrix")

# --- flow rates and net flow to loss over the period ---------------------------------------------
st.subheader(metric_name("flow_rate", lang), help=metric_definition("flow_rate", lang))
flows = roll.in_period(flows, "to_month_end", view.period_start)
fig = roll.flow_lines(flows, lang)
if fig is None:
    blocks.empty_state(view)
else:
    st.caption(t("roll_flow_hint", lang))
    blocks.chart_block(fig, flows, "flow_rate", view, key="rr_flow")

st.subheader(
    metric_name("net_flow_to_loss", lang), help=metric_definition("net_flow_to_loss", lang)
)
net = roll.in_period(net, "month_end", view.period_start)
fig = roll.net_flow_line(net, lang)
if fig is None:
    st.info(t("roll_net_flow_empty", lang), icon=":material/hourglass_empty:")
else:
    blocks.chart_block(fig, net, "net_flow_to_loss", view, key="rr_net")

# --- A vs B: two cohorts or two values of a segment, same window ------------------------------
st.subheader(
    metric_name("roll_matrix_compare", lang), help=metric_definition("roll_matrix_compare", lang)
)
compare_by = choice(
    st.segmented_control,
    t("roll_compare_by", lang),
    ["cohort", "segment"],
    default="cohort",
    format_func=lambda v: t(f"roll_compare_{v}", lang),
    key="rr_cmp",
    required=True,
)
params: dict[str, list] = {"cohorts_a": [], "cohorts_b": [], "filters_a": [], "filters_b": []}
names = {"a": "A", "b": "B"}
if compare_by == "cohort":
    # months as YYYY-MM: what the URL holds (?rr_coh_a=2025-01)
    cohorts = [_month(d) for d in _dates(data.lookup("cohorts").cohort) if d <= view.as_of]
    # defaults (newest first): the cohorts a year and half a year before the as-of month
    defaults = (cohorts[12:13] or cohorts[-1:]) + (cohorts[6:7] or cohorts[:1])
    col_a, col_b = st.columns(2)
    picked_a = col_a.multiselect(
        t("roll_group_a", lang),
        cohorts,
        default=defaults[:1],
        key="rr_coh_a",
        bind="query-params",
        help=t("roll_cohorts_help", lang),
    )
    picked_b = col_b.multiselect(
        t("roll_group_b", lang),
        cohorts,
        default=defaults[1:2],
        key="rr_coh_b",
        bind="query-params",
        help=t("roll_cohorts_help", lang),
    )
    params["cohorts_a"] = [date.fromisoformat(f"{m}-01") for m in picked_a]
    params["cohorts_b"] = [date.fromisoformat(f"{m}-01") for m in picked_b]
    names = {
        "a": ", ".join(picked_a) or t("all", lang),
        "b": ", ".join(picked_b) or t("all", lang),
    }
else:
    values = data.lookup("segment_values")
    segments = list(dict.fromkeys(values.segment))
    col_s, col_a, col_b = st.columns(3)
    segment = choice(
        col_s.selectbox,
        t("segment", lang),
        segments,
        default="product",
        format_func=lambda s: segment_label(s, lang),
        key="rr_seg",
    )
    # in their natural order, the first against the last (grade A against grade E)
    options = sorted(values.loc[values.segment == segment, "value"])
    value_a = col_a.selectbox(
        t("roll_group_a", lang), options, index=0, key="rr_seg_a", bind="query-params"
    )
    value_b = col_b.selectbox(
        t("roll_group_b", lang),
        options,
        index=max(len(options) - 1, 0),
        key="rr_seg_b",
        bind="query-params",
    )
    params["filters_a"] = [f"{segment}={value_a}"]
    params["filters_b"] = [f"{segment}={value_b}"]
    names = {"a": str(value_a), "b": str(value_b)}

compare = data.metric(
    "roll_matrix_compare",
    as_of=view.as_of,
    filters=list(view.filters),
    basis=view.basis,
    first_month_end=first,
    last_month_end=last,
    **params,
)
fig_a = roll.matrix_heatmap(
    roll.compare_side(compare, "a"), lang, height=340, title=f"A · {names['a']}", compact=True
)
fig_b = roll.matrix_heatmap(
    roll.compare_side(compare, "b"), lang, height=340, title=f"B · {names['b']}", compact=True
)
fig_diff = roll.diff_heatmap(compare, lang)
if fig_a is None or fig_b is None or fig_diff is None:
    st.info(t("roll_compare_empty", lang), icon=":material/filter_alt_off:")
else:
    st.caption(f"{window_text} · {t('basis_' + view.basis, lang)}")
    col_a, col_b = st.columns(2)
    col_a.plotly_chart(fig_a, width="stretch", key="rr_cmp_a", config={"displaylogo": False})
    col_b.plotly_chart(fig_b, width="stretch", key="rr_cmp_b", config={"displaylogo": False})
    st.markdown(f"**{t('roll_diff_title', lang)}**")
    blocks.chart_block(fig_diff, compare, "roll_matrix_compare", view, key="rr_cmp_diff")
