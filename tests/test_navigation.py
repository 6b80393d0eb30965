"""The app's page URLs (ui/navigation.py)."""

from __future__ import annotations

from pathlib import Path

from tests.golden import REPO
from ui.navigation import SECTIONS


def test_every_url_path_is_its_files_stem() -> None:
    """Before the entry script has run st.navigation, Streamlit knows the pages/ files by their
    stems: the first visitor of a fresh server who opens a deep link finds the page only when
    its url path is the file's stem (a /roll-rates link for pages/roll_rates.py got a "Page not
    found" dialog)."""
    entries = [entry for section in SECTIONS.values() for entry in section]
    assert entries
    for file, _, _, url in entries:
        assert (REPO / file).is_file(), file
        assert url == Path(file).stem, (file, url)
