"""The reference implementation reproduces every figure of the golden ledger it covers.

shared/golden/expected.json was computed independently and checked by hand; the numbers are read
from it at run time (never copied here). The folder is found beside the repository
(../shared/golden) or through $GOLDEN_DIR.
"""

from __future__ import annotations

import csv
import json
import math
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.reference import Reference, RefSettings

GOLDEN_DIR = Path(
    os.environ.get("GOLDEN_DIR") or Path(__file__).resolve().parents[2] / "shared" / "golden"
)
TOL = 6e-7  # expected.json rounds rates to 6 decimals

pytestmark = pytest.mark.skipif(
    not (GOLDEN_DIR / "expected.json").exists(), reason=f"no golden ledger at {GOLDEN_DIR}"
)

DATE_COLUMNS = {"disbursed_date", "closed_date", "due_date", "paid_date", "ptp_date"}
MONEY_COLUMNS = {
    "principal",
    "principal_due",
    "interest_due",
    "fee_due",
    "amount",
    "ptp_amount",
    "cost",
}
INT_COLUMNS = {"term_months", "installment_no"}


def _typed(column: str, text: str) -> Any:
    if text == "":
        return None
    if column in DATE_COLUMNS:
        return date.fromisoformat(text)
    if column in MONEY_COLUMNS:
        return Decimal(text)
    if column in INT_COLUMNS:
        return int(text)
    if column in {"action_at", "paid_at"}:
        return datetime.fromisoformat(text)
    if column == "complaint":
        return text.strip().lower() in {"true", "1", "yes", "y"}
    return text


