"""The golden ledger through the importer and the command line; re-imports and later exports."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.cli import main
from ledger.importer import import_paths
from tests.golden import expected, golden_dir
from tests.import_support import (
    GOLDEN_TABLES,
    RAW_TABLES,
    cli_json,
    copy_golden,
    golden_lines,
    golden_rows,
    rejects,
    run_cli,
    snapshot,
    table_rows,
    write_lines,
)

AS_OF = date.fromisoformat(expected()["as_of"])


@pytest.fixture(scope="module")
def golden_cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The golden folder imported once through `python -m ledger import --json`."""
    db = tmp_path_factory.mktemp("golden_cli") / "ledger.duckdb"
    proc = run_cli("import", str(golden_dir()), "--db", str(db), "--as-of", str(AS_OF), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return db, cli_json(proc)


def test_golden_imports_with_no_rejects_and_its_row_counts(golden_cli) -> None:
    db, out = golden_cli
    assert out["rejects"] == {}
    for table in GOLDEN_TABLES:
        n = golden_rows(table)
        assert out["tables"][table] == {"read": n, "loaded": n, "rejected": 0}
        assert len(table_rows(db, table)) == n
    assert out["as_of"] == str(AS_OF)
    assert rejects(db) == []


def test_golden_raw_tables_equal_the_csv_values(golden_cli) -> None:
    db, _ = golden_cli
    with (golden_dir() / "loans.csv").open(encoding="utf-8", newline="") as fh:
        want = {r["loan_id"]: r for r in csv.DictReader(fh)}
    for row in table_rows(db, "loans"):
        src = want[row[0]]
        assert row[1] == src["borrower_id"] and str(row[2]) == src["disbursed_date"]
        assert row[3] == Decimal(src["principal"]) and row[4] == int(src["term_months"])
        assert (row[10] and str(row[10])) == (src["closed_date"] or None)
        assert row[11] == (src["close_reason"] or None)
    with (golden_dir() / "repayments.csv").open(encoding="utf-8", newline="") as fh:
        pays = {r["payment_id"]: r for r in csv.DictReader(fh)}
    for row in table_rows(db, "repayments"):
        assert str(row[2]) == pays[row[0]]["paid_date"] and row[4] == Decimal(
            pays[row[0]]["amount"]
        )
        assert row[3] is None  # a date alone: no time of payment
    with (golden_dir() / "collection_actions.csv").open(encoding="utf-8", newline="") as fh:
        acts = {r["action_id"]: r for r in csv.DictReader(fh)}
    for row in table_rows(db, "collection_actions"):
        src = acts[row[0]]
        assert str(row[2]) == src["action_at"] and row[3] == src["channel"]
        assert row[10] is (src["complaint"] == "true")


def test_money_stays_decimal(golden_cli) -> None:
    import duckdb

    db, _ = golden_cli
    con = duckdb.connect(str(db), read_only=True)
    types = dict(
        con.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
        ).fetchall()
    )
    con.close()
    for col in (
        "loans.principal",
        "installments.principal_due",
        "repayments.amount",
        "collection_actions.ptp_amount",
    ):
        assert types[col].startswith("DECIMAL"), (col, types[col])


def test_import_row_records_the_import(golden_cli) -> None:
    import json

    import duckdb

    db, out = golden_cli
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT import_id, as_of, sources, report FROM imports").fetchall()
    con.close()
    assert len(rows) == 1 and rows[0][0] == 1 and rows[0][1] == AS_OF
    assert len(json.loads(rows[0][2])) == 4
    assert json.loads(rows[0][3])["tables"] == out["tables"]


def _copy_db(src: Path, dest: Path) -> Path:
    """A copy of a database with its personal-data key, to import into again."""
    shutil.copy(src, dest)
    shutil.copy(Path(f"{src}.pii-key"), Path(f"{dest}.pii-key"))
    return dest


def test_human_report_and_rejects_csv(golden_cli, tmp_path: Path) -> None:
    db = _copy_db(golden_cli[0], tmp_path / "l.duckdb")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["import", str(golden_dir()), "--db", str(db), "--as-of", str(AS_OF)])
    assert code == 0
    text = out.getvalue()
    assert "Import 2 applied" in text and "No rows rejected" in text and "reconciled" in text
    for table in GOLDEN_TABLES:
        assert table in text
    rej = run_cli("rejects", "--db", str(golden_cli[0]))
    assert rej.returncode == 0
    assert rej.stdout.startswith("\ufeffimport_id,table,file,line,reason_code,reason")


def test_cli_metrics_and_export_are_wired(golden_cli) -> None:
    db, _ = golden_cli
    metrics = run_cli("metrics")
    assert metrics.returncode == 0 and "loan_month" in metrics.stdout
    exp = run_cli("export", "loan_month", "--db", str(db))
    assert exp.returncode == 0, exp.stderr
    rows = list(csv.reader(io.StringIO(exp.stdout.lstrip("\ufeff"))))
    assert rows[0][:3] == ["loan_id", "month_end", "state"]
    bad = run_cli("export", "no_such_metric", "--db", str(db))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_reimport_changes_nothing_and_clears_stale_files(golden_cli, tmp_path: Path) -> None:
    db = _copy_db(golden_cli[0], tmp_path / "l.duckdb")
    tables = (*RAW_TABLES, "rejects", "loan_month")
    first = snapshot(db, tables)
    stale = tmp_path / "l.duckdb.building-999999"
    stale.write_bytes(b"half a database")
    report = import_paths([golden_dir()], db, as_of=AS_OF)
    assert report.import_id == 2 and report.rejects == {}
    assert snapshot(db, tables) == first
    assert [r[0] for r in table_rows(db, "imports")] == [1, 2]
    assert not stale.exists()


