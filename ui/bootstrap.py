"""First start: with no database yet, import the bundled sample ledger, showing progress."""

from __future__ import annotations

import streamlit as st

from ui import data


def ensure_database() -> None:
    if data.database_ready():
        return
    from ledger.importer import import_paths  # imported here: only needed on first start

    with st.status(
        "首次启动：正在导入示例数据… / First start: importing the sample ledger…"
    ) as box:
        bar = st.progress(0.0)

        def progress(*args: object) -> None:
            done, total = _fraction(args)
            if total:
                bar.progress(min(done / total, 1.0), text=str(args[0]))

        data.db_path().parent.mkdir(parents=True, exist_ok=True)
        import_paths([data.SAMPLE_DIR], data.db_path(), progress=progress)
        box.update(state="complete")
    st.rerun()


def _fraction(args: tuple[object, ...]) -> tuple[float, float]:
    numbers = [a for a in args if isinstance(a, int | float)]
    if len(numbers) >= 2:
        return float(numbers[-2]), float(numbers[-1])
    return 0.0, 0.0