def load_golden_ledger(folder: Path = GOLDEN_DIR) -> dict[str, list[dict[str, Any]]]:
    """The golden CSVs as lists of typed row dicts (the shape tests/reference.py reads)."""
    ledger = {}
    for table in ("loans", "installments", "repayments", "collection_actions"):
        with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as fh:
            ledger[table] = [
                {col: _typed(col, val) for col, val in row.items()} for row in csv.DictReader(fh)
            ]
    return ledger


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads((GOLDEN_DIR / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ref(expected: dict[str, Any]) -> Reference:
    settings = RefSettings.from_mapping(expected["settings"])
    return Reference(load_golden_ledger(), date.fromisoformat(expected["as_of"]), settings)


def close(actual: Any, wanted: Any) -> bool:
    if wanted is None or actual is None:
        return actual is None and wanted is None
    return math.isclose(float(actual), float(wanted), rel_tol=0, abs_tol=TOL)


def assert_figures(label: str, actual: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Every expected figure is reproduced (all mismatches listed at once)."""
    bad = {
        k: (actual.get(k, "<missing>"), v)
        for k, v in wanted.items()
        if k not in actual or not close(actual[k], v)
    }
    assert not bad, f"{label}: (reference, expected) differ for {bad}"


def test_installment_paid_off_dates(ref: Reference, expected: dict[str, Any]) -> None:
    got = {
        f"{lid}#{no}": (row["paid_off_date"].isoformat() if row["paid_off_date"] else None)
        for (lid, no), row in ref.installment_status().items()
    }
    assert got == expected["installment_paid_off"]


def test_write_off_dates(ref: Reference, expected: dict[str, Any]) -> None:
    got = {
        lid: row["wo_date"].isoformat()
        for lid, row in ref.loan_status().items()
        if row["wo_date"] is not None
    }
    assert got == expected["written_off_date"]


def test_month_end_states(ref: Reference, expected: dict[str, Any]) -> None:
    got = ref.loan_month()
    wanted = {
        (lid, date.fromisoformat(me)): row
        for me, loans in expected["month_end"].items()
        for lid, row in loans.items()
    }
    assert set(got) == set(wanted)
    for key, row in wanted.items():
        snap = got[key]
        assert snap["state"] == row["state"], key
        assert snap["dpd"] == row["dpd"], key
        assert snap["outstanding_principal"] == Decimal(str(row["outstanding_principal"])), key
        assert snap["past_due_amount"] == Decimal(str(row["past_due_amount"])), key


def test_overdue_rate(ref: Reference, expected: dict[str, Any]) -> None:
    actual = {}
    for n in (1, 30, 90):
        for basis in ("count", "balance"):
            for me, row in ref.overdue_rate(n, basis).items():
                actual[f"{me.isoformat()}/dpd{n}+_{basis}"] = row["rate"]
    wanted = {
        f"{me}/{k}": v
        for me, figures in expected["overdue_rate"].items()
        for k, v in figures.items()
    }
    assert_figures("overdue_rate", actual, wanted)


@pytest.mark.parametrize("basis", ["balance", "count"])
def test_roll_matrix(ref: Reference, expected: dict[str, Any], basis: str) -> None:
    cells = ref.roll_matrix(basis)
    actual = {
        f"{frm_me.isoformat()}->{to_me.isoformat()}/{frm}->{to}": cell["share"]
        for (frm_me, to_me, frm, to), cell in cells.items()
    }
    wanted = {
        f"{pair}/{cell}": v
        for pair, row in expected[f"roll_matrix_{basis}"].items()
        for cell, v in row.items()
    }
    assert_figures(f"roll_matrix_{basis}", actual, wanted)
    # Cells the file leaves out must be empty in the reference too.
    extra = {k: v for k, v in actual.items() if k not in wanted and v not in (None, 0)}
    assert not extra


def test_flow_rate(ref: Reference, expected: dict[str, Any]) -> None:
    actual = {
        f"{a.isoformat()}->{b.isoformat()}/{frm}->{to}": rate
        for (a, b, frm, to), rate in ref.flow_rate().items()
    }
    wanted = {
        f"{pair}/{cell}": v
        for pair, row in expected["flow_rate"].items()
        for cell, v in row.items()
    }
    assert_figures("flow_rate", actual, wanted)
    assert set(actual) == set(wanted)


@pytest.mark.parametrize("basis", ["count", "principal"])
def test_vintage_ever_dpd30(ref: Reference, expected: dict[str, Any], basis: str) -> None:
    actual = {f"{c}@MOB{m}": row["rate"] for (c, m), row in ref.vintage(30, basis).items()}
    wanted = expected[f"vintage_ever_dpd30_{basis}"]
    assert_figures(f"vintage_{basis}", actual, wanted)
    assert set(actual) == set(wanted)


@pytest.mark.parametrize("n", [1, 30])
def test_fpd(ref: Reference, expected: dict[str, Any], n: int) -> None:
    actual = {c: row["rate"] for c, row in ref.fpd(n).items()}
    assert_figures(f"fpd{n}", actual, expected[f"fpd{n}"])
    assert set(actual) == set(expected[f"fpd{n}"])


@pytest.mark.parametrize("basis", ["amount", "count"])
def test_entry_rate(ref: Reference, expected: dict[str, Any], basis: str) -> None:
    actual = {m: row["rate"] for m, row in ref.entry_rate(basis).items()}
    assert_figures(f"entry_rate_{basis}", actual, expected[f"entry_rate_{basis}"])
    assert set(actual) == set(expected[f"entry_rate_{basis}"])


def test_recovery_curve(ref: Reference, expected: dict[str, Any]) -> None:
    actual = {f"{m}@D{j}": row["rate"] for (m, j), row in ref.recovery_curve().items()}
    assert_figures("recovery_curve", actual, expected["recovery_curve"])


@pytest.mark.parametrize("by_bucket", [False, True])
def test_channel_performance(ref: Reference, expected: dict[str, Any], by_bucket: bool) -> None:
    rows = ref.channel_performance(by="bucket" if by_bucket else "")
    wanted = expected["channel_by_bucket" if by_bucket else "channel"]
    keys = {(f"{k[0]}|{k[1]}" if by_bucket else k): k for k in rows}
    assert set(keys) == set(wanted)
    for label, figures in wanted.items():
        assert_figures(f"channel {label}", rows[keys[label]], figures)


def test_compliance(ref: Reference, expected: dict[str, Any]) -> None:
    assert ref.compliance() == expected["compliance"]


def test_every_section_of_the_file_is_checked(expected: dict[str, Any]) -> None:
    covered = {
        "as_of",
        "settings",
        "installment_paid_off",
        "written_off_date",
        "month_end",
        "overdue_rate",
        "roll_matrix_balance",
        "roll_matrix_count",
        "flow_rate",
        "vintage_ever_dpd30_count",
        "vintage_ever_dpd30_principal",
        "fpd1",
        "fpd30",
        "entry_rate_amount",
        "entry_rate_count",
        "recovery_curve",
        "channel",
        "channel_by_bucket",
        "compliance",
    }
    assert set(expected) <= covered, f"sections not compared: {set(expected) - covered}"
