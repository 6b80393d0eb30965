"""Run a metric's SQL file with bound parameters and return a DataFrame."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from ledger.sqlfile import execute_file
from queries.registry import METRICS, QUERY_DIR, Metric, Param

LOOKUP_DIR = QUERY_DIR / "lookups"


class QueryError(ValueError):
    """A metric asked for with parameters it cannot take (message is for the user)."""


# How many of a page's independent metric calls run at once, each on its own cursor (ui/data.py
# metrics()): on two cores a third overlaps the Python work around each query
# (bench/RESULTS.md, eleventh session).
CONCURRENT_QUERIES = 3


def derived_settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The derivation's settings a metric call reads (as-of date, default attribution window,
    vintage thresholds, windows with whole-book recovery sums), in one query per call."""
    cursor = con.cursor().execute(
        "SELECT as_of, attribution_window_days, vintage_thresholds, recovery_windows"
        " FROM derive_settings"
    )
    row = cursor.fetchone()
    if row is None:
        raise QueryError("the database has not been derived yet: import a ledger first")
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def as_of_of(con: duckdb.DuckDBPyConnection) -> date:
    """The as-of date the database was derived for."""
    return derived_settings(con)["as_of"]


def _coerce(param: Param, value: Any) -> Any:
    """Turn a CLI string or a Python value into what the SQL parameter expects."""
    if value is None:
        return None
    kind = param.kind
    try:
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind == "int":
            return int(value)
        if kind in ("int_list", "date_list", "str_list"):
            items: Iterable[Any] = (
                [v for v in value.split(",") if v.strip()] if isinstance(value, str) else value
            )
            one = Param(param.name, kind.removesuffix("_list"), None, "")
            return [_coerce(one, v.strip() if isinstance(v, str) else v) for v in items]
        if kind == "choice":
            if value not in param.choices:
                raise QueryError(
                    f"{param.name} must be one of {', '.join(repr(c) for c in param.choices)}"
                )
            return value
        return str(value)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, QueryError):
            raise
        raise QueryError(f"parameter {param.name}: cannot read {value!r} as {kind}") from None


def _filters(value: Any) -> list[str]:
    """Filters as 'segment=value' strings; accepts pairs or a mapping of lists too."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [
            f"{k}={v}" for k, vs in value.items() for v in ([vs] if isinstance(vs, str) else vs)
        ]
    out = []
    for item in value:
        text = item if isinstance(item, str) else f"{item[0]}={item[1]}"
        if "=" not in text:
            raise QueryError(f"filter {text!r} is not of the form segment=value")
        out.append(text)
    return out


def resolve_params(
    con: duckdb.DuckDBPyConnection,
    metric: Metric,
    given: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Defaults filled in, values coerced and checked; raises QueryError for the user.
    `settings`: derived_settings(con), if the caller has read it already."""
    known = {p.name for p in metric.params}
    unknown = set(given) - known
    if unknown:
        raise QueryError(
            f"{metric.name} takes no parameter {', '.join(sorted(unknown))}; "
            f"it takes: {', '.join(sorted(known)) or 'none'}"
        )
    settings = settings if settings is not None else derived_settings(con)
    derived_as_of = settings["as_of"]
    values: dict[str, Any] = {}
    for p in metric.params:
        raw = given.get(p.name, p.default)
        if p.name == "filters":
            values[p.name] = _filters(raw)
        elif isinstance(raw, tuple):
            values[p.name] = _coerce(p, list(raw))
        else:
            values[p.name] = _coerce(p, raw)
    if "as_of" in values:
        if values["as_of"] is None:
            values["as_of"] = derived_as_of
        elif values["as_of"] > derived_as_of:
            raise QueryError(
                f"as-of {values['as_of']} is after the data's as-of date {derived_as_of}: "
                "those days are not observed yet"
            )
    if "window_days" in values and values["window_days"] is None:
        values["window_days"] = settings["attribution_window_days"]
    if metric.name == "vintage":
        allowed = settings["vintage_thresholds"]
        if values["threshold"] not in allowed:
            raise QueryError(
                f"vintage threshold must be one of {allowed} (settings: vintage_thresholds)"
            )
    return values


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def whole_book_call(values: Mapping[str, Any]) -> bool:
    """Whether a metric's parameters ask for whole months of the whole book: no filter, an as-of
    and a period end (if any) on month-ends and a period start (if any) on the first of a month.
    The same test as the SQL macro whole_months() (ledger/sql/derive/84_action_marts.sql)."""
    if "filters" not in values or values["filters"] or not isinstance(values.get("as_of"), date):
        return False
    start, end = values.get("period_start"), values.get("period_end")
    return (
        _month_end(values["as_of"])
        and (start is None or start.day == 1)
        and (end is None or _month_end(end))
    )


def metric_cursor(
    con: duckdb.DuckDBPyConnection,
    values: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A cursor for one metric call. For a whole-book, whole-months call (with an attribution
    window the derivation summed recoveries for, if it has one) the schema whole_book comes
    first on its search path: its macros read the whole-book monthly tables and hold only the
    branch such a call takes, which spares DuckDB binding the per-action branch it would drop
    (ledger/sql/derive/85_whole_book_macros.sql). `settings`: derived_settings(con), if read."""
    cursor = con.cursor()
    if not whole_book_call(values):
        return cursor
    if "window_days" in values:
        summed = (settings if settings is not None else derived_settings(con))["recovery_windows"]
        if values["window_days"] not in summed:
            return cursor
    cursor.execute("SET search_path = 'whole_book,main'")
    return cursor


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run metric `name` with `params` (defaults from the registry) and return its table."""
    try:
        metric = METRICS[name]
    except KeyError:
        raise QueryError(f"unknown metric {name!r}; known: {', '.join(METRICS)}") from None
    settings = derived_settings(con)
    values = resolve_params(con, metric, params, settings)
    frame = execute_file(metric_cursor(con, values, settings), metric.sql_path, values).df()
    return _shape(metric, frame, values.get("by", ""))


def _shape(metric: Metric, frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Columns in the documented order; the grouping column named after $by, or dropped."""
    group = metric.grouping
    if group and group in frame.columns:
        if by:
            frame = frame.rename(columns={group: by})
        else:
            frame = frame.drop(columns=[group])
    head = [c for c in metric.columns if c in frame.columns]
    if by and by in frame.columns:
        head.insert(1, by)
    rest = [c for c in frame.columns if c not in head]
    return frame[head + rest].reset_index(drop=True)


def lookup(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a helper query of queries/lookups/ (selector options, import facts), not a metric."""
    path = LOOKUP_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"unknown lookup {name!r}")
    return execute_file(con.cursor(), path, params).df()
