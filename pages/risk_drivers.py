"""Risk drivers: every value of a segment ranked on a measure, and two segments cross-tabulated."""

from __future__ import annotations

import streamlit as st

from charts import drivers
from charts.i18n import fmt_pct, metric_definition, segment_label, t
from queries.registry_drivers import MEASURE_KINDS, measure_for
from ui import blocks, data
from ui.bound import choice
from ui.state import current_view

view = current_view()
lang = view.lang
blocks.page_header("page_drivers", view, ("segment_ranking",))

settings = data.lookup("derive_settings")
min_size = int(settings.min_segment_size.iloc[0])
values = data.lookup("segment_values")
segments = list(dict.fromkeys(values.segment))


left, right = st.columns([3, 2], vertical_alignment="bottom")
kind = choice(
    left.segmented_control,
    t("drivers_measure", lang),
    list(MEASURE_KINDS),
    default="dpd30",
    format_func=lambda k: t(f"drivers_{k}", lang),
    key="rd_measure",
    required=True,
)
segment = choice(
    right.selectbox,
    t("drivers_segment", lang),
    segments,
    default="region",
    format_func=lambda s: segment_label(s, lang),
    key="rd_seg",
)
measure = measure_for(kind, view.basis)
# FPD and ever-30 are read over the period's cohorts; DPD 30+ is a snapshot at the as-of date
scope = t(f"drivers_{kind}_scope", lang).format(
    start=view.period_start.strftime("%Y-%m") if view.period_start else t("all", lang),
    as_of=view.as_of.isoformat(),
)
basis_note = t("basis_balance" if measure.endswith("_balance") else "basis_count", lang)
st.caption(f"{scope} · {t('basis', lang)}: {basis_note}")

st.subheader(
    t("drivers_ranking_title", lang).format(segment=segment_label(segment, lang)),
    help=metric_definition("segment_ranking", lang),
)
ranking = data.metric(
    "segment_ranking",
    as_of=view.as_of,
    filters=list(view.filters),
    measure=measure,
    segment=segment,
    period_start=view.period_start,
)
fig = drivers.ranking_bars(ranking, lang, min_size=min_size)
if fig is None:
    st.info(t(f"drivers_empty_{kind}", lang), icon=":material/filter_alt_off:")
else:
    portfolio = ranking.portfolio_rate.dropna()
    notes = [
        f"{t('drivers_portfolio', lang)}: {fmt_pct(portfolio.iloc[0], 2)}"
        if len(portfolio)
        else "",
        t("drivers_ci_note" if ranking.ci_low.notna().any() else "drivers_no_ci_note", lang),
        t("drivers_small_note", lang).format(n=min_size),
    ]
    st.caption(" · ".join(n for n in notes if n))
    blocks.chart_block(fig, ranking, "segment_ranking", view, key="rd_rank")

st.subheader(t("drivers_crosstab_title", lang), help=metric_definition("segment_crosstab", lang))
col_a, col_b = st.columns(2)
segment_a = choice(
    col_a.selectbox,
    t("drivers_rows", lang),
    segments,
    default="risk_grade",
    format_func=lambda s: segment_label(s, lang),
    key="rd_row",
)
segment_b = choice(
    col_b.selectbox,
    t("drivers_cols", lang),
    segments,
    default="product",
    format_func=lambda s: segment_label(s, lang),
    key="rd_col",
)
if segment_a == segment_b:
    st.info(t("drivers_same_segment", lang), icon=":material/compare_arrows:")
else:
    cross = data.metric(
        "segment_crosstab",
        as_of=view.as_of,
        filters=list(view.filters),
        measure=measure,
        segment_a=segment_a,
        segment_b=segment_b,
        period_start=view.period_start,
    )
    fig = drivers.crosstab_heatmap(
        cross,
        lang,
        min_size=min_size,
        row_title=segment_label(segment_a, lang),
        col_title=segment_label(segment_b, lang),
    )
    if fig is None:
        st.info(t(f"drivers_empty_{kind}", lang), icon=":material/filter_alt_off:")
    else:
        st.caption(t("drivers_crosstab_note", lang).format(n=min_size))
        blocks.chart_block(fig, cross, "segment_crosstab", view, key="rd_cross")
