"""Derivation: installment paid-off dates, write-offs, month-end loan states and the marts.

Runs in DuckDB SQL after each import: the files in ledger/sql/derive/ in name order, each with
the parameters it uses taken from the settings and the as-of date. Each file's header says what
table it builds and at what grain; pages and queries read those (and the raw tables for
drill-downs), never the import's staging tables.

A file that uses the parameters $lkey_first and $lkey_last is a per-loan step: it runs once per
range of derive_chunk_loans() loans (loan_ranges), the first range creating its tables and the
others appending to them, so that no step's working set outgrows the memory limit however many
loans the ledger holds. Such a step reads only its range's rows of every table: derived tables
filtered on lkey (they are written range by range, so other ranges' row groups are skipped), raw
tables on $loan_id_first..$loan_id_last. It must give the same rows as in one go:
tests/test_derive_ranges.py derives random ledgers both ways. What spans loans of several ranges
(a borrower's calls on all their loans: 79_over_cap_day) is a step of its own over all loans.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

import duckdb

from ledger.db import retry_memory
from ledger.settings import Settings, load_settings
from ledger.sqlfile import execute_file, execute_text, read_sql, sql_parameters, sql_statement_count

DERIVE_DIR = Path(__file__).with_name("sql") / "derive"
RANGES_SQL = Path(__file__).with_name("sql") / "derive_ranges.sql"


# A step whose SQL uses both runs once per loan range, appending from the second range on.
LOAN_RANGE_PARAMETERS = frozenset({"lkey_first", "lkey_last"})
DEFAULT_CHUNK_LOANS = 1_000_000
_CREATE_TABLE = re.compile(r"\bCREATE OR REPLACE TABLE (\w+) AS\b")


def derive_chunk_loans() -> int:
    """How many loans the per-loan steps take at once: LEDGER_DERIVE_CHUNK_LOANS, default 1M.

    Why: every derived table but the marts is per loan, and a step's working set grows with the
    loans it takes. At 1M loans the steps fit the 3.5 GB memory limit with little spilling; at
    10M in one go they spilled tens of GB and ran out of memory (bench/RESULTS.md). Ledgers up to
    the chunk size derive in one go, as before."""
    return max(1, int(os.environ.get("LEDGER_DERIVE_CHUNK_LOANS", DEFAULT_CHUNK_LOANS)))


class LoanRange(NamedTuple):
    """A per-loan step's range: lkeys, and the same loans' loan_ids (lkeys follow loan_id)."""

    lkey_first: int
    lkey_last: int
    loan_id_first: str
    loan_id_last: str


def loan_ranges(con: duckdb.DuckDBPyConnection, chunk_loans: int) -> list[LoanRange]:
    """The loan ranges, in order, of `chunk_loans` loans each (sql/derive_ranges.sql); one empty
    range when there are no loans, so that every table is made."""
    rows = execute_file(con, RANGES_SQL, {"chunk_loans": chunk_loans}).fetchall()
    return [LoanRange(int(a), int(b), c, d) for a, b, c, d in rows] or [LoanRange(0, -1, "", "")]


def as_inserts(sql: str, name: str) -> str:
    """A per-loan step's SQL with each `CREATE OR REPLACE TABLE t AS` made `INSERT INTO t`, to
    append a further loan range to the tables the first range created."""
    appended, count = _CREATE_TABLE.subn(r"INSERT INTO \1", sql)
    statements = sql_statement_count(sql)
    if count == 0 or count != statements:
        raise ValueError(f"{name}: a per-loan step may only hold CREATE OR REPLACE TABLE ... AS")
    return appended


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
    chunk_loans: int | None = None,
) -> date:
    """Build every derived table from the raw tables in `con`; return the as-of date used.

    `progress(step_name, done, total)` is called before each step when given. The per-loan
    steps run for ranges of `chunk_loans` loans (default: derive_chunk_loans()).
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
    ranges: list[LoanRange] = []
    for number, path in enumerate(files):
        sql = read_sql(path)
        wanted = sql_parameters(sql)
        runs: list[tuple[str, str, dict[str, object]]] = [(path.stem, sql, {})]
        if LOAN_RANGE_PARAMETERS <= wanted:
            # loan_segment, which numbers the loans, is built by then (01_segments)
            ranges = ranges or loan_ranges(con, chunk_loans or derive_chunk_loans())
            runs = [
                (
                    path.stem
                    if len(ranges) == 1
                    else f"{path.stem} (loans {r.lkey_first}-{r.lkey_last})",
                    sql if index == 0 else as_inserts(sql, path.name),
                    r._asdict(),
                )
                for index, r in enumerate(ranges)
            ]
        for label, text, bounds in runs:
            if progress:
                progress(label, number, len(files))
            given = {**values, **bounds}
            params = {name: given[name] for name in wanted}  # KeyError: a parameter we lack
            try:
                _run_step(con, text, path.name, params)
            except duckdb.OutOfMemoryException:
                # a step's statements run in one transaction, so it can simply run again
                with retry_memory(con) as limit:
                    if progress:
                        progress(f"{label} (again, memory_limit {limit})", number, len(files))
                    _run_step(con, text, path.name, params)
    if progress:
        progress("done", len(files), len(files))
    return chosen


def _run_step(con: duckdb.DuckDBPyConnection, sql: str, name: str, params: dict) -> None:
    """One step (all the statements of a file, or of one loan range) in one transaction: an
    appending step that fails half-way leaves nothing behind to be appended twice."""
    con.execute("BEGIN TRANSACTION")
    try:
        execute_text(con, sql, name, params)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.TransactionException:
            pass  # a failed COMMIT has rolled back already
        raise
