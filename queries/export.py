"""Writing a metric's table for analysts: CSV in UTF-8 with BOM (Excel shows Chinese) or xlsx."""

from __future__ import annotations

import io
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from queries.runner import run

_UNSAFE = re.compile(r"[^\w.=+-]+", re.UNICODE)


def export_file_name(metric: str, as_of: date | None, filters: list[str], fmt: str) -> str:
    """A file name that carries the metric, the filters and the as-of date."""
    parts = [metric]
    parts += [_UNSAFE.sub("_", f) for f in sorted(filters)]
    if as_of:
        parts.append(f"asof_{as_of.isoformat()}")
    return "__".join(parts) + f".{fmt}"


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark; NULL stays empty, never 0."""
    return frame.to_csv(index=False, na_rep="").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def export_metric(
    con: duckdb.DuckDBPyConnection,
    metric: str,
    *,
    as_of: date | None,
    params: dict[str, str],
    filters: list[tuple[str, str]],
    fmt: str = "csv",
    out: str | None = None,
) -> None:
    """Run `metric` and write it as CSV (utf-8-sig) or xlsx to `out`, or to stdout."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format must be csv or xlsx, not {fmt!r}")
    values: dict[str, Any] = dict(params)
    # CLI.md names the single form (`--param threshold=N`) where the SQL takes a list
    if "threshold" in values and metric in ("overdue_rate", "fpd"):
        values["thresholds"] = values.pop("threshold")
    values["filters"] = [f"{k}={v}" for k, v in filters]
    if as_of is not None:
        values["as_of"] = as_of
    frame = run(con, metric, **values)
    data = to_csv_bytes(frame) if fmt == "csv" else to_xlsx_bytes(frame, metric)
    if out is None or out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(out).write_bytes(data)
