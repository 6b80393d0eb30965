"""Helpers of the importer tests: copies of the golden export to modify, running the CLI, and
reading every table of a database for comparisons."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from tests.golden import REPO, golden_dir

GOLDEN_TABLES = ("loans", "installments", "repayments", "collection_actions")
RAW_TABLES = ("loans", "loan_extras", "installments", "repayments", "collection_actions")


def golden_lines(table: str) -> list[str]:
    return (golden_dir() / f"{table}.csv").read_text(encoding="utf-8").splitlines()


def golden_rows(table: str) -> int:
    """Data rows of a golden CSV, counted independently of the importer."""
    with (golden_dir() / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def copy_golden(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for t in GOLDEN_TABLES:
        shutil.copy(golden_dir() / f"{t}.csv", dest / f"{t}.csv")
    return dest


LOANS_HEADER = (
    "loan_id,borrower_id,disbursed_date,principal,term_months,product,region,risk_grade,"
    "acquisition_channel,closed_date,close_reason\n"
)
ACTIONS_HEADER = (
    "action_id,loan_id,action_at,channel,agency,outcome,ptp_amount,ptp_date,cost,complaint,"
    "contact_target\n"
)


def two_month_schedules(*loan_ids: str) -> str:
    """installments.csv for loans disbursed 2024-01-10: 500.00 + 10.00 interest due on
    2024-02-10 and again on 2024-03-10 (510.00 a month)."""
    rows = [
        f"{loan},{no},{due},500.00,10.00,0.00"
        for loan in loan_ids
        for no, due in ((1, "2024-02-10"), (2, "2024-03-10"))
    ]
    return "loan_id,installment_no,due_date,principal_due,interest_due,fee_due\n" + "".join(
        r + "\n" for r in rows
    )


def import_exports(tmp: Path, exports: dict[str, str], as_of: date) -> Path:
    """A database imported (without rejects) from export files given as text, e.g.
    {"loans.csv": "loan_id,..."}: small hand-made ledgers for one behaviour at a time."""
    from ledger.importer import import_paths

    src = tmp / "exports"
    src.mkdir(parents=True, exist_ok=True)
    for name, text in exports.items():
        (src / name).write_text(text, encoding="utf-8")
    db = tmp / "ledger.duckdb"
    report = import_paths([src], db, as_of=as_of)
    assert not report.rejects, report.rejects
    return db


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """`python -m ledger ARGS` in a subprocess; returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *([full_env["PYTHONPATH"]] if full_env.get("PYTHONPATH") else [])]
    )
    return subprocess.run(
        [sys.executable, "-m", "ledger", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def cli_json(proc: subprocess.CompletedProcess) -> dict[str, Any]:
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stdout
    return json.loads(lines[0])


def table_rows(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        order = ", ".join(str(i + 1) for i in range(len(cols)))
        return con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        con.close()


def snapshot(db: Path, tables: tuple[str, ...] = RAW_TABLES) -> dict[str, list[tuple]]:
    return {t: table_rows(db, t) for t in tables}


def all_tables(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    finally:
        con.close()


def rejects(db: Path) -> list[dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(
            "SELECT table_name, file, line, original_text, reason FROM rejects ORDER BY 2, 3"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def reason_code(reason: str) -> str:
    return reason.split(":", 1)[0]


def csv_text(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
