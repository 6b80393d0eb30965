"""Page building blocks: header with the definition, chart + table + downloads, KPI cards.

Downloads never rerun the app (on_click="ignore") and build their file only when clicked.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.i18n import metric_definition, metric_name, t
from queries.export import export_file_name, to_csv_bytes, to_xlsx_bytes
from ui.state import View

GLOSSARY_PAGE = "pages/glossary.py"


def page_header(title_key: str, view: View, metrics: tuple[str, ...] = ()) -> None:
    """The page title and one line per metric shown: its definition, linked to the glossary."""
    st.title(t(title_key, view.lang))
    for metric in metrics:
        st.caption(f"**{metric_name(metric, view.lang)}** — {metric_definition(metric, view.lang)}")
    if metrics:
        st.page_link(GLOSSARY_PAGE, label=t("glossary", view.lang), icon=":material/menu_book:")


def empty_state(view: View) -> None:
    st.info(t("no_data", view.lang), icon=":material/filter_alt_off:")


def downloads(frame: pd.DataFrame, metric: str, view: View, key: str) -> None:
    """CSV (UTF-8 with BOM) and xlsx of exactly this table, named by metric, filters, as-of."""
    filters = list(view.filters)
    left, right = st.columns(2)
    left.download_button(
        t("download_csv", view.lang),
        data=lambda: to_csv_bytes(frame),  # built only on click
        file_name=export_file_name(metric, view.as_of, filters, "csv"),
        mime="text/csv",
        on_click="ignore",
        key=f"{key}_csv",
        icon=":material/download:",
    )
    right.download_button(
        t("download_xlsx", view.lang),
        data=lambda: to_xlsx_bytes(frame, metric),
        file_name=export_file_name(metric, view.as_of, filters, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key=f"{key}_xlsx",
        icon=":material/table_view:",
    )


def chart_block(
    fig: go.Figure | None,
    frame: pd.DataFrame,
    metric: str,
    view: View,
    key: str,
    *,
    table: pd.DataFrame | None = None,
    column_config: dict | None = None,
) -> None:
    """A chart, then its table in an expander with the two downloads.

    `table` (with `column_config`) is what the expander shows when it should read differently
    from the export (translated labels, formats); the downloads are always exactly `frame`.
    """
    if frame.empty:
        empty_state(view)
        return
    if fig is not None:
        st.plotly_chart(fig, width="stretch", key=f"{key}_chart", config={"displaylogo": False})
    with st.expander(t("table", view.lang)):
        st.dataframe(
            frame if table is None else table,
            hide_index=True,
            width="stretch",
            column_config=column_config,
        )
        downloads(frame, metric, view, key)
