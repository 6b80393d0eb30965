"""Start-up: with no database yet, import the bundled sample ledger; with a database derived by
an older version of the code, derive it again from its raw tables. Both show progress."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui import data


def ensure_database() -> None:
    if not data.database_ready():
        _with_progress(
            "首次启动：正在导入示例数据… / First start: importing the sample ledger…",
            _import_sample,
        )
    elif not data.derivation_current():
        _with_progress(
            "数据库由旧版本计算，正在按当前版本重新计算… / The database was derived by an older "
            "version: deriving it again…",
            _rederive,
        )


def _import_sample(progress: Callable[[float, str], None]) -> None:
    from ledger.importer import import_paths  # imported here: only needed on first start

    data.db_path().parent.mkdir(parents=True, exist_ok=True)
    import_paths([data.SAMPLE_DIR], data.db_path(), progress=progress)


def _rederive(progress: Callable[[float, str], None]) -> None:
    from ledger.importer import rederive

    rederive(data.db_path(), progress=progress)


def _with_progress(title: str, job: Callable[[Callable[[float, str], None]], None]) -> None:
    with st.status(title) as box:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        job(progress)
        box.update(state="complete")
    st.rerun()
