"""A database derived by an older version of the code is derived again, not shown broken.

An "older" database is simulated from the golden one: its derive_version table, a derived table
and a macro that a newer derivation added are dropped. The app must notice it on start and
derive again from the raw tables (ui/bootstrap.py), with the figures unchanged; and
ledger.importer.rederive must leave the file as a fresh derivation would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import queries
from ledger.derive import derivation_current, derivation_version
from ledger.importer import rederive
from tests.app_support import open_page, release_the_app_connections
from tests.import_support import run_cli


def _older_copy(golden_db: Path, dest: Path) -> Path:
    shutil.copyfile(golden_db, dest)
    con = duckdb.connect(str(dest))
    con.execute("DROP TABLE derive_version")
    con.execute("DROP TABLE collection_entry")
    con.execute("DROP MACRO month_key")
    con.close()
    return dest


def _table(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_golden_database_is_current(golden_db: Path) -> None:
    con = duckdb.connect(str(golden_db), read_only=True)
    assert derivation_current(con)
    assert _table(golden_db, "SELECT version FROM derive_version") == [(derivation_version(),)]
    con.close()


def test_rederive_makes_an_older_database_current_with_the_same_figures(
    golden_db: Path, tmp_path: Path
) -> None:
    old = _older_copy(golden_db, tmp_path / "old.duckdb")
    con = duckdb.connect(str(old), read_only=True)
    assert not derivation_current(con)
    with pytest.raises(duckdb.Error):  # what the pages would hit
        queries.run(con, "recovery_curve")
    con.close()

    rederive(old)

    con = duckdb.connect(str(old), read_only=True)
    assert derivation_current(con)
    got = queries.run(con, "recovery_curve")
    con.close()
    con = duckdb.connect(str(golden_db), read_only=True)
    want = queries.run(con, "recovery_curve")
    con.close()
    assert got.equals(want)
    order = "SELECT * FROM loan_month ORDER BY loan_id, month_end"
    assert _table(old, order) == _table(golden_db, order)
    assert not list(tmp_path.glob("old.duckdb.build*"))  # nothing left beside it


def test_the_app_derives_an_older_database_again_on_start(
    golden_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _older_copy(golden_db, tmp_path / "old.duckdb")
    at = open_page(old, "pages/overview.py", monkeypatch)
    assert len(at.get("plotly_chart")) > 0
    release_the_app_connections()
    assert _table(old, "SELECT version FROM derive_version") == [(derivation_version(),)]


def test_the_command_line_export_derives_an_older_database_again(
    golden_db: Path, tmp_path: Path
) -> None:
    old = _older_copy(golden_db, tmp_path / "old.duckdb")
    out = tmp_path / "curve.csv"
    result = run_cli("export", "recovery_curve", "--db", str(old), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "derived by an older version" in result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the CSV, with its BOM
    assert _table(old, "SELECT version FROM derive_version") == [(derivation_version(),)]
