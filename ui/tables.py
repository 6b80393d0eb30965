"""Tables of the collections pages: translated categories and headers, formats per unit.

The downloads are always the metric's own table (codes and column names as the CLI exports
them); only what is shown on screen is translated.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.collections import column_kind, column_label, display_table
from ui import blocks
from ui.state import View

_FORMATS = {"percent": "percent", "money": "yen", "ratio": "%.2f", "yuan_ratio": "¥%.3f"}


def column_config(frame: pd.DataFrame, lang: str) -> dict[str, object]:
    """Headers in the page's language; rates as percent, money in ¥, ratios with decimals."""
    config: dict[str, object] = {}
    for column in frame.columns:
        kind = column_kind(column)
        name = column_label(column, lang)
        if kind in _FORMATS:
            config[column] = st.column_config.NumberColumn(name, format=_FORMATS[kind])
        elif pd.api.types.is_integer_dtype(frame[column]) and column != "day":
            config[column] = st.column_config.NumberColumn(name, format="localized")
        else:
            config[column] = st.column_config.Column(name)
    return config


def chart(fig: go.Figure | None, frame: pd.DataFrame, metric: str, view: View, key: str) -> None:
    """blocks.chart_block with the table translated and formatted."""
    blocks.chart_block(
        fig,
        frame,
        metric,
        view,
        key,
        table=display_table(frame, view.lang),
        column_config=column_config(frame, view.lang),
    )


def table(
    frame: pd.DataFrame, metric: str, view: View, key: str, height: int | None = None
) -> None:
    """A table shown open (not in an expander), with its CSV and Excel downloads."""
    if frame.empty:
        blocks.empty_state(view)
        return
    st.dataframe(
        display_table(frame, view.lang),
        hide_index=True,
        width="stretch",
        height=height or "auto",
        column_config=column_config(frame, view.lang),
    )
    blocks.downloads(frame, metric, view, key)
