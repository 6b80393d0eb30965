"""A choice widget kept in the URL by its code (?lang=en), not by its translated label.

Streamlit 1.67's bind="query-params" writes format_func's text into the URL (?basis=笔数), so a
link depends on the language it was copied in, a hand-written ?lang=en is thrown away, and
switching the language drops every translated choice. `choice` binds the option itself instead:
the URL is read once per session to seed the widget, and rewritten after every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def choice(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str | None = None,
    format_func: Callable[[Any], str] | None = None,
    **kwargs: Any,
) -> Any:
    """Render a single-choice `widget` (st.segmented_control, st.selectbox, st.radio, st.pills,
    or a container's) over string `options`, its value in the URL parameter `key`. The default
    (else the first option) is left out of the URL, as bind="query-params" does."""
    options = list(options)
    fallback = default if default in options else (options[0] if options else None)
    state = st.session_state
    if key not in state or state[key] not in options:
        wanted = st.query_params.get(key)
        state[key] = wanted if wanted in options else fallback
    value = widget(label, options, key=key, format_func=format_func or str, **kwargs)
    if value is None or value not in options:
        value = fallback
    sync_url(key, value, fallback)
    return value


def sync_url(key: str, value: str | None, default: str | None) -> None:
    """Write `value` into the URL parameter `key`, or remove it when it is the default."""
    if value is None or value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
