"""Typed values from export text, as SQL expressions over the macros of import_macros.sql.

The parsing itself lives in SQL (ledger/sql/import_macros.sql) so that millions of rows are
typed set-based inside DuckDB. This module only chooses the macro for a column's kind and adds
what a mapping file asks for (date formats first, a unit for amounts). Formats and units are
bound parameters; column names here are internal (r_<field>), never text from a file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MACROS = Path(__file__).with_name("sql") / "import_macros.sql"

# What a readable value looks like, for reject messages.
EXAMPLES = {
    "date": "a date such as 2024-01-05, 2024/1/5, 20240105 or 2024年1月5日",
    "paid": "a date or timestamp such as 2024-01-05 or 2024-01-05 10:30:00",
    "timestamp": "a timestamp such as 2024-01-05 10:30:00 or 2024-01-05T10:30",
    "amount": "an amount such as 1234.56, 1,234.56, ¥1,234.56 or 1234.56元",
    "int": "a whole number such as 3",
    "number": "a number such as 650",
    "bool": "true/false, 1/0, yes/no, Y/N or 是/否",
}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS.read_text(encoding="utf-8"))


def date_expr(raw: str, fmt_param: str | None) -> str:
    """DATE from text; formats from the mapping file are tried first."""
    if fmt_param:
        return (
            f"coalesce(ledger_in_range(CAST(try_strptime(trim({raw}), ${fmt_param}) AS DATE)), "
            f"ledger_date({raw}))"
        )
    return f"ledger_date({raw})"


def ts_expr(raw: str, fmt_param: str | None) -> str:
    """TIMESTAMP from text (a date alone gives midnight; see has_time_expr)."""
    if fmt_param:
        parsed = f"try_strptime(trim({raw}), ${fmt_param})"
        return f"coalesce(ledger_in_range({parsed}), ledger_ts({raw}))"
    return f"ledger_ts({raw})"


def has_time_expr(raw: str, fmt_param: str | None, vouch: bool) -> str:
    """Whether the text carries a time of day. When `vouch`, text read by the mapping's format
    counts as a time too (a format with %H, or an export that has only dates for actions and
    says so in its mapping)."""
    if fmt_param and vouch:
        return f"(ledger_has_time({raw}) OR try_strptime(trim({raw}), ${fmt_param}) IS NOT NULL)"
    return f"ledger_has_time({raw})"


def format_has_time(formats: list[str]) -> bool:
    return any(d in f for f in formats for d in ("%H", "%I", "%M", "%S", "%T", "%R", "%X", "%c"))


def amount_expr(raw: str, unit_param: str | None, scale: int) -> str:
    """DECIMAL(18, scale) from text: the plain cast first, the cleaned text where it fails;
    times the mapping's unit (e.g. 0.01 for fen)."""
    if unit_param:
        parsed = (
            f"coalesce(TRY_CAST({raw} AS DECIMAL(18, 6)), "
            f"TRY_CAST(ledger_amount_text({raw}) AS DECIMAL(18, 6)))"
        )
        return f"TRY_CAST({parsed} * CAST(${unit_param} AS DECIMAL(14, 4)) AS DECIMAL(18, {scale}))"
    return (
        f"coalesce(TRY_CAST({raw} AS DECIMAL(18, {scale})), "
        f"TRY_CAST(ledger_amount_text({raw}) AS DECIMAL(18, {scale})))"
    )


def int_expr(raw: str) -> str:
    return f"ledger_int({raw})"


def number_expr(raw: str) -> str:
    return f"ledger_number({raw})"
