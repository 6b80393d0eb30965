"""Opening the app in Streamlit's AppTest the way every page test does.

The app keeps its read-only DuckDB connections open in this process (ui.data); conftest.py
closes them after each test module (release_the_app_connections), so that later tests may open
the same files with other settings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.golden import REPO


def release_the_app_connections() -> None:
    from ui import data

    for _, con in data._OPEN.values():
        con.close()
    data._OPEN.clear()


def open_page(
    db: Path, page: str, monkeypatch: pytest.MonkeyPatch, timeout: float = 180, **params: str
) -> AppTest:
    """The app on `db`, switched to `page`, with URL query parameters `params`; no errors."""
    monkeypatch.setenv("LEDGER_DB", str(db))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))
