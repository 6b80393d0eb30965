"""The engine stands without the UI, and pages stay thin.

- ledger/, queries/ and charts/ import without Streamlit (checked in a fresh interpreter, so that
  nothing imported by the test run itself can hide a stray import).
- pages/ hold no SQL (no SQL in string literals, no DuckDB import, no execute/sql calls) and no
  aggregation (groupby, pivot_table, agg): a page that needs a number asks queries/ for it.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import REPO

ENGINE_MODULES = (
    "ledger",
    "ledger.derive",
    "ledger.importer",
    "queries",
    "queries.registry",
    "queries.runner",
    "queries.export",
    "charts",
    *sorted(f"charts.{p.stem}" for p in (REPO / "charts").glob("*.py") if p.stem != "__init__"),
)
PAGES = sorted((REPO / "pages").glob("*.py"))

# SQL shapes, not words: "select a segment from the list" is English, "select x, y from t" is SQL
SQL = re.compile(
    r"\bselect\s+(\*|distinct\b|[\w.()]+\s*(,|\bas\b|\bfrom\s+\w))"
    r"|\bgroup\s+by\s+\w"
    r"|\border\s+by\s+\w+(\s+(asc|desc))?\s*(,|;|$|\blimit\b)"
    r"|\binsert\s+into\s+\w"
    r"|\bcreate\s+(or\s+replace\s+)?(temp\s+)?(table|view|macro)\b"
    r"|\bread_(csv|parquet)\s*\(",
    re.IGNORECASE,
)
FORBIDDEN_CALLS = {"execute", "sql", "query", "groupby", "pivot_table", "agg", "aggregate"}


def test_engine_imports_without_streamlit() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(ENGINE_MODULES)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], f"the engine imported {loaded[:5]}"


def test_every_chart_module_is_checked() -> None:
    # a new charts/*.py is picked up by the glob above; make sure the glob found the known ones
    assert {"charts.i18n", "charts.theme", "charts.roll", "charts.drivers"} <= set(ENGINE_MODULES)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal with its line, f-string pieces included."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_holds_no_sql(page: Path) -> None:
    tree = ast.parse(page.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(n.split(".")[0] == "duckdb" for n in names), f"{page.name} imports duckdb"
    sql = [(line, text) for line, text in _strings(tree) if SQL.search(text)]
    assert not sql, f"{page.name} holds SQL: {sql[:3]}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_runs_no_queries_and_no_aggregation(page: Path) -> None:
    tree = ast.parse(page.read_text(encoding="utf-8"))
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & FORBIDDEN_CALLS, f"{page.name} calls {sorted(calls & FORBIDDEN_CALLS)}"


def test_the_sql_pattern_tells_sql_from_prose() -> None:
    assert SQL.search("SELECT month_end, rate FROM overdue_rate")
    assert SQL.search("select * from loans")
    assert SQL.search("... GROUP BY segment")
    assert not SQL.search("Select a segment from the list")
    assert not SQL.search("选择维度 / Pick the cohorts to compare from the menu")
    assert not SQL.search("ordered by rate, highest first")
