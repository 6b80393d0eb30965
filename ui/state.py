"""The shared view state (filters from the sidebar), as the pages read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import streamlit as st


@dataclass(frozen=True)
class View:
    """What the sidebar selected: every page reads its filters from here."""

    lang: str
    as_of: date
    period_start: date | None
    months: int | None
    basis: str  # 'count' or 'balance'
    filters: tuple[str, ...] = field(default_factory=tuple)  # 'segment=value'

    @property
    def filter_label(self) -> str:
        return ", ".join(self.filters)


def set_view(view: View) -> None:
    st.session_state["_view"] = view


def current_view() -> View:
    """The view the sidebar built on this run (dashboard.py renders the sidebar first)."""
    view = st.session_state.get("_view")
    if view is None and _leave_v1_pages_mode():
        st.rerun()
    if view is None:
        raise RuntimeError(
            "the sidebar has not run: start the app with `streamlit run dashboard.py`"
        )
    return view


def _leave_v1_pages_mode() -> bool:
    """On a fresh server, Streamlit treats pages/ as a v1 multipage folder until st.navigation
    has run once, so the first request for /data or /glossary runs that page file alone, without
    dashboard.py. Switch the v1 mode off and rerun: the same URL then goes through navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False
