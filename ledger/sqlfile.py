"""Loading .sql files and binding their named parameters ($name), and nothing else.

One function runs every statement of the project, so that user input only ever reaches SQL as a
bound parameter, and a file is always called with exactly the parameters it uses.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@lru_cache(maxsize=256)
def read_sql(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def sql_parameters(sql: str) -> frozenset[str]:
    """The names of the $parameters a statement uses (comments and string literals ignored)."""
    code = _STRING.sub("''", _COMMENT.sub("", sql))
    return frozenset(_PARAM.findall(code))


def execute_file(
    con: duckdb.DuckDBPyConnection, path: Path, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute one .sql file; `params` must supply exactly the file's parameters."""
    sql = read_sql(path)
    wanted = sql_parameters(sql)
    given = set(params or {})
    if wanted != given:
        missing = sorted(wanted - given)
        extra = sorted(given - wanted)
        raise ValueError(f"{path.name}: missing parameters {missing}, unexpected {extra}")
    return con.execute(sql, dict(params or {}))
