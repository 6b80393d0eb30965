"""The shared sidebar: language, as-of month-end, period, basis and segment filters.

Every widget is bound to the URL (bind="query-params"), so a copied link reproduces the view,
across pages too. The widget key is the query parameter's name.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from charts.i18n import segment_label, t
from ui import data
from ui.state import View, set_view

FIXED_SEGMENTS = ("product", "region", "risk_grade", "acquisition_channel", "credit_band")
PERIOD_MONTHS = ("6", "12", "24", "36", "all")


def _months_before(as_of: date, months: int) -> date:
    """The first day of the month `months - 1` months before as_of's month (a window of N)."""
    index = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def render_sidebar() -> View:
    side = st.sidebar
    lang = side.segmented_control(
        "语言 / Language",
        options=["zh", "en"],
        default="zh",
        format_func=lambda v: "中文" if v == "zh" else "English",
        key="lang",
        bind="query-params",
        required=True,
    )
    lang = lang or "zh"
    month_ends = [
        d.isoformat() for d in pd.to_datetime(data.lookup("month_ends").month_end).dt.date
    ]
    as_of_text = side.selectbox(t("as_of", lang), month_ends, key="asof", bind="query-params")
    as_of = date.fromisoformat(as_of_text)
    period = (
        side.segmented_control(
            t("period", lang),
            options=list(PERIOD_MONTHS),
            default="24",
            format_func=lambda v: (
                t("all", lang) if v == "all" else f"{v}{'个月' if lang == 'zh' else 'm'}"
            ),
            key="months",
            bind="query-params",
            required=True,
        )
        or "24"
    )
    months = None if period == "all" else int(period)
    basis = (
        side.segmented_control(
            t("basis", lang),
            options=["balance", "count"],
            default="balance",
            format_func=lambda v: t(f"basis_{v}", lang),
            key="basis",
            bind="query-params",
            required=True,
        )
        or "balance"
    )

    side.markdown(f"**{t('filters', lang)}**")
    values = data.lookup("segment_values")
    chosen: list[str] = []
    segments = [s for s in FIXED_SEGMENTS if s in set(values.segment)]
    extras = sorted(set(values.segment) - set(FIXED_SEGMENTS))
    for segment in segments:
        chosen += _segment_filter(side, values, segment, lang)
    if extras:
        with side.expander("+ " + ("更多维度" if lang == "zh" else "More segments")):
            for segment in extras:
                chosen += _segment_filter(st, values, segment, lang)

    view = View(
        lang=lang,
        as_of=as_of,
        period_start=None if months is None else _months_before(as_of, months),
        months=months,
        basis=basis,
        filters=tuple(chosen),
    )
    set_view(view)
    return view


def _segment_filter(container, values: pd.DataFrame, segment: str, lang: str) -> list[str]:
    options = values.loc[values.segment == segment, "value"].tolist()
    picked = container.multiselect(
        segment_label(segment, lang),
        options,
        key=f"f_{segment}",
        bind="query-params",
        placeholder=t("all", lang),
    )
    return [f"{segment}={v}" for v in picked]
