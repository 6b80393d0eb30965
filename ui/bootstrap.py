"""First start: with no database yet, import the bundled sample ledger, showing progress."""

from __future__ import annotations

import streamlit as st

from ui import data


def ensure_database() -> None:
    if data.database_ready():
        return
    from ledger.importer import import_paths  # imported here: only needed on first start

    title = "首次启动：正在导入示例数据… / First start: importing the sample ledger…"
    with st.status(title) as box:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        data.db_path().parent.mkdir(parents=True, exist_ok=True)
        import_paths([data.SAMPLE_DIR], data.db_path(), progress=progress)
        box.update(state="complete")
    st.rerun()
