"""Opening DuckDB files the way this project needs them: bounded memory, no downloads."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).with_name("sql")
DEFAULT_DB = Path("data/ledger.duckdb")


def configured_memory_limit() -> str:
    """DuckDB's memory_limit for this project's connections: LEDGER_MEMORY_LIMIT, else 3.5GB."""
    return os.environ.get("LEDGER_MEMORY_LIMIT", "3.5GB")


def _config(read_only: bool) -> dict[str, str | bool]:
    config: dict[str, str | bool] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
        # DuckDB's buffer pool, not the whole process: at 4 GB a 1M-loan import peaked at 4.2 GB
        # RSS, at 3 GB at 3.3 GB but spilled more (action_status 36 s -> 45 s); 3.5 GB keeps it
        # under 4 GB. Bigger ledgers spill to temp_directory.
        "memory_limit": configured_memory_limit(),
        "preserve_insertion_order": False,
    }
    if not read_only:
        config["temp_directory"] = os.environ.get(
            "LEDGER_TEMP_DIR", str(Path(tempfile.gettempdir()) / "ledger_duckdb_tmp")
        )
    return config


def retry_memory_limit() -> str:
    """The memory_limit a derivation step that ran out of memory is run again with:
    LEDGER_MEMORY_RETRY_LIMIT, else half of this machine's memory.

    Why: not every DuckDB operator spills (a 10M-loan derivation stopped with "failed to pin
    block" at 3.5 GB, and at a tenth of the limit a 1M one fails some runs and not others), so
    the default limit that keeps a 1M import under 4 GB RSS can be too small for a bigger ledger.
    Running the failed step again with more memory is slower than never failing, but an import
    of a big ledger completes instead of being refused."""
    configured = os.environ.get("LEDGER_MEMORY_RETRY_LIMIT")
    if configured:
        return configured
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{total // 2 // 2**20}MB"


@contextmanager
def retry_memory(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """Run a block with DuckDB's memory_limit raised to retry_memory_limit() (yielded), then set
    back to the configured limit, which this project's connections are opened with (DuckDB shows
    the current limit rounded, so it cannot be read back and restored exactly)."""
    limit = retry_memory_limit()
    con.execute("SET memory_limit = $limit", {"limit": limit})
    try:
        yield limit
    finally:
        con.execute("SET memory_limit = $limit", {"limit": configured_memory_limit()})


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
    """Open a DuckDB database (in memory when `path` is None)."""
    target = ":memory:" if path is None else str(path)
    return duckdb.connect(target, read_only=read_only, config=_config(read_only))


STAGE_DB = "ledger_stage"
# a staged row as DuckDB holds it uncompressed (12-17 columns of 8-16 bytes, plus reasons)
STAGED_ROW_BYTES = 200
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def _bytes(text: str) -> int | None:
    m = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def stage_in_file(con: duckdb.DuckDBPyConnection, rows: int) -> bool:
    """Whether an import of `rows` rows stages them in a database file rather than in memory.

    LEDGER_STAGE=file or =memory decides; by default, a file when the staged rows would take
    more than three times DuckDB's memory limit uncompressed (above about 1.9M loans of the
    sample's shape, 27 rows a loan, at the default 3.5 GB).

    Why: in memory (an attached in-memory database, like TEMP tables) the rows are kept
    uncompressed and spill as they are. That is the fastest while they fit or spill into the
    OS page cache: at 1M loans a file made staging 16 s slower (compressing). At 10M loans the
    spill was 22.5 GB of temp files, read again by every check and by the merge; staged in a
    file (compressed), the import took 566 s against 687 s: checks 87 s against 178 s, merge
    142 s against 234 s, staging 330 s against 248 s (bench/RESULTS.md, sixth session).
    Where between 1M and 10M loans the file starts to pay was not measured. The threshold leans
    to the file: it costs about 16 s of staging per 1M loans, while a spill bigger than the OS
    page cache (sooner on a machine with less memory than this 24 GB one) costs minutes."""
    forced = os.environ.get("LEDGER_STAGE", "").strip().lower()
    if forced in ("file", "memory"):
        return forced == "file"
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    limit = _bytes(str(row[0])) if row else None
    return limit is not None and rows * STAGED_ROW_BYTES > 3 * limit


def attach_stage(con: duckdb.DuckDBPyConnection, tmpdir: Path, rows: int) -> None:
    """Attach the import's scratch database, where the export's rows are staged and checked:
    in memory, or for big imports a file in the import's temporary directory (stage_in_file)."""
    target = str(tmpdir / "stage.duckdb") if stage_in_file(con, rows) else ":memory:"
    con.execute(f"ATTACH $p AS {STAGE_DB}", {"p": target})


def detach_stage(con: duckdb.DuckDBPyConnection) -> None:
    """Detach the scratch database (a file goes with the import's temporary directory)."""
    con.execute(f"DETACH DATABASE IF EXISTS {STAGE_DB}")


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw ledger tables of the contract (empty)."""
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
