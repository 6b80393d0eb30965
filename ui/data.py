"""Cached, read-only access to the ledger database for the pages.

The app opens the DuckDB file read-only and keys every cache on the file's modification stamp,
so an import (which swaps in a new file atomically) is noticed on the next rerun.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

import queries
from ledger.db import DEFAULT_DB, connect
from queries.runner import CONCURRENT_QUERIES

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data" / "small"


def db_path() -> Path:
    return Path(os.environ.get("LEDGER_DB", str(DEFAULT_DB)))


def db_stamp() -> int:
    """Changes whenever an import swaps in a new database file."""
    return db_path().stat().st_mtime_ns


_OPEN: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}
_OPEN_LOCK = threading.Lock()


def _connection(path: str, stamp: int) -> duckdb.DuckDBPyConnection:
    """One read-only connection per database file, replaced when the file is.

    DuckDB shares one database instance per path within a process: while any connection to
    the replaced file is open, connect() would hand back the old file's contents. So the old
    connection is closed before the new file is opened (not left in a cache to expire)."""
    with _OPEN_LOCK:
        held = _OPEN.get(path)
        if held is not None and held[0] == stamp:
            return held[1]
        if held is not None:
            held[1].close()
        con = connect(path, read_only=True)
        _OPEN[path] = (stamp, con)
        return con


def connection() -> duckdb.DuckDBPyConnection:
    return _connection(str(db_path()), db_stamp())


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return tuple(_hashable(v) for v in value)
    return value


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _metric(path: str, stamp: int, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return queries.run(_connection(path, stamp), name, **dict(params))


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _lookup(
    path: str, stamp: int, name: str, params: tuple[tuple[str, Any], ...] = ()
) -> pd.DataFrame:
    return queries.lookup(_connection(path, stamp), name, **{k: _listed(v) for k, v in params})


def _items(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Parameters as a hashable, ordered cache key."""
    return tuple(sorted((k, _hashable(v)) for k, v in params.items()))


def metric(name: str, **params: Any) -> pd.DataFrame:
    """A metric's table (see queries/registry.py), cached per database file and parameters."""
    return _metric(str(db_path()), db_stamp(), name, _items(params)).copy()


def metrics(*calls: tuple[str, Mapping[str, Any]]) -> list[pd.DataFrame]:
    """Several metrics' tables, in the order asked: each is cached as metric() caches it, and the
    ones not in the cache run at the same time, each on its own cursor.

    Why: on the whole-book tables most of a query's time is DuckDB binding and planning it,
    which is single-threaded, so a page's independent queries run one after another leave a
    core idle. Run together on two cores they take about the time of the longest ones
    (bench/RESULTS.md). The cache needs no Streamlit context, so the worker threads get none;
    an error in any call is raised here, as metric() would raise it."""
    if len(calls) < 2:
        return [metric(name, **params) for name, params in calls]
    path, stamp = str(db_path()), db_stamp()
    with ThreadPoolExecutor(
        max_workers=min(len(calls), CONCURRENT_QUERIES), thread_name_prefix="ledger-query"
    ) as pool:
        running = [pool.submit(_metric, path, stamp, n, _items(p)) for n, p in calls]
        return [future.result().copy() for future in running]


def _listed(value: Any) -> Any:
    """Tuples (hashable, for the cache key) go back to lists for DuckDB's list parameters."""
    return [_listed(v) for v in value] if isinstance(value, tuple) else value


def lookup(name: str, **params: Any) -> pd.DataFrame:
    """A helper query of queries/lookups/ (options, import facts), cached like metrics; params
    are bound to the file's $parameters (it must use exactly those)."""
    return _lookup(str(db_path()), db_stamp(), name, _items(params)).copy()


def database_ready() -> bool:
    return db_path().is_file()


@functools.lru_cache(maxsize=8)
def _derivation_current(path: str, stamp: int) -> bool:
    from ledger.derive import derivation_current

    return derivation_current(_connection(path, stamp).cursor())


def derivation_current() -> bool:
    """Whether the database's derived tables come from this code (checked once per file)."""
    return _derivation_current(str(db_path()), db_stamp())
