"""Glossary: every metric with its Chinese and English name, definition, unit and SQL file."""

from __future__ import annotations

import streamlit as st

from charts.i18n import t
from queries.registry import METRICS
from ui.state import current_view

view = current_view()
st.title(t("page_glossary", view.lang))
st.caption(
    "每个指标的中英文名称、定义、单位及其 SQL 文件；设置项见 ledger/settings.toml。"
    if view.lang == "zh"
    else "Every metric with its names, definition, unit and the SQL file behind it; settings "
    "are in ledger/settings.toml."
)
for metric in METRICS.values():
    with st.container(border=True):
        st.subheader(f"{metric.zh} · {metric.en}", anchor=metric.name)
        st.markdown(metric.definition_zh if view.lang == "zh" else metric.definition_en)
        unit = "单位" if view.lang == "zh" else "Unit"
        st.markdown(f"**{unit}**: {metric.unit} · `queries/{metric.sql_path.name}`")
        with st.expander("SQL"):
            st.code(metric.sql_path.read_text(encoding="utf-8"), language="sql")
