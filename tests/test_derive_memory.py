"""A derivation step that runs out of memory runs again with more (ledger.db.retry_memory_limit):
not every DuckDB operator spills, and a 10M-loan derivation stopped at the default 3.5 GB limit.
At a limit far too small for the sample ledger, steps fail, are run again, and the derived
figures are those of a derivation that never ran short; the connection is set back to
the configured limit."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from ledger.db import STAGE_DB, connect
from ledger.derive import derive
from tests.golden import golden_dir

FIGURES = (
    ("overdue_rate", {}),
    ("entry_rate", {}),
    ("roll_matrix", {}),
    ("channel_performance", {"by": "bucket"}),
    ("compliance", {"by": "agency"}),
)


def figures(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {name: queries.run(con, name, **params) for name, params in FIGURES}


def test_steps_short_of_memory_run_again_with_the_same_result(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "ledger.duckdb"
    shutil.copy(sample_db, copy)
    monkeypatch.setenv("LEDGER_MEMORY_RETRY_LIMIT", "1GB")
    monkeypatch.setenv("LEDGER_MEMORY_LIMIT", "16MB")
    con = connect(copy)
    try:
        as_of = con.execute("SELECT as_of FROM derive_settings").fetchone()[0]
        own_limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        steps: list[str] = []
        derive(con, None, as_of, progress=lambda step, done, total: steps.append(step))
        again = [s for s in steps if "(again, memory_limit 1GB)" in s]
        assert again, "no step ran short of memory at 16 MB: the test proves nothing"
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == own_limit
        con.execute("SET memory_limit = '2GB'")
        got = figures(con)
    finally:
        con.close()
    reference = duckdb.connect(str(sample_db), read_only=True)
    try:
        want = figures(reference)
    finally:
        reference.close()
    for name, _ in FIGURES:
        assert len(want[name]) > 0, name
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True, obj=name)


def test_the_derivation_runs_without_the_import_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's temporary tables (line maps, vocabularies) are dropped and its scratch
    database (the staged rows) detached before the derivation: at 10M loans they held tens of
    GB of temp files and memory the derivation needed."""
    import ledger.derive
    from ledger.importer import import_paths

    real_derive = ledger.derive.derive
    temporary: list[int] = []
    attached: list[str] = []

    def watched(con: duckdb.DuckDBPyConnection, *args, **kwargs):  # noqa: ANN002, ANN003
        temporary.append(
            con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0]
        )
        rows = con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
        attached.extend(r[0] for r in rows)
        return real_derive(con, *args, **kwargs)

    monkeypatch.setattr(ledger.derive, "derive", watched)
    report = import_paths([golden_dir()], tmp_path / "ledger.duckdb")
    assert temporary == [0]
    assert attached and STAGE_DB not in attached, attached
    assert report.tables["loans"]["loaded"] > 0
