"""The golden ledger's figures (shared/golden/expected.json), reproduced through the CLI exports.

Every figure is read from expected.json at run time; the ledger is imported with
`python -m ledger import` and every metric exported with `python -m ledger export`, as an
analyst would. Tolerance 1e-6 (the file rounds to six decimals).
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.golden import REPO, expected, golden_dir

TOL = 1e-6
EXPECTED = expected()


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ledger", *args], cwd=REPO, capture_output=True, timeout=300
    )


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("golden") / "ledger.duckdb"
    result = cli("import", str(golden_dir()), "--db", str(db), "--as-of", EXPECTED["as_of"])
    assert result.returncode == 0, result.stderr.decode()
    return db


def export(db: Path, metric: str, *params: str) -> pd.DataFrame:
    args = ["export", metric, "--db", str(db)]
    for p in params:
        args += ["--param", p]
    result = cli(*args)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return pd.read_csv(io.BytesIO(result.stdout), encoding="utf-8-sig", keep_default_na=True)


def close(actual: Any, wanted: Any) -> bool:
    if wanted is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return False
    return abs(float(actual) - float(wanted)) <= TOL


def test_golden_imports_without_rejects(golden_db: Path) -> None:
    rejects = cli("rejects", "--db", str(golden_db))
    assert rejects.returncode == 0
    lines = rejects.stdout.decode("utf-8-sig").strip().splitlines()
    assert len(lines) <= 1, f"golden ledger rejected rows: {lines[1:]}"


def test_installment_paid_off(golden_db: Path) -> None:
    frame = export(golden_db, "installment_status")
    got = {
        f"{r.loan_id}#{r.installment_no}": (None if pd.isna(r.paid_off_date) else r.paid_off_date)
        for r in frame.itertuples()
    }
    assert got == EXPECTED["installment_paid_off"]


def test_written_off_date(golden_db: Path) -> None:
    frame = export(golden_db, "write_offs")
    got = {r.loan_id: r.written_off_date for r in frame.itertuples()}
    assert got == EXPECTED["written_off_date"]


def test_loan_month(golden_db: Path) -> None:
    frame = export(golden_db, "loan_month")
    got: dict[str, dict[str, dict[str, Any]]] = {}
    for r in frame.itertuples():
        got.setdefault(r.month_end, {})[r.loan_id] = {
            "state": r.state,
            "dpd": int(r.dpd),
            "outstanding_principal": float(r.outstanding_principal),
            "past_due_amount": float(r.past_due_amount),
        }
    assert got == EXPECTED["month_end"]


def test_overdue_rate(golden_db: Path) -> None:
    frame = export(golden_db, "overdue_rate")
    got = {(r.month_end, f"dpd{r.threshold}+_{r.basis}"): r.rate for r in frame.itertuples()}
    for month_end, figures in EXPECTED["overdue_rate"].items():
        for key, wanted in figures.items():
            assert close(got[(month_end, key)], wanted), (month_end, key, got[(month_end, key)])


@pytest.mark.parametrize("basis", ["balance", "count"])
def test_roll_matrix(golden_db: Path, basis: str) -> None:
    frame = export(golden_db, "roll_matrix")
    frame = frame[frame.basis == basis]
    got: dict[str, dict[str, float]] = {}
    for r in frame.itertuples():
        got.setdefault(f"{r.from_month_end}->{r.to_month_end}", {})[
            f"{r.from_state}->{r.to_state}"
        ] = r.share
    wanted = EXPECTED[f"roll_matrix_{basis}"]
    assert set(got) == set(wanted)
    for pair, cells in wanted.items():
        assert set(got[pair]) == set(cells), pair
        for cell, share in cells.items():
            assert close(got[pair][cell], share), (pair, cell)


@pytest.mark.parametrize("basis", ["count", "principal"])
def test_vintage_ever_dpd30(golden_db: Path, basis: str) -> None:
    frame = export(golden_db, "vintage", "threshold=30")
    frame = frame[frame.basis == basis]
    got = {f"{r.cohort}@MOB{r.mob}": r.rate for r in frame.itertuples()}
    wanted = EXPECTED[f"vintage_ever_dpd30_{basis}"]
    assert set(got) == set(wanted)
    for key, rate in wanted.items():
        assert close(got[key], rate), key


@pytest.mark.parametrize("threshold", [1, 30])
def test_fpd(golden_db: Path, threshold: int) -> None:
    frame = export(golden_db, "fpd", f"threshold={threshold}")
    got = {r.cohort: r.rate for r in frame.itertuples() if r.threshold == threshold}
    wanted = EXPECTED[f"fpd{threshold}"]
    assert set(got) == set(wanted)
    for cohort, rate in wanted.items():
        assert close(got[cohort], rate), cohort


@pytest.mark.parametrize("basis", ["amount", "count"])
def test_entry_rate(golden_db: Path, basis: str) -> None:
    frame = export(golden_db, "entry_rate")
    got = {r.due_month: r.rate for r in frame.itertuples() if r.basis == basis}
    wanted = EXPECTED[f"entry_rate_{basis}"]
    assert set(got) == set(wanted)
    for month, rate in wanted.items():
        assert close(got[month], rate), month


def test_recovery_curve(golden_db: Path) -> None:
    frame = export(golden_db, "recovery_curve")
    got = {f"{r.entry_month}@D{r.day}": r.rate for r in frame.itertuples()}
    for key, rate in EXPECTED["recovery_curve"].items():
        assert close(got[key], rate), key


def _check_channels(frame: pd.DataFrame, wanted: dict[str, dict[str, float]], key_of) -> None:
    rows = {key_of(r): r for _, r in frame.iterrows()}
    assert set(rows) == set(wanted)
    for key, figures in wanted.items():
        for column, value in figures.items():
            assert close(rows[key][column], value), (key, column, rows[key][column])


def test_channel_performance(golden_db: Path) -> None:
    frame = export(golden_db, "channel_performance")
    _check_channels(frame, EXPECTED["channel"], lambda r: r["channel"])


def test_channel_performance_by_bucket(golden_db: Path) -> None:
    frame = export(golden_db, "channel_performance", "by=bucket")
    _check_channels(frame, EXPECTED["channel_by_bucket"], lambda r: f"{r['channel']}|{r['bucket']}")


def test_flow_rate(golden_db: Path) -> None:
    frame = export(golden_db, "flow_rate")
    got: dict[str, dict[str, Any]] = {}
    for r in frame.itertuples():
        got.setdefault(f"{r.from_month_end}->{r.to_month_end}", {})[
            f"{r.from_state}->{r.to_state}"
        ] = None if pd.isna(r.rate) else r.rate
    wanted = EXPECTED["flow_rate"]
    assert set(got) == set(wanted)
    for pair, steps in wanted.items():
        assert set(got[pair]) == set(steps)
        for step, rate in steps.items():
            assert close(got[pair][step], rate), (pair, step, got[pair][step])


def test_compliance(golden_db: Path) -> None:
    frame = export(golden_db, "compliance")
    got = {r.rule: r.count for r in frame.itertuples()}
    for rule, count in EXPECTED["compliance"].items():
        assert got[rule] == count, rule
