"""Schedules whose due dates decrease with installment_no are rejected at import.

The waterfall pays in installment_no order and DPD counts from the oldest unpaid due date; the
two agree only when due dates do not decrease with the number (see the strict xfail in
tests/test_reference_vs_sql.py that loads such a schedule past the importer).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.golden import REPO


def test_out_of_order_due_dates_are_rejected(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "loans.csv").write_text(
        "loan_id,borrower_id,disbursed_date,principal\nL1,B1,2024-01-01,300.00\n"
        "L2,B2,2024-01-01,200.00\n",
        encoding="utf-8",
    )
    (export / "installments.csv").write_text(
        "loan_id,installment_no,due_date,principal_due,interest_due\n"
        "L1,1,2024-02-01,100.00,0\nL1,2,2024-04-01,100.00,0\nL1,3,2024-03-01,100.00,0\n"
        "L2,1,2024-02-01,100.00,0\nL2,2,2024-02-01,100.00,0\n",
        encoding="utf-8",
    )
    (export / "repayments.csv").write_text(
        "payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-01,100.00\n", encoding="utf-8"
    )
    db = tmp_path / "ledger.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "ledger", "import", str(export), "--db", str(db), "--json"],
        cwd=REPO,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["tables"]["installments"] == {"read": 5, "loaded": 4, "rejected": 1}
    assert report["rejects"] == {"due_dates_out_of_order": 1}
    rejects = subprocess.run(
        [sys.executable, "-m", "ledger", "rejects", "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        timeout=300,
    ).stdout.decode("utf-8-sig")
    assert "L1,3,2024-03-01" in rejects and "due_dates_out_of_order" in rejects
