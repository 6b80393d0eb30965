"""The shared sidebar: language, as-of month-end, period, basis and segment filters.

Every widget is bound to the URL, so a copied link reproduces the view, across pages too; the
widget key is the query parameter's name. Translated choices go through ui.bound.choice, which
keeps their code in the URL (bind="query-params" would keep the translated label).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from charts.i18n import segment_label, t
from ui import data
from ui.bound import choice
from ui.state import View, set_view

FIXED_SEGMENTS = ("product", "region", "risk_grade", "acquisition_channel", "credit_band")
PERIOD_MONTHS = ("6", "12", "24", "36", "all")


def _months_before(as_of: date, months: int) -> date:
    """The first day of the month `months - 1` months before as_of's month (a window of N)."""
    index = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def render_sidebar() -> View:
    side = st.sidebar
    # translated choices are kept in the URL by their code (ui/bound.py): ?lang=en&basis=count
    lang = choice(
        side.segmented_control,
        "语言 / Language",
        ["zh", "en"],
        default="zh",
        format_func=lambda v: "中文" if v == "zh" else "English",
        key="lang",
        required=True,
    )
    month_ends = [
        d.isoformat() for d in pd.to_datetime(data.lookup("month_ends").month_end).dt.date
    ]
    as_of_text = side.selectbox(t("as_of", lang), month_ends, key="asof", bind="query-params")
    as_of = date.fromisoformat(as_of_text)
    period = choice(
        side.segmented_control,
        t("period", lang),
        list(PERIOD_MONTHS),
        default="24",
        format_func=lambda v: (
            t("all", lang) if v == "all" else f"{v}{'个月' if lang == 'zh' else 'm'}"
        ),
        key="months",
        required=True,
    )
    months = None if period == "all" else int(period)
    basis = choice(
        side.segmented_control,
        t("basis", lang),
        ["balance", "count"],
        default="balance",
        format_func=lambda v: t(f"basis_{v}", lang),
        key="basis",
        required=True,
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
