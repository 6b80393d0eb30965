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


def sql_statement_count(sql: str) -> int:
    """How many statements a file holds (its `;`s outside comments and string literals; every
    project file ends each statement with one)."""
    return _STRING.sub("''", _COMMENT.sub("", sql)).count(";")


def execute_file(
    con: duckdb.DuckDBPyConnection, path: Path, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute one .sql file; `params` must supply exactly the file's parameters."""
    return execute_text(con, read_sql(path), path.name, params)


def execute_text(
    con: duckdb.DuckDBPyConnection, sql: str, name: str, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute the text of a project .sql file (`name` for messages), e.g. one rewritten by the
    derivation; `params` must supply exactly its parameters."""
    wanted = sql_parameters(sql)
    given = set(params or {})
    if wanted != given:
        missing = sorted(wanted - given)
        extra = sorted(given - wanted)
        raise ValueError(f"{name}: missing parameters {missing}, unexpected {extra}")
    return con.execute(sql, dict(params or {}))
