"""`python -m ledger import --from-db URL` against a real, throwaway PostgreSQL server.

The module starts a throwaway PostgreSQL (tests/pg_support.py: initdb in a temp dir, 127.0.0.1, a
free port, password authentication), loads the golden ledger into typed tables (loans under another
schema and name, repayments through a query, to exercise the mapping's [source] section), and
checks that importing from it gives the same raw tables and loan_month as the file import of the
golden CSVs; that every failure (wrong password, unreachable server, missing table, missing column)
exits 2 naming the problem and leaves an existing database byte-identical; and that the password is
never shown nor stored.

Without the PostgreSQL binaries the module is skipped — except under CI=true, where it fails.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.golden import golden_dir
from tests.import_support import RAW_TABLES, run_cli, snapshot, table_rows
from tests.pg_support import GOLDEN_MAPPING as MAPPING
from tests.pg_support import free_port, load_golden, require_pg_bin, server

AS_OF = "2024-09-30"
PASSWORD = "Xq7-s3cret-Pw-8842"
USER = "ledger_reader"
DBNAME = "lender"


@pytest.fixture(scope="module")
def pg_port() -> Iterator[int]:
    with server(require_pg_bin(), PASSWORD) as port:
        load_golden(port, PASSWORD, USER, DBNAME)
        yield port


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("from_db")
    (d / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def file_db(work: Path) -> Path:
    db = work / "file.duckdb"
    proc = run_cli("import", str(golden_dir()), "--db", str(db), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    return db


def _url(port: int) -> str:
    return f"postgresql+psycopg://{USER}@127.0.0.1:{port}/{DBNAME}"


def _env(password: str = PASSWORD) -> dict[str, str]:
    return {"LEDGER_DB_PASSWORD": password, "PGPASSWORD": "", "LEDGER_DB_URL": ""}


def _from_db(db: Path, *args: str, url: str, env: dict[str, str] | None = None, **kw):
    return run_cli(
        "import", "--from-db", url, "--db", str(db), "--as-of", AS_OF, *args,
        env=_env() if env is None else env, **kw,
    )  # fmt: skip


@pytest.fixture(scope="module")
def db_import(pg_port: int, work: Path) -> tuple[Path, subprocess.CompletedProcess]:
    db = work / "from_db.duckdb"
    proc = _from_db(db, "--mapping", str(work / "mapping.toml"), url=_url(pg_port))
    assert proc.returncode == 0, proc.stderr
    return db, proc


def _assert_no_password(proc: subprocess.CompletedProcess, *files: Path) -> None:
    assert PASSWORD not in proc.stdout and PASSWORD not in proc.stderr
    for f in files:
        if f.exists():
            assert PASSWORD.encode() not in f.read_bytes(), f


def test_from_db_equals_the_file_import(db_import, file_db: Path) -> None:
    db, proc = db_import
    assert snapshot(db, RAW_TABLES) == snapshot(file_db, RAW_TABLES)
    assert table_rows(db, "loan_month") == table_rows(file_db, "loan_month")
    assert table_rows(db, "rejects") == []
    assert "reconciled" in proc.stdout
    sources = table_rows(db, "imports")[0][3]
    assert f"{USER}:***@127.0.0.1" in sources and "core.loan_master" in sources
    _assert_no_password(proc, db)


def test_since_reads_changed_rows_and_keeps_the_rest(
    monkeypatch, capsys, pg_port: int, db_import, work: Path
) -> None:
    """--since 2024-06-01 into a database holding the same ledger: exactly the rows the dates
    select are read, and (merged by key) every table stays as it was."""
    db, _ = db_import
    copy = work / "since.duckdb"
    shutil.copy(db, copy)
    code, out, err = _main(
        monkeypatch, capsys, "--from-db", _url(pg_port), "--db", str(copy), "--as-of", AS_OF,
        "--mapping", str(work / "mapping.toml"), "--since", "2024-06-01", "--json",
    )  # fmt: skip
    assert code == 0, err
    read = {t: v["read"] for t, v in json.loads(out)["tables"].items()}
    since = "2024-06-01"
    loans = _golden("loans")
    chosen = {
        r["loan_id"] for r in loans if r["disbursed_date"] >= since or r["closed_date"] >= since
    }
    assert read["loans"] == len(chosen)
    assert read["installments"] == sum(1 for r in _golden("installments") if r["loan_id"] in chosen)
    assert read["repayments"] == sum(1 for r in _golden("repayments") if r["paid_date"] >= since)
    assert read["collection_actions"] == sum(
        1 for r in _golden("collection_actions") if r["action_at"] >= since
    )
    assert 0 < read["repayments"] < len(_golden("repayments"))
    assert snapshot(copy, RAW_TABLES) == snapshot(db, RAW_TABLES)


def _golden(table: str) -> list[dict[str, str]]:
    with (golden_dir() / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _main(monkeypatch, capsys, *args: str, env: dict[str, str] | None = None):
    """The command line in this process (saves a Python start per case): (code, out, err)."""
    from ledger.cli import main

    for k, v in (_env() if env is None else env).items():
        monkeypatch.setenv(k, v)
    capsys.readouterr()
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _refused(
    monkeypatch, capsys, file_db: Path, work: Path, name: str, *args: str, url: str,
    env: dict[str, str] | None = None,
) -> str:  # fmt: skip
    db = work / f"{name}.duckdb"
    shutil.copy(file_db, db)
    before = db.read_bytes()
    code, out, err = _main(
        monkeypatch, capsys, "--from-db", url, "--db", str(db), "--as-of", AS_OF, *args, env=env
    )
    assert code == 2, (out, err)
    assert err.startswith("import refused: ") and err.count("\n") == 1, err
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".wal").exists()
    assert not list(work.glob(f".{db.name}.from-db-*"))  # temporary CSVs removed
    assert PASSWORD not in out + err
    assert PASSWORD.encode() not in db.read_bytes()
    return err


def test_wrong_password(monkeypatch, capsys, pg_port: int, file_db: Path, work: Path) -> None:
    err = _refused(
        monkeypatch,
        capsys,
        file_db,
        work,
        "wrong_pw",
        url=_url(pg_port),
        env=_env("not-the-password"),
    )
    assert "password" in err and "refused" in err


def test_unreachable_host(monkeypatch, capsys, pg_port: int, file_db: Path, work: Path) -> None:
    url = f"postgresql+psycopg://{USER}@127.0.0.1:{free_port()}/{DBNAME}"
    err = _refused(monkeypatch, capsys, file_db, work, "unreachable", url=url)
    assert "cannot reach the database server" in err


def test_missing_table(monkeypatch, capsys, pg_port: int, file_db: Path, work: Path) -> None:
    mapping = work / "missing_table.toml"
    mapping.write_text('[source.tables]\nloans = "core.no_such_loans"\n', encoding="utf-8")
    err = _refused(
        monkeypatch, capsys, file_db, work, "no_table", "--mapping", str(mapping), url=_url(pg_port)
    )
    assert "core.no_such_loans not found" in err


def test_missing_column(monkeypatch, capsys, pg_port: int, file_db: Path, work: Path) -> None:
    mapping = work / "missing_column.toml"
    mapping.write_text(
        '[source.tables]\nloans = "core.loan_master"\nrepayments = "core.pay_nodate"\n',
        encoding="utf-8",
    )
    err = _refused(
        monkeypatch,
        capsys,
        file_db,
        work,
        "no_column",
        "--mapping",
        str(mapping),
        url=_url(pg_port),
    )
    assert "paid_date missing from the repayments table" in err
    mapping.write_text(MAPPING.replace("paid_date", "paid_day"), encoding="utf-8")
    err = _refused(
        monkeypatch,
        capsys,
        file_db,
        work,
        "bad_query",
        "--mapping",
        str(mapping),
        url=_url(pg_port),
    )
    assert "paid_day" in err and "not found" in err


def test_password_on_the_command_line_is_refused(
    monkeypatch, capsys, pg_port: int, file_db: Path, work: Path
) -> None:
    url = f"postgresql+psycopg://{USER}:{PASSWORD}@127.0.0.1:{pg_port}/{DBNAME}"
    err = _refused(monkeypatch, capsys, file_db, work, "cmdline", url=url)
    assert "shell history" in err and f"{USER}:***@" in err


def test_secrets_file(monkeypatch, capsys, pg_port: int, db_import, work: Path) -> None:
    secrets = work / "secrets.toml"
    secrets.write_text(f'url = "{_url(pg_port)}"\npassword = "{PASSWORD}"\n', encoding="utf-8")
    db = work / "secrets.duckdb"
    code, out, err = _main(
        monkeypatch, capsys, "--secrets", str(secrets), "--mapping", str(work / "mapping.toml"),
        "--db", str(db), "--as-of", AS_OF, env={"LEDGER_DB_PASSWORD": "", "PGPASSWORD": ""},
    )  # fmt: skip
    assert code == 0, err
    assert snapshot(db, RAW_TABLES) == snapshot(db_import[0], RAW_TABLES)
    assert PASSWORD not in out + err and PASSWORD.encode() not in db.read_bytes()