def test_later_export_replaces_rows_by_key(golden_cli, tmp_path: Path) -> None:
    db = _copy_db(golden_cli[0], tmp_path / "l.duckdb")
    later = tmp_path / "later"
    later.mkdir()
    loans = golden_lines("loans")
    write_lines(
        later / "loans.csv",
        [
            loans[0],
            loans[1].replace("1200.00", "1300.00"),
            loans[2].replace(",,", ",2024-06-30,written_off"),
        ],
    )
    pays = golden_lines("repayments")
    write_lines(
        later / "repayments.csv",
        [pays[0], pays[5].replace("315.00", "300.00"), "P18,L002,2024-07-01,15.00"],
    )
    report = import_paths([later], db, as_of=AS_OF)
    assert report.tables["loans"] == {"read": 2, "loaded": 2, "rejected": 0}
    loans_db = {r[0]: r for r in table_rows(db, "loans")}
    assert len(loans_db) == 7
    assert loans_db["L001"][3] == Decimal("1300.00")
    assert str(loans_db["L002"][10]) == "2024-06-30" and loans_db["L002"][11] == "written_off"
    pays_db = {r[0]: r for r in table_rows(db, "repayments")}
    assert len(pays_db) == 18 and pays_db["P05"][4] == Decimal("300.00")
    assert len(table_rows(db, "installments")) == golden_rows("installments")
    assert len(table_rows(db, "collection_actions")) == golden_rows("collection_actions")


def test_payments_without_ids_get_stable_ids(tmp_path: Path) -> None:
    folder = copy_golden(tmp_path / "noids")
    pays = golden_lines("repayments")
    rows = [",".join(p.split(",")[1:]) for p in pays]  # drop payment_id
    rows.append(rows[-1])  # the same payment twice: two real payments, both count
    write_lines(folder / "repayments.csv", rows)
    db = tmp_path / "l.duckdb"
    import_paths([folder], db, as_of=AS_OF)
    first = table_rows(db, "repayments")
    assert len(first) == len(pays)  # 17 golden + 1 repeated
    assert all(r[0].startswith("auto:") for r in first)
    import_paths([folder], db, as_of=AS_OF)
    assert table_rows(db, "repayments") == first


def test_default_as_of_is_latest_date_in_ledger(tmp_path: Path) -> None:
    db = tmp_path / "l.duckdb"
    report = import_paths([golden_dir()], db)
    latest = max(
        [date.fromisoformat(line.split(",")[2]) for line in golden_lines("repayments")[1:]]
        + [
            date.fromisoformat(line.split(",")[2][:10])
            for line in golden_lines("collection_actions")[1:]
        ]
        + [date.fromisoformat(line.split(",")[2]) for line in golden_lines("loans")[1:]]
    )
    assert report.as_of == latest


def test_folder_of_monthly_files_equals_one_file(golden_cli, tmp_path: Path) -> None:
    one = golden_cli[0]
    monthly = copy_golden(tmp_path / "monthly")
    (monthly / "repayments.csv").unlink()
    (monthly / "repayments").mkdir()
    pays = golden_lines("repayments")
    by_month: dict[str, list[str]] = {}
    for line in pays[1:]:
        by_month.setdefault(line.split(",")[2][:7], []).append(line)
    for month, lines in by_month.items():
        write_lines(monthly / "repayments" / f"{month}.csv", [pays[0], *lines])
    acts = golden_lines("collection_actions")
    (monthly / "collection_actions.csv").unlink()
    write_lines(monthly / "collection_actions_2024-03.csv", [acts[0], *acts[1:8]])
    write_lines(monthly / "collection_actions_2024-04.csv", [acts[0], *acts[8:]])
    split = tmp_path / "split.duckdb"
    report = import_paths([monthly], split, as_of=AS_OF)
    assert report.tables["repayments"]["loaded"] == golden_rows("repayments")
    assert len(report.files) == 2 + len(by_month) + 2
    assert snapshot(split) == snapshot(one)


def test_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    db = tmp_path / "l.duckdb"
    report = import_paths([golden_dir(), golden_dir() / "loans.csv"], db, as_of=AS_OF)
    assert report.tables["loans"] == {"read": 7, "loaded": 7, "rejected": 0}


def test_database_copy_is_untouched_while_building(golden_cli, tmp_path: Path) -> None:
    """The import never writes the current file: it is replaced, not modified."""
    db = _copy_db(golden_cli[0], tmp_path / "l.duckdb")
    before = db.read_bytes()
    keep = tmp_path / "keep.duckdb"
    os.link(db, keep)  # the same file under a second name: any write in place would show
    import_paths([golden_dir()], db, as_of=AS_OF)
    assert db.stat().st_ino != keep.stat().st_ino
    assert keep.read_bytes() == before
