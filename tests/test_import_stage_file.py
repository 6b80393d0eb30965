"""Where the import stages the rows (ledger.db.stage_in_file) changes its speed, not its result.

Big imports stage in a database file (compressed) instead of in memory; the database built must
be the same, rejects and their lines included. The rule itself is checked on its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import ledger.db
import ledger.importer
from ledger.db import connect, stage_in_file
from ledger.importer import import_paths
from tests.import_support import RAW_TABLES, rejects, snapshot
from tests.test_import_rejects import write_kitchen_export

DERIVED = ("loan_month", "installment_status", "action_status", "payment_status")


def _import(tmp: Path, export: Path, stage: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEDGER_STAGE", stage)
    chosen: list[bool] = []
    attach = ledger.db.attach_stage  # the real one, not an earlier spy

    def spy(con, tmpdir, rows):  # noqa: ANN001, ANN202 - the real signature, passed through
        chosen.append(stage_in_file(con, rows))
        (tmpdir / "stage.duckdb").unlink(missing_ok=True)
        attach(con, tmpdir, rows)
        assert (tmpdir / "stage.duckdb").exists() == (stage == "file")

    monkeypatch.setattr(ledger.importer, "attach_stage", spy)
    db = tmp / f"{stage}.duckdb"
    import_paths([export], db, as_of=date(2024, 9, 30))
    assert chosen == [stage == "file"]
    return db


def test_staging_in_a_file_builds_the_same_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = write_kitchen_export(tmp_path / "export")
    in_memory = _import(tmp_path, export, "memory", monkeypatch)
    in_file = _import(tmp_path, export, "file", monkeypatch)
    assert rejects(in_file) == rejects(in_memory)
    assert len(rejects(in_file)) > 20
    assert snapshot(in_file, RAW_TABLES + DERIVED) == snapshot(in_memory, RAW_TABLES + DERIVED)


def test_the_rule_compares_the_staged_size_with_the_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LEDGER_STAGE", raising=False)
    con = connect(None)
    try:
        con.execute("SET memory_limit = '10MB'")  # 3 x 10MB / 200 bytes a row: 150k rows
        assert not stage_in_file(con, 100_000)
        assert stage_in_file(con, 200_000)
        monkeypatch.setenv("LEDGER_STAGE", "memory")
        assert not stage_in_file(con, 10**9)
        monkeypatch.setenv("LEDGER_STAGE", "file")
        assert stage_in_file(con, 1)
    finally:
        con.close()
