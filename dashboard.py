"""The overdue-rate dashboard: `streamlit run dashboard.py`.

Builds the navigation and the shared sidebar, then runs the chosen page. On a fresh checkout
(no database yet) it first imports the bundled sample ledger, with progress.
"""

from __future__ import annotations

import streamlit as st

from charts.i18n import t
from ui import data
from ui.bootstrap import ensure_database
from ui.navigation import build_navigation
from ui.sidebar import render_sidebar

st.set_page_config(page_title="逾期率分析看板 · Overdue dashboard", page_icon="📉", layout="wide")

ensure_database()
view = render_sidebar()
st.sidebar.caption(f"{t('app_title', view.lang)} · {data.db_path().name}")
build_navigation(view.lang).run()
