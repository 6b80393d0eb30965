"""Early warning: entry rate and cure by due month, FPD 1/7/30 by cohort and by risk grade.

Immature points (observation window not yet passed) are drawn dashed in a grey band; points not
observed at all are gaps, never zeros.
"""

from __future__ import annotations

import streamlit as st

from charts.early_warning import (
    ENTRY_BASIS,
    cure_figure,
    entry_rate_figure,
    fpd_by_segment_figure,
    fpd_figure,
)
from charts.i18n import segment_label, t
from charts.portfolio import ordered_segments, select, since
from ui import data
from ui.blocks import chart_block, empty_state, page_header
from ui.bound import choice
from ui.sidebar import FIXED_SEGMENTS
from ui.state import current_view

CURE_DAYS = (3, 7, 15, 30, 60)
FPD_DAYS = (1, 7, 30)

view = current_view()
lang = view.lang
filters = list(view.filters)
page_header("page_early_warning", view, ("entry_rate", "cure_by_due_month", "fpd_by_cohort"))
st.caption(t("immature_note", lang))

entry = since(
    data.metric("entry_rate", as_of=view.as_of, filters=filters), "due_month", view.period_start
)
if entry.empty:
    empty_state(view)
    st.stop()

# the page's controls in one row, so the charts below line up in pairs
segments = ordered_segments(data.lookup("segment_values").segment, FIXED_SEGMENTS)
a, b, c = st.columns([2, 1.2, 1])
cure_days = a.multiselect(
    t("cure_days_pick", lang), CURE_DAYS, default=[7, 30], key="ew_cure", bind="query-params"
)
by = choice(
    b.selectbox,
    t("split_by", lang),
    segments,
    default="risk_grade",
    format_func=lambda s: segment_label(s, lang),
    key="ew_by",
)
n = c.selectbox(
    t("fpd_threshold", lang),
    FPD_DAYS,
    index=1,
    format_func=lambda d: f"FPD{d}",
    key="ew_fpd_n",
    bind="query-params",
)

# the queries below depend only on the controls above: they run at once (ui/data.py)
segmented = {"as_of": view.as_of, "filters": filters}
batch = [
    ("fpd_by_cohort", {**segmented, "thresholds": list(FPD_DAYS)}),
    ("fpd_by_cohort", {**segmented, "thresholds": [n], "by": by}),
]
if cure_days:
    batch.append(("cure_by_due_month", {**segmented, "cure_days": sorted(cure_days)}))
frames = data.metrics(*batch)
fpd = since(frames[0], "cohort", view.period_start)
by_segment = since(frames[1], "cohort", view.period_start)
cure = since(frames[2], "due_month", view.period_start) if cure_days else None

left, right = st.columns(2)
with left:
    entry_rows = select(entry, basis=ENTRY_BASIS[view.basis])
    chart_block(
        entry_rate_figure(entry_rows, lang, ENTRY_BASIS[view.basis]),
        entry_rows,
        "entry_rate",
        view,
        key="ew_entry",
    )
with right:
    if not cure_days:
        st.info(t("pick_threshold", lang), icon=":material/tune:")
    else:
        chart_block(cure_figure(cure, lang), cure, "cure_by_due_month", view, key="ew_cure_chart")

left, right = st.columns(2)
with left:
    chart_block(fpd_figure(fpd, lang), fpd, "fpd_by_cohort", view, key="ew_fpd")
with right:
    chart_block(
        fpd_by_segment_figure(by_segment, by, n, lang),
        by_segment,
        "fpd_by_cohort",
        view,
        key="ew_fpd_by",
    )
