"""Placeholder while the page is built."""

from __future__ import annotations

import streamlit as st

st.title("…")
