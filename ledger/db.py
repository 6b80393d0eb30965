"""Opening DuckDB files the way this project needs them: bounded memory, no downloads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).with_name("sql")
DEFAULT_DB = Path("data/ledger.duckdb")


def _config(read_only: bool) -> dict[str, str | bool]:
    config: dict[str, str | bool] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
        # DuckDB's buffer pool, not the whole process: at 4 GB a 1M-loan import peaked at 4.2 GB
        # RSS, at 3 GB at 3.3 GB but spilled more (action_status 36 s -> 45 s); 3.5 GB keeps it
        # under 4 GB. Bigger ledgers spill to temp_directory.
        "memory_limit": os.environ.get("LEDGER_MEMORY_LIMIT", "3.5GB"),
        "preserve_insertion_order": False,
    }
    if not read_only:
        config["temp_directory"] = os.environ.get(
            "LEDGER_TEMP_DIR", str(Path(tempfile.gettempdir()) / "ledger_duckdb_tmp")
        )
    return config


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
    """Open a DuckDB database (in memory when `path` is None)."""
    target = ":memory:" if path is None else str(path)
    return duckdb.connect(target, read_only=read_only, config=_config(read_only))


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw ledger tables of the contract (empty)."""
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
