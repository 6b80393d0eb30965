"""Derivation: installment paid-off dates, write-offs, month-end loan states and the marts.

Runs in DuckDB SQL after each import: the files in ledger/sql/derive/ in name order, each with
the parameters it uses taken from the settings and the as-of date. Each file's header says what
table it builds and at what grain; pages and queries read those (and the raw tables for
drill-downs), never the import's staging tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from ledger.db import retry_memory
from ledger.settings import Settings, load_settings
from ledger.sqlfile import execute_file, read_sql, sql_parameters

DERIVE_DIR = Path(__file__).with_name("sql") / "derive"


def derive_files() -> list[Path]:
    return sorted(DERIVE_DIR.glob("*.sql"))


@cache
def derivation_version() -> str:
    """A hash of the derivation's SQL files (names and contents): it changes with the code."""
    digest = hashlib.sha256()
    for path in derive_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def derivation_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables in `con` were built by this code's derivation."""
    try:
        row = con.execute("SELECT version FROM derive_version").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] == derivation_version()


def default_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest date in the export: disbursement, payment, action or closing date."""
    row = con.execute(
        """
        SELECT greatest(
            (SELECT max(disbursed_date) FROM loans),
            (SELECT max(closed_date) FROM loans),
            (SELECT max(paid_date) FROM repayments),
            (SELECT CAST(max(action_at) AS DATE) FROM collection_actions))
        """
    ).fetchone()
    return row[0] if row else None


def derive(
    con: duckdb.DuckDBPyConnection,
    settings: Settings | None = None,
    as_of: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> date:
    """Build every derived table from the raw tables in `con`; return the as-of date used.

    `progress(step_name, done, total)` is called before each step when given.
    """
    settings = settings or load_settings()
    chosen = as_of or default_as_of(con)
    if chosen is None:
        raise ValueError("the ledger holds no dates: nothing to derive")
    values: dict[str, object] = {
        **settings.as_params(),
        "min_segment_size": settings.min_segment_size,
        "max_segment_values": settings.max_segment_values,
        "vintage_thresholds": list(settings.vintage_thresholds),
        "as_of": chosen,
        "derive_version": derivation_version(),
    }
    files = derive_files()
    for number, path in enumerate(files):
        if progress:
            progress(path.stem, number, len(files))
        params = {name: values[name] for name in sql_parameters(read_sql(path))}
        try:
            execute_file(con, path, params)
        except duckdb.OutOfMemoryException:
            # each step replaces its tables whole, so it can simply run again (ledger.db)
            with retry_memory(con) as limit:
                if progress:
                    progress(f"{path.stem} (again, memory_limit {limit})", number, len(files))
                execute_file(con, path, params)
    if progress:
        progress("done", len(files), len(files))
    return chosen
