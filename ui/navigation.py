"""The pages of the app, grouped into sections, in the chosen language."""

from __future__ import annotations

import streamlit as st

from charts.i18n import t

# (file, label key, material icon, url path). Each url path is its file's stem: before the entry
# script has run st.navigation, Streamlit knows the pages/ files by their stems, so the first
# visitor of a fresh server who opens a deep link such as /roll_rates finds that page, where
# /roll-rates got a "Page not found" dialog (streamlit/streamlit#9624; tests/test_navigation.py).
SECTIONS: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {
    ("组合", "Portfolio"): [
        ("pages/overview.py", "page_overview", ":material/dashboard:", "overview"),
        ("pages/trends.py", "page_trends", ":material/trending_up:", "trends"),
        ("pages/early_warning.py", "page_early_warning", ":material/warning:", "early_warning"),
        ("pages/vintage.py", "page_vintage", ":material/stacked_line_chart:", "vintage"),
        ("pages/roll_rates.py", "page_roll", ":material/swap_vert:", "roll_rates"),
        ("pages/risk_drivers.py", "page_drivers", ":material/leaderboard:", "risk_drivers"),
    ],
    ("催收", "Collections"): [
        ("pages/channels.py", "page_channels", ":material/call:", "channels"),
        ("pages/recovery.py", "page_recovery", ":material/savings:", "recovery"),
        ("pages/agencies.py", "page_agencies", ":material/apartment:", "agencies"),
        ("pages/conduct.py", "page_conduct", ":material/gavel:", "conduct"),
        ("pages/repayment_plans.py", "page_plans", ":material/handshake:", "repayment_plans"),
    ],
    ("数据", "Data"): [
        ("pages/data.py", "page_data", ":material/database:", "data"),
        ("pages/glossary.py", "page_glossary", ":material/menu_book:", "glossary"),
    ],
}


def build_navigation(lang: str) -> st.navigation:
    pages: dict[str, list[st.Page]] = {}
    for (zh, en), entries in SECTIONS.items():
        pages[zh if lang == "zh" else en] = [
            st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=(url == "overview"))
            for path, key, icon, url in entries
        ]
    return st.navigation(pages, position="sidebar")
