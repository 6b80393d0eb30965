"""All or nothing: an import killed with SIGKILL at any stage leaves the previous database
exactly as it was, readable; killed after the swap, the new one is complete.

Each stage runs in its own subprocess on its own copy of the database, all at once (the import
pauses at the stage named by LEDGER_TEST_PAUSE_AT and says so on stderr, so the kill lands
exactly there)."""

from __future__ import annotations

import hashlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ledger.importer import import_paths
from ledger.store import STAGES
from tests.golden import REPO, expected, golden_dir
from tests.import_support import RAW_TABLES, copy_golden, golden_lines, snapshot, write_lines

AS_OF = date.fromisoformat(expected()["as_of"])
TABLES = (*RAW_TABLES, "rejects", "loan_month")


def state(db: Path) -> dict[str, list[tuple]]:
    """Everything an import decides (the imports table without its clock times)."""
    out = snapshot(db, TABLES)
    con = duckdb.connect(str(db), read_only=True)
    out["imports"] = con.execute(
        "SELECT import_id, as_of, sources FROM imports ORDER BY import_id"
    ).fetchall()
    con.close()
    return out


def _later_export(folder: Path) -> Path:
    copy_golden(folder)
    loans = golden_lines("loans")
    loans[1] = loans[1].replace("1200.00", "1250.00")
    write_lines(folder / "loans.csv", loans)
    pays = golden_lines("repayments")
    write_lines(folder / "repayments.csv", [*pays, "P18,L002,2024-07-01,15.00", "P19,L999,x,1"])
    return folder


def _start(db: Path, export: Path, stage: str) -> subprocess.Popen:
    env = {**os.environ, "LEDGER_TEST_PAUSE_AT": stage, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ledger",
            "import",
            str(export),
            "--db",
            str(db),
            "--as-of",
            str(AS_OF),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_paused(proc: subprocess.Popen, stage: str, deadline: float) -> None:
    assert proc.stderr is not None
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            if f"LEDGER_PAUSED {stage}".encode() in seen:
                return
        elif proc.poll() is not None:
            break
    raise AssertionError(f"never paused at {stage}: {seen.decode(errors='replace')}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("atomic")
    before_db = base / "before.duckdb"
    import_paths([golden_dir()], before_db, as_of=AS_OF)
    export = _later_export(base / "later")
    after_db = base / "after.duckdb"
    shutil.copy(before_db, after_db)
    shutil.copy(Path(f"{before_db}.pii-key"), Path(f"{after_db}.pii-key"))
    import_paths([export], after_db, as_of=AS_OF)
    return {
        "base": base,
        "export": export,
        "before_db": before_db,
        "before": state(before_db),
        "after": state(after_db),
    }


def test_sigkill_at_every_stage(states) -> None:
    base: Path = states["base"]  # type: ignore[assignment]
    procs = {}
    for stage in STAGES:
        db = base / stage / "ledger.duckdb"
        db.parent.mkdir()
        shutil.copy(states["before_db"], db)  # type: ignore[arg-type]
        shutil.copy(Path(str(states["before_db"]) + ".pii-key"), Path(str(db) + ".pii-key"))
        procs[stage] = (db, _digest(db), _start(db, states["export"], stage))  # type: ignore[arg-type]
    deadline = time.monotonic() + 240
    try:
        for stage, (db, digest, proc) in procs.items():
            _wait_paused(proc, stage, deadline)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            want = states["after"] if stage == "replaced" else states["before"]
            assert state(db) == want, stage
            if stage != "replaced":
                assert _digest(db) == digest, stage
            con = duckdb.connect(str(db), read_only=True)  # readable by the dashboard
            assert con.execute("SELECT count(*) FROM loan_month").fetchone()[0] > 0
            con.close()
    finally:
        for _db, _d, proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stderr:
                proc.stderr.close()


def test_import_after_a_killed_one_cleans_up_and_applies(states) -> None:
    base: Path = states["base"]  # type: ignore[assignment]
    db = base / "again" / "ledger.duckdb"
    db.parent.mkdir()
    shutil.copy(states["before_db"], db)  # type: ignore[arg-type]
    shutil.copy(Path(str(states["before_db"]) + ".pii-key"), Path(str(db) + ".pii-key"))
    proc = _start(db, states["export"], "derived")  # type: ignore[arg-type]
    try:
        _wait_paused(proc, "derived", time.monotonic() + 120)
        assert list(db.parent.glob("ledger.duckdb.building-*"))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.stderr:
            proc.stderr.close()
    import_paths([states["export"]], db, as_of=AS_OF)  # type: ignore[list-item]
    assert state(db) == states["after"]
    leftovers = [p.name for p in db.parent.iterdir() if ".building-" in p.name]
    assert leftovers == []


def test_refused_second_import_while_one_runs(states) -> None:
    base: Path = states["base"]  # type: ignore[assignment]
    db = base / "busy" / "ledger.duckdb"
    db.parent.mkdir()
    shutil.copy(states["before_db"], db)  # type: ignore[arg-type]
    proc = _start(db, states["export"], "staged")  # type: ignore[arg-type]
    try:
        _wait_paused(proc, "staged", time.monotonic() + 120)
        from ledger.errors import ImportRefused

        with pytest.raises(ImportRefused, match="another import into this database is running"):
            import_paths([states["export"]], db, as_of=AS_OF)  # type: ignore[list-item]
    finally:
        proc.kill()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert state(db) == states["before"]
